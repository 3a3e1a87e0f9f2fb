import { useState } from 'react';
import { useApi } from '../api/api-context.js';
import { TextField } from '../components/fields.js';
import { FormError } from '../components/form-error.js';
import { useResource } from '../lib/use-resource.js';
import { useSubmit } from '../lib/use-submit.js';
import { Link, useLocation } from '../router/router-context.js';
import { useSessionControl } from '../session/session-context.js';
import { AuthLayout } from './auth-layout.js';

/** First run: creates the first administrator and their account from the one-time set-up link. */
export const SetupPage = () => {
  const api = useApi();
  const { signedIn } = useSessionControl();
  const { search } = useLocation();
  const [token] = useState(() => new URLSearchParams(search).get('token') ?? '');
  const [form, setForm] = useState({ name: '', email: '', password: '', accountName: '' });
  const [setup] = useResource('setup', (signal) => api.setupStatus({ signal }));

  const set = (field: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [field]: event.target.value }));

  const { busy, error, onSubmit } = useSubmit(async () => {
    const session = await api.completeSetup({
      token,
      name: form.name.trim(),
      email: form.email.trim(),
      password: form.password,
      accountName: form.accountName.trim(),
    });
    signedIn(session);
  }, 'Set-up failed.');

  if (setup.status === 'ready' && !setup.data.needed) {
    return (
      <AuthLayout title="Already set up">
        <p>This service already has an administrator.</p>
        <Link className="button button-primary button-block" to="/login">
          Go to sign in
        </Link>
      </AuthLayout>
    );
  }

  if (!token) {
    return (
      <AuthLayout title="Set up scm-connect">
        <p>
          Open the one-time set-up link printed on the console where the service was started; it carries the
          token this page needs.
        </p>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title="Set up scm-connect">
      <p className="lead">Create the first administrator and the account your team works in.</p>
      <form className="form" onSubmit={onSubmit}>
        <TextField
          label="Your name"
          name="name"
          autoComplete="name"
          required
          value={form.name}
          onChange={set('name')}
        />
        <TextField
          label="Email"
          type="email"
          name="email"
          autoComplete="username"
          required
          value={form.email}
          onChange={set('email')}
        />
        <TextField
          label="Password"
          type="password"
          name="password"
          autoComplete="new-password"
          required
          value={form.password}
          onChange={set('password')}
        />
        <TextField
          label="Account name"
          name="accountName"
          required
          help="Usually your company or team; you can create more accounts later."
          value={form.accountName}
          onChange={set('accountName')}
        />
        <FormError message={error} />
        <button type="submit" className="button button-primary button-block" disabled={busy}>
          {busy ? 'Creating…' : 'Create administrator'}
        </button>
      </form>
    </AuthLayout>
  );
};
