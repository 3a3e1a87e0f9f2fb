import { request, type Dispatcher } from 'undici';
import { ScmError } from '../errors.js';
import { timeoutError, tooLargeError, transportError, type CallContext } from './error-mapping.js';

/** One outgoing call, fully built. */
export interface OutgoingCall extends CallContext {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Buffer | undefined;
}

/** An HTTP answer with its whole body read (within the size and time limits). */
export interface RawResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly url: URL;
}

export interface TransportLimits {
  readonly headersTimeoutMs: number;
  /** The whole body must arrive within this time after the headers (a trickle does not keep a call alive). */
  readonly bodyTimeoutMs: number;
  readonly maxResponseBytes: number;
}

/**
 * Sends one request through `dispatcher` (never following redirects) and reads the body, aborting as soon as
 * it passes `maxResponseBytes` or `bodyTimeoutMs`. Failures come back as ScmError.
 */
export async function sendOnce(
  dispatcher: Dispatcher,
  call: OutgoingCall,
  limits: TransportLimits,
  signal?: AbortSignal,
): Promise<RawResponse> {
  const controller = new AbortController();
  const combined = signal ? AbortSignal.any([controller.signal, signal]) : controller.signal;
  let timedOut = false;
  const fail = (error: unknown): never => {
    if (error instanceof ScmError) throw error;
    if (timedOut) throw timeoutError(call, error);
    if (signal?.aborted) throw signal.reason;
    throw transportError(error, call);
  };

  let response: Dispatcher.ResponseData;
  try {
    response = await request(call.url, {
      dispatcher,
      method: call.method as Dispatcher.HttpMethod,
      headers: call.headers,
      body: call.body,
      headersTimeout: limits.headersTimeoutMs,
      bodyTimeout: limits.bodyTimeoutMs,
      signal: combined,
    });
  } catch (error) {
    return fail(error);
  }

  const headers = flattenHeaders(response.headers);
  const declared = Number(headers['content-length'] ?? 0);
  if (declared > limits.maxResponseBytes) {
    discard(response.body);
    throw tooLargeError(call);
  }
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, limits.bodyTimeoutMs);
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limits.maxResponseBytes) throw tooLargeError(call);
      chunks.push(chunk);
    }
    return {
      status: response.statusCode,
      statusText: response.statusText ?? '',
      headers,
      body: Buffer.concat(chunks),
      url: call.url,
    };
  } catch (error) {
    return fail(error);
  } finally {
    clearTimeout(timer);
    if (!response.body.destroyed) discard(response.body);
  }
}

/** Drops an unread body; the abort error it then emits has no reader left to hear it. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
