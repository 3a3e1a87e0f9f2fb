import { useState } from 'react';
import { useApi } from '../api/api-context.js';
import type { SignInMethods } from '../api/sign-in-client.js';
import { TextField } from '../components/fields.js';
import { FormError } from '../components/form-error.js';
import { emailRule } from '../forms/field-rules.js';
import { useForm } from '../forms/use-form.js';
import { gitHubStartUrl, gitLabStartUrl, ssoStartUrl } from './start-urls.js';

const goTo = (url: string) => window.location.assign(url);

const ssoRules = { email: emailRule('Work email') };

/** Sign in with SSO: the work email says which account's identity provider to go to. */
const SsoEmailForm = ({
  returnTo,
  go,
}: {
  readonly returnTo: string;
  readonly go: (url: string) => void;
}) => {
  const api = useApi();
  const form = useForm(
    ssoRules,
    {},
    async ({ email = '' }) => {
      const url = ssoStartUrl(await api.ssoStartUrl(email), 'sign-in', returnTo);
      if (!url) throw new Error('The server answered an address that is not part of scm-connect.');
      go(url);
    },
    'Could not start single sign-on.',
  );
  return (
    <form
      ref={form.formRef}
      className="form"
      noValidate
      aria-label="Sign in with SSO"
      onSubmit={form.onSubmit}
    >
      <TextField
        label="Work email"
        type="email"
        autoComplete="username"
        required
        autoFocus
        {...form.field('email')}
        help="Your identity provider is found by the domain of your email."
      />
      <FormError message={form.error} />
      <button type="submit" className="button button-primary button-block" aria-disabled={form.busy}>
        {form.busy ? 'Opening your identity provider…' : 'Continue with SSO'}
      </button>
    </form>
  );
};

export interface SignInOptionsProps {
  readonly methods: SignInMethods;
  /** Where to come back to after signing in. */
  readonly returnTo: string;
  /** Sends the browser to single sign-on; replaced in tests of the component alone. */
  readonly go?: (url: string) => void;
}

/**
 * The sign-in page's other ways in: one button per GitHub host and GitLab application, and single sign-on by
 * work email. Each button is a link the server answers (a full page load to GitHub, GitLab or the IdP).
 */
export const SignInOptions = ({ methods, returnTo, go = goTo }: SignInOptionsProps) => {
  const [ssoOpen, setSsoOpen] = useState(false);
  const links = [
    ...methods.github.map((github) => ({
      key: `github:${github.webUrl}`,
      href: gitHubStartUrl(github.webUrl, 'sign-in', returnTo),
      label: github.label,
    })),
    ...methods.gitlab.map((gitlab) => ({
      key: `gitlab:${gitlab.id}`,
      href: gitLabStartUrl(gitlab.id, 'sign-in', returnTo),
      label: gitlab.label,
    })),
  ];
  if (links.length === 0 && !methods.sso) return null;
  return (
    <div className="sign-in-options">
      {links.map((link) => (
        <a key={link.key} className="button button-block" href={link.href}>
          Sign in with {link.label}
        </a>
      ))}
      {methods.sso && !ssoOpen ? (
        <button type="button" className="button button-block" onClick={() => setSsoOpen(true)}>
          Sign in with SSO
        </button>
      ) : null}
      {methods.sso && ssoOpen ? <SsoEmailForm returnTo={returnTo} go={go} /> : null}
      <p className="sign-in-divider">
        <span>or with email and password</span>
      </p>
    </div>
  );
};
