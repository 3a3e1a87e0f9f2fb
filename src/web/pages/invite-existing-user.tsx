import { useApi } from '../api/api-context.js';
import { FormError } from '../components/form-error.js';
import { useSubmit } from '../lib/use-submit.js';
import { Link, useNavigate } from '../router/router-context.js';
import { useSessionControl } from '../session/session-context.js';

/** Whether the page is signed in as the invited email, so the invitation is accepted with that user. */
export const useSignedInAs = (email: string): boolean => {
  const { state } = useSessionControl();
  return state.status === 'signed-in' && state.session.user.email === email;
};

/** Accepting with the user the person has: one click, since they are signed in as the invited email. */
export const JoinWithSignedInUser = ({
  token,
  email,
  accountName,
}: {
  readonly token: string;
  readonly email: string;
  readonly accountName: string;
}) => {
  const api = useApi();
  const { signedIn } = useSessionControl();
  const navigate = useNavigate();
  const { busy, error, onSubmit } = useSubmit(async () => {
    signedIn(await api.joinInvitation(token));
    navigate('/projects', { replace: true });
  }, 'Could not accept the invitation.');
  return (
    <form className="form" onSubmit={onSubmit}>
      <p className="lead">
        You are signed in as <strong>{email}</strong>. Accept to join {accountName} with this user.
      </p>
      <FormError message={error} />
      <button type="submit" className="button button-primary button-block" disabled={busy}>
        {busy ? 'Joining…' : 'Accept invitation'}
      </button>
    </form>
  );
};

/** Below the new-user form: how someone who has a user here accepts with it instead. */
export const ExistingUserNote = ({ token, email }: { readonly token: string; readonly email: string }) => {
  const { state } = useSessionControl();
  if (state.status === 'signed-in') {
    return (
      <p className="muted">
        You are signed in as {state.session.user.email}. To accept with your user {email} instead, sign out,
        sign in as {email} and open this link again.
      </p>
    );
  }
  return (
    <p className="muted">
      Have a user here as {email} already?{' '}
      <Link to={`/login?next=${encodeURIComponent(`/invite/${token}`)}`}>Sign in</Link> to accept with it.
    </p>
  );
};
