/**
 * What an uploader may say to name a repository: scm-connect's id for it, its full name (`acme/web-shop`,
 * `org/project/repo`), or any URL of it (web, https or ssh clone, scp-like `git@host:path`), with or without
 * credentials, which are dropped here and never shown.
 */
export type RepositoryReference =
  | { readonly kind: 'id'; readonly id: string; readonly display: string }
  | { readonly kind: 'name'; readonly fullNames: readonly string[]; readonly display: string }
  | UrlReference;

export interface UrlReference {
  readonly kind: 'url';
  /** `web`: http(s), the path may start with the instance's own path; `ssh`: ssh, scp-like or git://. */
  readonly transport: 'web' | 'ssh';
  /** Lower-case. */
  readonly hostname: string;
  /** Only when the URL writes one. */
  readonly port: number | undefined;
  /** The path's segments, percent-decoded. */
  readonly segments: readonly string[];
  /** The URL without credentials, query or fragment. */
  readonly display: string;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const withScheme = /^([a-z][a-z0-9+.-]*):\/\//i;
/** `git@github.com:acme/web-shop.git`, `github.com:acme/web-shop`: a host, a colon, a path, no scheme. */
const scpLike = /^(?:[^@\s/:]+@)?([A-Za-z0-9][A-Za-z0-9.-]*):(?!\/\/)([^\s]+)$/;
// eslint-disable-next-line no-control-regex -- control characters are what a name may not hold
const control = /[\u0000-\u001f\u007f]/;

const webSchemes = new Set(['http', 'https']);
const sshSchemes = new Set(['ssh', 'git', 'git+ssh', 'ssh+git']);

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const segmentsOf = (path: string): string[] =>
  path
    .split('/')
    .filter((s) => s !== '')
    .map(decode);

/** Parses what an uploader wrote; undefined when it is none of the forms above. */
export function parseRepositoryReference(text: string): RepositoryReference | undefined {
  const value = text.trim();
  if (value === '' || value.length > 2000 || control.test(value)) return undefined;
  if (uuid.test(value)) return { kind: 'id', id: value.toLowerCase(), display: value };
  const scheme = withScheme.exec(value)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    const web = webSchemes.has(scheme) || scheme === 'git+https';
    if (!web && !sshSchemes.has(scheme)) return undefined;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return undefined;
    }
    if (url.hostname === '') return undefined;
    const shownScheme = scheme.replace(/^git\+|\+git$/, '');
    return {
      kind: 'url',
      transport: web ? 'web' : 'ssh',
      hostname: url.hostname.toLowerCase(),
      port: url.port === '' ? undefined : Number(url.port),
      segments: segmentsOf(url.pathname),
      display: `${shownScheme}://${url.host}${url.pathname}`,
    };
  }
  const scp = scpLike.exec(value);
  if (scp) {
    const [, host, path] = scp as unknown as [string, string, string];
    return {
      kind: 'url',
      transport: 'ssh',
      hostname: host.toLowerCase(),
      port: undefined,
      segments: segmentsOf(path),
      display: `${host}:${path}`,
    };
  }
  const parts = value.split('/');
  if (parts.length < 2 || parts.some((part) => part.trim() === '')) return undefined;
  const fullName = parts.join('/');
  const bare = fullName.replace(/\.git$/i, '');
  return { kind: 'name', fullNames: bare === fullName ? [fullName] : [fullName, bare], display: value };
}

/** How a reference may be shown in a message: its parsed form, never with credentials. */
export function displayRepositoryText(text: string): string {
  const parsed = parseRepositoryReference(text);
  if (parsed) return parsed.display;
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/]*@/i, '$1').slice(0, 200);
}

/** Whether two runs' `repositoryUri`s name one repository (credentials, case, `.git` and slashes aside). */
export function sameRepositoryText(a: string, b: string): boolean {
  const key = (text: string) => {
    const parsed = parseRepositoryReference(text);
    const base =
      parsed?.kind === 'url'
        ? `${parsed.hostname}/${parsed.segments.join('/')}`
        : displayRepositoryText(text);
    return base
      .toLowerCase()
      .replace(/\/+$/, '')
      .replace(/\.git$/, '');
  };
  return key(a) === key(b);
}
