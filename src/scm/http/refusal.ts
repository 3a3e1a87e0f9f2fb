import type { ZodType } from 'zod';
import type { ScmError } from '../errors.js';
import type { ScmHttp, ScmRequest, ScmResponse } from './client.js';

/** An answer, or the refusal the caller wants to read rather than have thrown. */
export type RefusableAnswer<T, R> =
  | { readonly ok: true; readonly data: T; readonly headers: Readonly<Record<string, string>> }
  | {
      readonly ok: false;
      readonly status: number;
      readonly refusal: R;
      readonly headers: Readonly<Record<string, string>>;
    };

/** How one SCM's answers are read: what its refusals say, and the error for a 2xx of an unexpected shape. */
export interface AnswerReader<R> {
  /** Statuses read as refusals instead of thrown; default 401, 403, 404. */
  readonly refused?: readonly number[];
  /** Reads a non-2xx answer whose status is in `refused`. */
  readonly refusal: (response: ScmResponse<unknown>) => R;
  /** The error for a 2xx answer that does not match its schema; `at` is the path of the first mismatch. */
  readonly invalid: (response: ScmResponse<unknown>, at: string) => ScmError;
}

const defaultRefused = [401, 403, 404];

/** Checks a 2xx answer against `schema`; throws `invalid(response, at)` when it does not match. */
export function parseAnswer<T>(
  schema: ZodType<T>,
  response: ScmResponse<unknown>,
  invalid: AnswerReader<unknown>['invalid'],
): T {
  const result = schema.safeParse(response.data);
  if (result.success) return result.data;
  throw invalid(response, result.error.issues[0]?.path.map(String).join('.') || '(root)');
}

/** Turns a received answer into data (parsed with `schema`) or the refusal `reader` reads from it. */
export function answerOrRefusal<T, R>(
  response: ScmResponse<unknown>,
  schema: ZodType<T>,
  reader: AnswerReader<R>,
): RefusableAnswer<T, R> {
  if (response.status >= 200 && response.status < 300) {
    return { ok: true, data: parseAnswer(schema, response, reader.invalid), headers: response.headers };
  }
  return { ok: false, status: response.status, refusal: reader.refusal(response), headers: response.headers };
}

/**
 * Sends a request that the SCM may refuse: the statuses in `reader.refused` come back as a refusal to read
 * instead of a thrown ScmError; any other failure still throws.
 */
export async function requestOrRefusal<T, R>(
  http: ScmHttp,
  request: ScmRequest,
  schema: ZodType<T>,
  reader: AnswerReader<R>,
): Promise<RefusableAnswer<T, R>> {
  const response = await http.request({ ...request, acceptStatus: reader.refused ?? defaultRefused });
  return answerOrRefusal(response, schema, reader);
}
