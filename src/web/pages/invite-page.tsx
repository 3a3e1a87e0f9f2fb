import { useState } from 'react';
import { useApi } from '../api/api-context.js';
import { TextField } from '../components/fields.js';
import { FormError } from '../components/form-error.js';
import { useResource } from '../lib/use-resource.js';
import { useSubmit } from '../lib/use-submit.js';
import { useNavigate } from '../router/router-context.js';
import { useSessionControl } from '../session/session-context.js';
import { AuthLayout } from './auth-layout.js';

/** Accepts an invitation: the invited person picks a name and password and is signed in. */
export const InvitePage = ({ token }: { readonly token: string }) => {
  const api = useApi();
  const { signedIn } = useSessionControl();
  const navigate = useNavigate();
  const [invitation] = useResource(`invitation:${token}`, (signal) => api.invitation(token, { signal }));
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, onSubmit } = useSubmit(async () => {
    signedIn(await api.acceptInvitation(token, name.trim(), password));
    navigate('/projects', { replace: true });
  }, 'Could not accept the invitation.');

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

  return (
    <AuthLayout title={`Join ${invitation.data.accountName}`}>
      <p className="lead">
        You were invited as <strong>{invitation.data.email}</strong>. Choose your name and a password.
      </p>
      <form className="form" onSubmit={onSubmit}>
        <TextField
          label="Email"
          type="email"
          name="email"
          autoComplete="username"
          readOnly
          value={invitation.data.email}
        />
        <TextField
          label="Your name"
          name="name"
          autoComplete="name"
          required
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
        <TextField
          label="Password"
          type="password"
          name="password"
          autoComplete="new-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <FormError message={error} />
        <button type="submit" className="button button-primary button-block" disabled={busy}>
          {busy ? 'Joining…' : 'Accept invitation'}
        </button>
      </form>
    </AuthLayout>
  );
};
