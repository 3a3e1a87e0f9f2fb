import type { ZodType } from 'zod';
import { ScmError } from '../errors.js';
import type { CallContext } from './error-mapping.js';
import { redactUrl } from './url.js';
import type { RawResponse } from './transport.js';

/** JSON for a JSON body (or one that looks like JSON), the text otherwise, `undefined` when empty. */
export function decodeBody(response: RawResponse, call: CallContext): unknown {
  if (response.body.length === 0) return undefined;
  const text = response.body.toString('utf8');
  const declaredJson = /[/+]json\b/i.test(response.headers['content-type'] ?? '');
  if (!declaredJson && !/^\s*[[{]/.test(text)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    if (!declaredJson) return text;
    throw invalidAnswer(call, 'is not valid JSON', error);
  }
}

/** Checks `data` against `schema`; the error names the paths that did not match, never the values. */
export function parseWith<T>(schema: ZodType<T>, data: unknown, call: CallContext): T {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const paths = result.error.issues
    .slice(0, 3)
    .map((issue) => issue.path.map(String).join('.') || '(root)')
    .join(', ');
  throw invalidAnswer(call, `does not have the expected shape (at ${paths})`);
}

export const invalidAnswer = (call: CallContext, what: string, cause?: unknown) =>
  new ScmError('invalid', `The answer to ${call.method} ${redactUrl(call.url)} ${what}.`, {
    code: 'upstream_invalid_response',
    cause,
  });
