import { useState } from 'react';
import { useApi } from '../api/api-context.js';
import { TextField } from '../components/fields.js';
import { FormError } from '../components/form-error.js';
import { accountRules } from '../forms/account-rules.js';
import { useForm } from '../forms/use-form.js';
import { useResource } from '../lib/use-resource.js';
import { Link, useLocation } from '../router/router-context.js';
import { useSessionControl } from '../session/session-context.js';
import { AuthLayout } from './auth-layout.js';

const setupRules = {
  name: accountRules.personName,
  email: accountRules.email,
  password: accountRules.newPassword,
  accountName: accountRules.accountName,
};

/** First run: creates the first administrator and their account from the one-time set-up link. */
export const SetupPage = () => {
  const api = useApi();
  const { signedIn } = useSessionControl();
  const { search } = useLocation();
  const [token] = useState(() => new URLSearchParams(search).get('token') ?? '');
  const [setup] = useResource('setup', (signal) => api.setupStatus({ signal }));
  const form = useForm(
    setupRules,
    {},
    async ({ name = '', email = '', password = '', accountName = '' }) =>
      signedIn(await api.completeSetup({ token, name, email, password, accountName })),
    'Set-up failed.',
  );

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

  const accountName = form.field('accountName');
  return (
    <AuthLayout title="Set up scm-connect">
      <p className="lead">Create the first administrator and the account your team works in.</p>
      <form ref={form.formRef} className="form" noValidate onSubmit={form.onSubmit}>
        <TextField label="Your name" autoComplete="name" required {...form.field('name')} />
        <TextField label="Email" type="email" autoComplete="username" required {...form.field('email')} />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          {...form.field('password')}
        />
        <TextField
          label="Account name"
          required
          {...accountName}
          help={
            <>
              Usually your company or team; you can create more accounts later.
              <span className="field-limits">{accountName.help}</span>
            </>
          }
        />
        <FormError message={form.error} />
        <button type="submit" className="button button-primary button-block" disabled={form.busy}>
          {form.busy ? 'Creating…' : 'Create administrator'}
        </button>
      </form>
    </AuthLayout>
  );
};
