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

export const uuid = z.uuid('must be an id');
