import { useApi } from '../api/api-context.js';
import type { Session } from '../api/schemas.js';
import { TextField } from '../components/fields.js';
import { FormError } from '../components/form-error.js';
import { accountRules } from '../forms/account-rules.js';
import { useForm } from '../forms/use-form.js';
import { useResource } from '../lib/use-resource.js';
import { Link, useLocation, useNavigate } from '../router/router-context.js';
import { useSessionControl } from '../session/session-context.js';
import { signInErrorMessage } from '../sign-in/sign-in-errors.js';
import { SignInOptions } from '../sign-in/sign-in-options.js';
import { returnPath } from '../sign-in/start-urls.js';
import { AuthLayout } from './auth-layout.js';

const signInRules = { email: accountRules.email, password: accountRules.password };

/** The query without `error`: once signed in again, the page is left the usual way. */
const withoutError = (search: string): string => {
  const params = new URLSearchParams(search);
  params.delete('error');
  const text = params.toString();
  return text ? `?${text}` : '';
};

export interface LoginPageProps {
  /**
   * Who is signed in, when a sign-in came back refused (or asked for a fresh sign-in before linking) to a
   * browser that already has a session: they may sign in again or carry on.
   */
  readonly signedInAs?: Session['user'] | null;
}

export const LoginPage = ({ signedInAs = null }: LoginPageProps) => {
  const api = useApi();
  const { signedIn } = useSessionControl();
  const navigate = useNavigate();
  const { search } = useLocation();
  const [setup] = useResource('setup', (signal) => api.setupStatus({ signal }));
  const [methods] = useResource('sign-in-methods', (signal) => api.signInMethods({ signal }));
  const params = new URLSearchParams(search);
  const error = params.get('error');
  const returnTo = returnPath(search);
  const form = useForm(
    signInRules,
    {},
    async ({ email = '', password = '' }) => {
      signedIn(await api.signIn(email, password));
      if (error) navigate(`/login${withoutError(search)}`, { replace: true });
    },
    'Sign-in failed.',
  );

  // Hooks run on every render, before the early return below.
  const reason = params.get('reason');
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

  const errorMessage = signInErrorMessage(error);
  return (
    <AuthLayout title={error === 'reauth_required' ? 'Sign in again' : 'Sign in'}>
      {reason === 'github-linked' ? (
        <p className="notice" role="status">
          Your credentials have changed after linking an organization. Sign in again to continue.
        </p>
      ) : null}
      {errorMessage ? (
        <p className="notice notice-danger" role="alert">
          {errorMessage}
        </p>
      ) : null}
      {signedInAs ? (
        <p className="muted">
          You are signed in as {signedInAs.name} ({signedInAs.email}).{' '}
          <Link to={`/login${withoutError(search)}`}>Continue without signing in again</Link>
        </p>
      ) : null}
      {methods.status === 'ready' ? <SignInOptions methods={methods.data} returnTo={returnTo} /> : null}
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
