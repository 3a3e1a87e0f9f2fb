/** What a round trip to GitHub, GitLab or an identity provider is for. */
export type SignInPurpose = 'sign-in' | 'link';

const withParams = (path: string, params: Readonly<Record<string, string | undefined>>): string => {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) query.set(name, value);
  const text = query.toString();
  return text ? `${path}?${text}` : path;
};

/** Sign in with GitHub (or link it) on github.com or an Enterprise Server, given by its web root. */
export const gitHubStartUrl = (webUrl: string, purpose: SignInPurpose, returnTo?: string): string =>
  withParams('/auth/github/start', { host: webUrl, purpose, return_to: returnTo });

/** Sign in with GitLab (or link it) through one of the instance's GitLab sign-in applications. */
export const gitLabStartUrl = (appId: string, purpose: SignInPurpose, returnTo?: string): string =>
  withParams('/auth/gitlab/start', { app: appId, purpose, return_to: returnTo });

/**
 * The start address of single sign-on as the server answered it (`/auth/sso/{id}/start`), for `purpose`; `null`
 * when it is not a path of this site, so the page never navigates elsewhere on the server's word.
 */
export const ssoStartUrl = (url: string, purpose: SignInPurpose, returnTo?: string): string | null => {
  if (!url.startsWith('/') || url.startsWith('//') || url.startsWith('/\\')) return null;
  const parsed = new URL(url, 'http://scm-connect.invalid');
  parsed.searchParams.set('purpose', purpose);
  if (returnTo) parsed.searchParams.set('return_to', returnTo);
  else parsed.searchParams.delete('return_to');
  return `${parsed.pathname}${parsed.search}`;
};

/** Test sign-in of an account's identity provider: checks its answer and comes back to the settings. */
export const ssoTestUrl = (providerId: string): string =>
  `/auth/sso/${encodeURIComponent(providerId)}/start?purpose=test`;

/**
 * The page to go back to after signing in: a path of this site from `return_to` or `next`, else `fallback`.
 * Anything that could leave the site (`//evil`, `/\evil`, a full URL) is ignored.
 */
export const returnPath = (search: string, fallback = '/projects'): string => {
  const params = new URLSearchParams(search);
  const wanted = params.get('return_to') ?? params.get('next');
  return wanted && wanted.startsWith('/') && !wanted.startsWith('//') && !wanted.startsWith('/\\')
    ? wanted
    : fallback;
};
