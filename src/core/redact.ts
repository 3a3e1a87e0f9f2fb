/** What every removed secret is replaced with, in logs and messages. */
export const REDACTED = '[Redacted]';

/** Query (and fragment) parameters whose values are credentials or single-use grants. */
const SENSITIVE_PARAMS = new Set([
  'private_token',
  'access_token',
  'refresh_token',
  'id_token',
  'token',
  'code',
  'state',
  'client_secret',
  'password',
  'sig',
]);

/** Parameters that are credentials even outside a URL (`access_token=…&scope=repo` in a form body). */
const FORM_CREDENTIAL_PARAMS =
  'private_token|access_token|refresh_token|id_token|client_secret|password|token';

/** Object keys (compared without case, `-` or `_`) whose values are always secret. */
const SENSITIVE_KEYS = new Set([
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'privatetoken',
  'xgitlabtoken',
  'xapikey',
  'apikey',
  'password',
  'passwd',
  'passphrase',
  'secret',
  'privatekey',
  'pem',
  'masterkey',
  'signingkey',
  'encryptionkey',
  'credentials',
]);
const SENSITIVE_KEY_SUFFIXES = ['token', 'tokens', 'secret', 'secrets', 'password', 'privatekey', 'apikey'];

const URL_PARAM = /([?&#;])([^=&#\s"'<>]+)=([^&#\s"'<>\\]*)/g;
const FORM_PARAM = new RegExp(`(^|[\\s"'(,])(${FORM_CREDENTIAL_PARAMS})=([^&#\\s"'<>\\\\]*)`, 'gi');
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@"'<>\\]+)@/gi;
const HEADER_VALUE =
  /\b(authorization|proxy-authorization|private-token|x-gitlab-token|x-api-key|cookie|set-cookie)(\s*[:=]\s*)(?!\[Redacted\])([^"'\r\n\\]+)/gi;
const JSON_SECRET = /"([A-Za-z0-9_-]+)"(\s*:\s*)"((?:[^"\\]|\\.)*)"/g;
const ESCAPED_JSON_SECRET = /\\"([A-Za-z0-9_-]+)\\"(\s*:\s*)\\"((?:[^"\\]|\\[^"])*)\\"/g;
const BEARER = /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi;
const BASIC = /\bBasic\s+([A-Za-z0-9+/_-]{4,}={0,2})/gi;
const PRIVATE_KEY_BLOCK = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g;
/** Token formats that announce themselves: GitHub, GitLab, Atlassian, and JWTs (GitHub App tokens). */
const KNOWN_TOKENS =
  /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|gl[a-z]{2,7}-[A-Za-z0-9_-]{20,}|AT(?:ATT|CTT)[A-Za-z0-9_=-]{20,}|ATBB[A-Za-z0-9]{20,}|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+)/g;
const BASE64_RUN = /[A-Za-z0-9+/_-]{8,}={0,2}/g;

/** Whether a field with this name holds a secret (`Authorization`, `private-token`, `webhookSecret`, `clientSecret`…). */
export function isSensitiveKey(key: string): boolean {
  const name = key.toLowerCase().replace(/[-_\s]/g, '');
  if (name.startsWith('has')) return false;
  return SENSITIVE_KEYS.has(name) || SENSITIVE_KEY_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

/**
 * Masks the credentials in one URL (absolute or a path with a query): the userinfo and the values of
 * `private_token`, `access_token`, `token`, `code`, `state`, `client_secret`, `password` (and a few more) in the
 * query and the fragment. Everything else is left as written.
 */
export function maskUrl(url: string): string {
  const hashAt = url.indexOf('#');
  const beforeHash = hashAt === -1 ? url : url.slice(0, hashAt);
  const queryAt = beforeHash.indexOf('?');
  let masked = maskUserinfo(queryAt === -1 ? beforeHash : beforeHash.slice(0, queryAt));
  if (queryAt !== -1) masked += `?${maskParams(beforeHash.slice(queryAt + 1))}`;
  if (hashAt !== -1) masked += `#${maskParams(url.slice(hashAt + 1))}`;
  return masked;
}

function maskUserinfo(base: string): string {
  const scheme = /^(?:[a-z][a-z0-9+.-]*:)?\/\//i.exec(base);
  if (scheme === null) return base;
  const start = scheme[0].length;
  const slash = base.slice(start).search(/[/\\]/);
  const end = slash === -1 ? base.length : start + slash;
  const at = base.lastIndexOf('@', end - 1);
  if (at < start) return base;
  return `${base.slice(0, start)}${REDACTED}${base.slice(at)}`;
}

function maskParams(params: string): string {
  return params
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return pair;
      if (SENSITIVE_PARAMS.has(decodeName(pair.slice(0, eq)))) return `${pair.slice(0, eq)}=${REDACTED}`;
      return `${pair.slice(0, eq)}=${maskNestedUrl(pair.slice(eq + 1))}`;
    })
    .join('&');
}

/** A parameter whose value is itself a URL with credentials (`?repository=https%3A%2F%2Fuser%3Atoken%40host`). */
function maskNestedUrl(value: string): string {
  if (!/%40|@/i.test(value)) return value;
  let decoded: string;
  try {
    decoded = decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
  const masked = maskUserinfo(decoded);
  return masked === decoded ? value : encodeURIComponent(masked);
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    return name.toLowerCase();
  }
}

/**
 * Removes credentials that can be recognized without knowing them from free text (error messages, upstream
 * bodies, log lines): secret URL parameters and userinfo, header values (`Authorization: …`, `Cookie: …`),
 * `Bearer`/`Basic` credentials, secret fields of JSON (`"token": "…"`), PEM private keys and self-announcing
 * token formats (`ghp_…`, `glpat-…`, JWTs).
 */
export function scrubText(text: string): string {
  return text
    .replace(PRIVATE_KEY_BLOCK, REDACTED)
    .replace(USERINFO, `$1${REDACTED}@`)
    .replace(URL_PARAM, (match, sep: string, name: string) =>
      SENSITIVE_PARAMS.has(decodeName(name)) ? `${sep}${name}=${REDACTED}` : match,
    )
    .replace(FORM_PARAM, `$1$2=${REDACTED}`)
    .replace(JSON_SECRET, (match, name: string, colon: string) =>
      isSensitiveKey(name) ? `"${name}"${colon}"${REDACTED}"` : match,
    )
    .replace(ESCAPED_JSON_SECRET, (match, name: string, colon: string) =>
      isSensitiveKey(name) ? `\\"${name}\\"${colon}\\"${REDACTED}\\"` : match,
    )
    .replace(HEADER_VALUE, `$1$2${REDACTED}`)
    .replace(BEARER, REDACTED)
    .replace(BASIC, (match, encoded: string) =>
      Buffer.from(encoded, 'base64').toString('latin1').includes(':') ? REDACTED : match,
    )
    .replace(KNOWN_TOKENS, REDACTED);
}

/**
 * Replaces every occurrence of the given secrets in `text` with `[Redacted]`: as written, URL-encoded, in base64
 * or base64url, and inside any base64 run that decodes to text holding one (a `Basic` credential such as
 * `base64("x-access-token:" + token)`). For messages that might echo a token the caller knows.
 */
export function redactText(text: string, secrets: readonly string[]): string {
  const wanted = [...new Set(secrets.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
  if (wanted.length === 0) return text;
  let result = text
    .replace(/\bBasic\s+([A-Za-z0-9+/_-]+={0,2})/gi, (match, encoded: string) =>
      holdsSecret(encoded, wanted) ? REDACTED : match,
    )
    .replace(BASE64_RUN, (match) => (holdsSecret(match, wanted) ? REDACTED : match));
  for (const secret of wanted) {
    const encoded = Buffer.from(secret, 'utf8');
    const forms = new Set([
      secret,
      encodeURIComponent(secret),
      encoded.toString('base64'),
      encoded.toString('base64').replace(/=+$/, ''),
      encoded.toString('base64url'),
    ]);
    for (const form of [...forms].sort((a, b) => b.length - a.length))
      result = result.split(form).join(REDACTED);
  }
  return result;
}

function holdsSecret(encoded: string, secrets: readonly string[]): boolean {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  return secrets.some((secret) => decoded.includes(secret));
}

const MAX_DEPTH = 10;

/**
 * A copy of `value` that is safe to log: fields named like secrets ({@link isSensitiveKey}) become `[Redacted]`
 * (unless they hold a boolean, number or null, such as `hasToken: true`), strings go through {@link scrubText},
 * URLs through {@link maskUrl}, errors become plain objects with their causes, binary data is summarized.
 */
export function redactValue(value: unknown, options: RedactValueOptions = {}): unknown {
  return redactAt(value, 0, {
    ancestors: new WeakSet(),
    scrub: options.scrubStrings === false ? keep : scrubText,
  });
}

export interface RedactValueOptions {
  /** Run strings through {@link scrubText} (default true). The logger turns it off: it scrubs the whole line. */
  readonly scrubStrings?: boolean;
}

interface Walk {
  readonly ancestors: WeakSet<object>;
  readonly scrub: (text: string) => string;
}

const keep = (text: string) => text;

function redactAt(value: unknown, depth: number, walk: Walk): unknown {
  if (typeof value === 'string') return walk.scrub(value);
  if (typeof value !== 'object' || value === null) return value;
  if (walk.ancestors.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  if (value instanceof URL) return maskUrl(value.href);
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[Binary ${value.byteLength} bytes]`;
  if (isEmitter(value)) return `[${value.constructor.name || 'EventEmitter'}]`;
  walk.ancestors.add(value);
  try {
    if (Array.isArray(value)) return redactArray(value, depth, walk);
    if (value instanceof Error) return redactError(value, depth, walk);
    if (isHeadersLike(value)) return redactRecord(Object.fromEntries(value.entries()), depth, walk);
    if (value instanceof Map) return redactRecord(Object.fromEntries(value), depth, walk);
    const toJSON: unknown = Reflect.get(value, 'toJSON');
    if (typeof toJSON === 'function') {
      const json: unknown = toJSON.call(value);
      return json === value ? redactRecord(value, depth, walk) : redactAt(json, depth + 1, walk);
    }
    return redactRecord(value, depth, walk);
  } finally {
    walk.ancestors.delete(value);
  }
}

function redactArray(values: readonly unknown[], depth: number, walk: Walk): unknown[] {
  // Raw header lists are flat: ['authorization', 'Bearer …', 'accept', '*/*'].
  return values.map((item, index) => {
    const previous = index > 0 ? values[index - 1] : undefined;
    if (typeof previous === 'string' && typeof item === 'string' && isSensitiveKey(previous)) return REDACTED;
    return redactAt(item, depth + 1, walk);
  });
}

function redactRecord(record: object, depth: number, walk: Walk): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(record)) {
    const keep = item === null || typeof item === 'boolean' || typeof item === 'number' || item === undefined;
    copy[key] = isSensitiveKey(key) && !keep ? REDACTED : redactAt(item, depth + 1, walk);
  }
  return copy;
}

function redactError(error: Error, depth: number, walk: Walk): Record<string, unknown> {
  const copy: Record<string, unknown> = {
    type: error.constructor.name || error.name,
    message: walk.scrub(error.message),
  };
  if (error.stack !== undefined) copy['stack'] = walk.scrub(error.stack);
  Object.assign(copy, redactRecord(error, depth, walk));
  if (error.cause !== undefined) copy['cause'] = redactAt(error.cause, depth + 1, walk);
  if (error instanceof AggregateError) copy['errors'] = redactAt(error.errors, depth + 1, walk);
  return copy;
}

function isHeadersLike(value: object): value is { entries(): IterableIterator<[string, string]> } {
  return (
    typeof Reflect.get(value, 'entries') === 'function' &&
    typeof Reflect.get(value, 'get') === 'function' &&
    typeof Reflect.get(value, 'has') === 'function' &&
    !(value instanceof Map)
  );
}

/** Sockets, streams and servers: walking them would log half the process. */
function isEmitter(value: object): boolean {
  return typeof Reflect.get(value, 'on') === 'function' && typeof Reflect.get(value, 'emit') === 'function';
}
