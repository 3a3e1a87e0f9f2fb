import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Verification, WebhookHeaders } from './webhook-receiver.js';

/*
 * The checks the kinds' receivers are built from, written once: every comparison is constant-time over buffers of
 * equal length, and every header is checked for form before any byte of it is compared.
 */

export type HeaderRead =
  | { readonly state: 'absent' }
  | { readonly state: 'repeated' }
  | { readonly state: 'present'; readonly value: string };

/** The header's one value; `repeated` when it arrived more than once (two signatures are never one). */
export function readHeader(headers: WebhookHeaders, name: string): HeaderRead {
  const values = headers.get(name);
  if (!values || values.length === 0) return { state: 'absent' };
  if (values.length > 1) return { state: 'repeated' };
  return { state: 'present', value: values[0]! };
}

/** The first value of a header, for names and ids that carry no trust. */
export const firstHeader = (headers: WebhookHeaders, name: string): string | undefined =>
  headers.get(name)?.[0];

export const verified: Verification = { ok: true };

export const refused = (
  failure: Exclude<Verification, { ok: true }>['failure'],
  message: string,
): Verification => ({
  ok: false,
  failure,
  message,
});

/** Whether two strings are equal, in time that depends on neither: both are hashed to 32 bytes first. */
export function tokensMatch(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

const hexSha256 = /^sha256=[0-9a-fA-F]{64}$/;

/**
 * `sha256=<hex HMAC-SHA256 of the raw body>` in `header` (GitHub `X-Hub-Signature-256`, Bitbucket
 * `X-Hub-Signature`). The prefix is lower case, as the SCMs send it; anything else is malformed.
 */
export function verifyHexHmac(
  headers: WebhookHeaders,
  rawBody: Buffer,
  secret: string,
  header: { readonly name: string; readonly label: string },
): Verification {
  const read = readHeader(headers, header.name);
  if (read.state === 'absent') {
    return refused(
      'missing-signature',
      `The delivery has no ${header.label} header: set the hook's secret to the one scm-connect gave for it.`,
    );
  }
  if (read.state === 'repeated') {
    return refused(
      'repeated-header',
      `${header.label} was sent more than once; a delivery carries one signature.`,
    );
  }
  if (!hexSha256.test(read.value)) {
    return refused(
      'malformed-signature',
      `${header.label} must be "sha256=" followed by 64 hexadecimal digits.`,
    );
  }
  const given = Buffer.from(read.value.slice('sha256='.length), 'hex');
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  if (!timingSafeEqual(given, expected)) {
    return refused(
      'signature-mismatch',
      `${header.label} does not match the body signed with this hook's secret: check the secret set on the hook.`,
    );
  }
  return verified;
}

/** How far a Standard Webhooks `webhook-timestamp` may be from our clock. */
export const signedTimestampToleranceSeconds = 5 * 60;

const base64Signature = /^[A-Za-z0-9+/]{43}=$/;
const unixSeconds = /^\d{1,12}$/;
const signingSecretForm = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

/** Whether a signing secret has the Standard Webhooks form, `whsec_` and base64 (at least 24 bytes). */
export const isSigningSecret = (value: string): boolean =>
  signingSecretForm.test(value) && Buffer.from(value.slice('whsec_'.length), 'base64').length >= 24;

/**
 * The Standard Webhooks scheme GitLab's signing token uses: `webhook-signature` holds space-separated `v1,<base64
 * HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}">` entries keyed with the base64 bytes after `whsec_`;
 * one valid `v1` entry is enough (several are sent while a token is rotated). The timestamp must be within five
 * minutes of `now`.
 */
export function verifyStandardWebhook(
  headers: WebhookHeaders,
  rawBody: Buffer,
  signingSecret: string,
  now: Date,
): Verification {
  const values: string[] = [];
  for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
    const read = readHeader(headers, name);
    if (read.state === 'absent') {
      return refused(
        'missing-signature',
        `The delivery has no ${name} header, and this hook has a signing token: check the hook's signing token on GitLab.`,
      );
    }
    if (read.state === 'repeated') {
      return refused('repeated-header', `${name} was sent more than once; a delivery carries one.`);
    }
    values.push(read.value);
  }
  const [id, timestamp, signatures] = values as [string, string, string];
  if (id === '' || id.includes('.'))
    return refused('malformed-signature', 'webhook-id must be a non-empty id without dots.');
  if (!unixSeconds.test(timestamp)) {
    return refused('malformed-signature', 'webhook-timestamp must be whole seconds since 1970.');
  }
  const candidates = signatures
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => entry.slice('v1,'.length));
  if (candidates.length === 0 || candidates.some((candidate) => !base64Signature.test(candidate))) {
    return refused(
      'malformed-signature',
      'webhook-signature must be space-separated "v1,<base64 HMAC-SHA256>" entries.',
    );
  }
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > signedTimestampToleranceSeconds) {
    return refused(
      'stale-timestamp',
      "webhook-timestamp is more than 5 minutes from this server's clock: check the clocks of GitLab and scm-connect, or resend the delivery.",
    );
  }
  const key = Buffer.from(signingSecret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(rawBody).digest();
  let matched = false;
  for (const candidate of candidates) {
    // Every candidate is compared, so the time taken does not tell which one matched.
    if (timingSafeEqual(Buffer.from(candidate, 'base64'), expected)) matched = true;
  }
  if (!matched) {
    return refused(
      'signature-mismatch',
      "webhook-signature does not match this hook's signing token: check the signing token set on the hook.",
    );
  }
  return verified;
}

const basicCredentials = /^basic ([A-Za-z0-9+/]+={0,2})$/i;

/**
 * `Authorization: Basic <base64 user:password>` compared with `expected` (`user:password`), accepted only over
 * https: the credentials travel with every delivery.
 */
export function verifyBasicAuth(headers: WebhookHeaders, expected: string, secure: boolean): Verification {
  if (!secure) {
    return refused(
      'insecure-transport',
      'Service hook deliveries carry basic-auth credentials, so they are accepted over https only: set ' +
        'SCM_CONNECT_PUBLIC_URL to the https address of scm-connect, or SCM_CONNECT_TRUST_PROXY=true behind a TLS proxy.',
    );
  }
  const read = readHeader(headers, 'authorization');
  if (read.state === 'absent') {
    return refused(
      'missing-signature',
      "The delivery has no Authorization header: set the service hook's basic-auth user name and password to the ones scm-connect gave.",
    );
  }
  if (read.state === 'repeated') {
    return refused('repeated-header', 'Authorization was sent more than once.');
  }
  const match = basicCredentials.exec(read.value);
  const decoded = match ? Buffer.from(match[1]!, 'base64') : undefined;
  // Node decodes leniently (dropping stray trailing characters, missing padding): only the canonical form is one.
  if (!decoded || decoded.toString('base64') !== match![1]) {
    return refused('malformed-signature', 'Authorization must be "Basic" with base64 credentials.');
  }
  const given = decoded.toString('utf8');
  if (!tokensMatch(given, expected)) {
    return refused(
      'signature-mismatch',
      "The basic-auth credentials do not match this service hook's: set the user name and password scm-connect gave.",
    );
  }
  return verified;
}
