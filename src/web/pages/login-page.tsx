import { useApi } from '../api/api-context.js';
import { TextField } from '../components/fields.js';
import { FormError } from '../components/form-error.js';
import { accountRules } from '../forms/account-rules.js';
import { useForm } from '../forms/use-form.js';
import { useResource } from '../lib/use-resource.js';
import { useLocation } from '../router/router-context.js';
import { useSessionControl } from '../session/session-context.js';
import { AuthLayout } from './auth-layout.js';

const signInRules = { email: accountRules.email, password: accountRules.password };

export const LoginPage = () => {
  const api = useApi();
  const { signedIn } = useSessionControl();
  const [setup] = useResource('setup', (signal) => api.setupStatus({ signal }));
  const form = useForm(
    signInRules,
    {},
    async ({ email = '', password = '' }) => signedIn(await api.signIn(email, password)),
    'Sign-in failed.',
  );

  // Hooks run on every render, before the early return below.
  const reason = new URLSearchParams(useLocation().search).get('reason');
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
      {reason === 'github-linked' ? (
        <p className="notice" role="status">
          Your credentials have changed after linking an organization. Sign in again to continue.
        </p>
      ) : null}
      <form ref={form.formRef} className="form" noValidate onSubmit={form.onSubmit}>
        <TextField
          label="Email"
          type="email"
          autoComplete="username"
          required
          {...form.field('email')}
          help={undefined}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          {...form.field('password')}
        />
        <FormError message={form.error} />
        <button type="submit" className="button button-primary button-block" disabled={form.busy}>
          {form.busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthLayout>
  );
};
