import { useApi } from '../api/api-context.js';
import type { LinkedIdentity, SignInMethods } from '../api/sign-in-client.js';
import { FormError } from '../components/form-error.js';
import { useSubmit } from '../lib/use-submit.js';
import { gitHubStartUrl, gitLabStartUrl, ssoStartUrl } from '../sign-in/start-urls.js';
import { isLinked } from './identity-display.js';

const goTo = (url: string) => window.location.assign(url);

export interface LinkMethodsProps {
  readonly methods: SignInMethods;
  readonly identities: readonly LinkedIdentity[];
  /** The signed-in user's email: it says which identity provider single sign-on goes to. */
  readonly email: string;
  readonly go?: (url: string) => void;
}

/** Buttons that link one more way to sign in: each GitHub host and GitLab application not linked yet, and SSO. */
export const LinkMethods = ({ methods, identities, email, go = goTo }: LinkMethodsProps) => {
  const api = useApi();
  const sso = useSubmit(async () => {
    const url = ssoStartUrl(await api.ssoStartUrl(email), 'link', '/profile');
    if (!url) throw new Error('The server answered an address that is not part of scm-connect.');
    go(url);
  }, 'Could not start single sign-on.');
  const github = methods.github.filter((item) => !isLinked(identities, 'github', item.webUrl));
  const gitlab = methods.gitlab.filter((item) => !isLinked(identities, 'gitlab', item.webUrl));

  if (github.length === 0 && gitlab.length === 0 && !methods.sso) {
    const offered = methods.github.length + methods.gitlab.length > 0;
    return (
      <p className="muted">
        {offered
          ? 'Every way to sign in that this instance offers is linked.'
          : 'This instance offers no other way to sign in.'}
      </p>
    );
  }
  return (
    <>
      <div className="link-methods">
        {github.map((item) => (
          <a key={item.webUrl} className="button" href={gitHubStartUrl(item.webUrl, 'link', '/profile')}>
            Link {item.label}
          </a>
        ))}
        {gitlab.map((item) => (
          <a key={item.id} className="button" href={gitLabStartUrl(item.id, 'link', '/profile')}>
            Link {item.label}
          </a>
        ))}
        {methods.sso ? (
          <button
            type="button"
            className="button"
            aria-disabled={sso.busy}
            onClick={() => {
              if (!sso.busy) sso.run();
            }}
          >
            {sso.busy ? 'Opening your identity provider…' : 'Link single sign-on'}
          </button>
        ) : null}
      </div>
      <FormError message={sso.error} />
    </>
  );
};
