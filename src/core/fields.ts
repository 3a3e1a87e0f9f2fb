import { z } from 'zod';

/** Bidi overrides and isolates, zero-width characters and other controls: refused in anything shown to people. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it refuses
const invisible = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u;

export const displayName = (max = 100) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((v) => !invisible.test(v), 'must not contain control, bidirectional or zero-width characters');

export const email = z
  .string()
  .trim()
  .max(254, 'must be at most 254 characters')
  .pipe(z.email('must be an email address'))
  .transform((v) => v.toLowerCase());

export const password = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(1024, 'must be at most 1024 characters');

export const role = z.enum(['admin', 'member']);

/** An API token's role: an account role, or `scan-upload` (uploads scans, nothing else). */
export const tokenRole = z
  .enum(['admin', 'member', 'scan-upload'])
  .describe('`scan-upload`: the token can upload scans (`POST …/scans`) and nothing else; for CI jobs.');

export const uuid = z.uuid('must be an id');

/** A UTF-16 surrogate without its other half: such text has no UTF-8 form, so no database can store it. */
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether PostgreSQL (and so both engines) can store `text`: no U+0000 and no lone surrogate. */
export const isStorableText = (text: string): boolean =>
  !text.includes('\u0000') && !loneSurrogate.test(text);

export const unstorableTextMessage =
  'must not contain NUL characters (U+0000) or unpaired UTF-16 surrogates; remove them';

/**
 * The path (`body.items.0.name`) of the first string or object key in `value` that cannot be stored, or
 * undefined. Walks with its own stack, so a deeply nested body cannot overflow the call stack.
 */
export function findUnstorableText(value: unknown, path: string): string | undefined {
  const pending: [unknown, string][] = [[value, path]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [item, where] = next;
    if (typeof item === 'string') {
      if (!isStorableText(item)) return clipPath(where);
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) pending.push([item[i], `${where}.${i}`]);
    } else if (item !== null && typeof item === 'object') {
      const entries = Object.entries(item);
      if (entries.some(([key]) => !isStorableText(key))) return `${clipPath(where)} (a key)`;
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        pending.push([child, `${where}.${key.slice(0, 100)}`]);
      }
    }
  }
  return undefined;
}

const clipPath = (path: string) => (path.length > 200 ? `${path.slice(0, 200)}…` : path);

/** PEM certificate blocks with base64 inside and only whitespace around and between them (RFC 7468 "strict"). */
const pemCertificates =
  /^[\t\n\r ]*(?:-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\t\n\r ]+-----END CERTIFICATE-----[\t\n\r ]*)+$/;

/** Whether a CA field holds PEM certificates and whitespace only; whether they parse is checked apart. */
export const isPemCertificatesOnly = (text: string): boolean => pemCertificates.test(text);

export const pemCertificatesOnlyMessage =
  'must hold only PEM certificates (-----BEGIN CERTIFICATE----- base64 -----END CERTIFICATE-----) and whitespace';
