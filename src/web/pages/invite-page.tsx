import { useApi } from '../api/api-context.js';
import { TextField } from '../components/fields.js';
import { FormError } from '../components/form-error.js';
import { accountRules } from '../forms/account-rules.js';
import { useForm } from '../forms/use-form.js';
import { useResource } from '../lib/use-resource.js';
import { useNavigate } from '../router/router-context.js';
import { useSessionControl } from '../session/session-context.js';
import { AuthLayout } from './auth-layout.js';
import { ExistingUserNote, JoinWithSignedInUser, useSignedInAs } from './invite-existing-user.js';

const joinRules = { name: accountRules.personName, password: accountRules.newPassword };

/** Accepts an invitation: with the invited person's user when signed in as them, else as a new user. */
export const InvitePage = ({ token }: { readonly token: string }) => {
  const api = useApi();
  const { signedIn } = useSessionControl();
  const navigate = useNavigate();
  const [invitation] = useResource(`invitation:${token}`, (signal) => api.invitation(token, { signal }));
  const signedInAsInvited = useSignedInAs(invitation.status === 'ready' ? invitation.data.email : '');
  const form = useForm(
    joinRules,
    {},
    async ({ name = '', password = '' }) => {
      signedIn(await api.acceptInvitation(token, name, password));
      navigate('/projects', { replace: true });
    },
    'Could not accept the invitation.',
  );

  if (invitation.status === 'loading') {
    return (
      <AuthLayout title="Accept invitation">
        <p className="muted">Loading the invitation…</p>
      </AuthLayout>
    );
  }
  if (invitation.status === 'error') {
    return (
      <AuthLayout title="Invitation not valid">
        <FormError message={invitation.message} />
        <p>Ask an admin of the account for a new invitation link.</p>
      </AuthLayout>
    );
  }

  if (signedInAsInvited) {
    return (
      <AuthLayout title={`Join ${invitation.data.accountName}`}>
        <JoinWithSignedInUser token={token} {...invitation.data} />
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title={`Join ${invitation.data.accountName}`}>
      <p className="lead">
        You were invited as <strong>{invitation.data.email}</strong>. Choose your name and a password.
      </p>
      <form ref={form.formRef} className="form" noValidate onSubmit={form.onSubmit}>
        <TextField
          label="Email"
          type="email"
          name="email"
          autoComplete="username"
          readOnly
          value={invitation.data.email}
        />
        <TextField label="Your name" autoComplete="name" required {...form.field('name')} />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          {...form.field('password')}
        />
        <FormError message={form.error} />
        <button type="submit" className="button button-primary button-block" disabled={form.busy}>
          {form.busy ? 'Joining…' : 'Accept invitation'}
        </button>
      </form>
      <ExistingUserNote token={token} email={invitation.data.email} />
    </AuthLayout>
  );
};
