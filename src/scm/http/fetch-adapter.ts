import { ScmError } from '../errors.js';
import { statusError } from './error-mapping.js';
import { rateLimitedUntil } from './rate-limit.js';
import type { OutgoingCall, RawResponse } from './transport.js';
import { parseHttpUrl } from './url.js';

export interface GuardedFetchDeps {
  readonly allowHttp: boolean;
  readonly maxWaitMs: number;
  /** One guarded try (address guard, limits, host slot, waiting out a running pause). */
  readonly send: (call: OutgoingCall, signal?: AbortSignal) => Promise<RawResponse>;
  /** Starts a shared pause for the host, so the client's other calls wait too. */
  readonly pause: (host: string, until: Date) => void;
}

const nullBodyStatuses = new Set([101, 204, 205, 304]);

/**
 * A WHATWG `fetch` over the guarded transport, for SDKs that take one (Octokit's `request.fetch`). It sends
 * once and returns every answer (the SDK keeps its own retry and throttling), except that a redirect is an
 * error (`redirect_blocked`); a rate-limit answer also starts the host's shared pause.
 */
export function createGuardedFetch(deps: GuardedFetchDeps): typeof fetch {
  return async (input, init) => {
    const source = input instanceof Request ? input : undefined;
    const url = parseHttpUrl(source ? source.url : input instanceof URL ? input : String(input), {
      allowHttp: deps.allowHttp,
    });
    const method = (init?.method ?? source?.method ?? 'GET').toUpperCase();
    const headers = new Headers(source?.headers);
    new Headers(init?.headers).forEach((value, name) => headers.set(name, value));
    // Bodies are read whole and capped; a compressed one would dodge the cap.
    headers.delete('accept-encoding');
    const body = await toBody(init?.body ?? (source && source.body ? await source.arrayBuffer() : undefined));
    const call: OutgoingCall = { method, url, headers: Object.fromEntries(headers), body };

    const response = await deps.send(call, init?.signal ?? source?.signal ?? undefined);
    if (response.status >= 300 && response.status < 400 && response.status !== 304) {
      throw statusError(response.status, call);
    }
    const now = Date.now();
    const until = rateLimitedUntil(response.status, response.headers, response.body.toString('utf8'), now);
    if (until && until.getTime() - now <= deps.maxWaitMs) deps.pause(url.host, until);
    const answer = new Response(
      nullBodyStatuses.has(response.status) ? null : new Uint8Array(response.body),
      {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      },
    );
    // A constructed Response has an empty `url`; fetch's answer names the address it came from (SDKs read it,
    // e.g. Octokit's pagination of `total_count` listings), and no redirect is followed, so that is `url`.
    Object.defineProperty(answer, 'url', { value: url.href });
    return answer;
  };
}

async function toBody(body: unknown): Promise<string | Buffer | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof Blob) return Buffer.from(await body.arrayBuffer());
  throw new ScmError('invalid', 'This request body type is not supported by the SCM client.', {
    code: 'invalid_request',
  });
}
