import { useState } from 'react';
import { useApi } from '../api/api-context.js';
import { TextField } from '../components/fields.js';
import { FormError } from '../components/form-error.js';
import { useResource } from '../lib/use-resource.js';
import { useSubmit } from '../lib/use-submit.js';
import { useSessionControl } from '../session/session-context.js';
import { AuthLayout } from './auth-layout.js';

export const LoginPage = () => {
  const api = useApi();
  const { signedIn } = useSessionControl();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [setup] = useResource('setup', (signal) => api.setupStatus({ signal }));

  const { busy, error, onSubmit } = useSubmit(async () => {
    signedIn(await api.signIn(email.trim(), password));
  }, 'Sign-in failed.');

  if (setup.status === 'ready' && setup.data.needed) {
    return (
      <AuthLayout title="Set up scm-connect">
        <p>
          This service has no administrator yet. Open the one-time set-up link printed on the console where
          the service was started (it looks like <code>/setup?token=…</code>).
        </p>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title="Sign in">
      <form className="form" onSubmit={onSubmit}>
        <TextField
          label="Email"
          type="email"
          name="email"
          autoComplete="username"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <TextField
          label="Password"
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <FormError message={error} />
        <button type="submit" className="button button-primary button-block" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthLayout>
  );
};
