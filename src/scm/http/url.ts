import { ScmError } from '../errors.js';

const maxUrlLength = 2048;

/** API paths users paste after the instance URL; the clients add them back themselves (security V9). */
const apiSuffixes = [/\/api\/v[34]$/i, /\/rest\/api\/(1\.0|latest)$/i, /\/_apis$/i];

/** Query parameters whose values are secrets or one-time codes, masked in messages and logs (K3). */
const secretParam = /token|secret|password|passwd|key|sig|code|auth|credential|session/i;

/**
 * Parse + normalize a user-supplied base URL once (WHATWG URL). Refuses non-http(s) schemes, userinfo,
 * whitespace/backslashes/control chars, query, fragment, > 2048 chars; plain http only when allowHttp.
 * Lower-cases the host, IDN → punycode, drops a trailing slash and a trailing API path the user pasted
 * (`/api/v4`, `/api/v3`, `/rest/api/1.0`, `/rest/api/latest`, `/_apis`) so the client adds it (security V9).
 * Throws ScmError('invalid', …, {code:'invalid_base_url'|'scheme_not_allowed'}).
 */
export function normalizeBaseUrl(raw: string, options: { allowHttp: boolean }): URL {
  const url = parseHttpUrl(raw, options);
  if (url.search !== '' || url.hash !== '' || /[?#]/.test(raw)) {
    throw invalidUrl('The instance URL must not have a query (`?…`) or a fragment (`#…`).');
  }
  let path = url.pathname.replace(/\/+$/, '');
  for (const suffix of apiSuffixes) path = path.replace(suffix, '');
  url.pathname = path.replace(/\/+$/, '') || '/';
  return url;
}

/**
 * Checks a URL the client is about to call (a base URL, a pagination link, a URL an SCM answered with):
 * http(s) only, plain http only when allowed, no userinfo. Returns it parsed.
 */
export function parseHttpUrl(raw: string | URL, options: { allowHttp: boolean }): URL {
  const text = raw instanceof URL ? raw.href : raw;
  if (text.length > maxUrlLength) throw invalidUrl(`The URL is longer than ${maxUrlLength} characters.`);
  // eslint-disable-next-line no-control-regex
  if (/[\s\\\u0000-\u001f\u007f]/.test(text)) {
    throw invalidUrl('The URL must not contain spaces, backslashes or control characters.');
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidUrl('The URL is not valid: use the form https://scm.example.com.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ScmError('invalid', 'Only https:// URLs are allowed.', {
      code: 'scheme_not_allowed',
      fix: 'Use the https:// address of the instance.',
    });
  }
  if (url.protocol === 'http:' && !options.allowHttp) {
    throw new ScmError('invalid', 'Plain http:// is not allowed on this server; use https://.', {
      code: 'scheme_not_allowed',
      fix: 'Use the https:// address of the instance, or ask the operator to allow plain HTTP.',
    });
  }
  if (url.username !== '' || url.password !== '' || /^[a-z]+:\/\/[^/]*@/i.test(text)) {
    throw invalidUrl('The URL must not contain a user name or password; credentials go in their own fields.');
  }
  if (url.hostname === '') throw invalidUrl('The URL has no host.');
  return url;
}

/** `url` as text with the values of secret-looking query parameters (`private_token`, `access_token`…) masked. */
export function redactUrl(url: URL | string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '[unparseable URL]';
  }
  parsed.username = '';
  parsed.password = '';
  for (const name of new Set(parsed.searchParams.keys())) {
    if (secretParam.test(name)) parsed.searchParams.set(name, '***');
  }
  return parsed.href.replaceAll('%2A%2A%2A', '***');
}

/** The base URL's path without a trailing slash (`''` for the root), to put API paths after. */
export const basePath = (baseUrl: URL): string => baseUrl.pathname.replace(/\/+$/, '');

const invalidUrl = (message: string) =>
  new ScmError('invalid', message, {
    code: 'invalid_base_url',
    fix: 'Enter the URL as https://scm.example.com.',
  });
