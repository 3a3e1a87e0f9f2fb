import { Agent } from 'undici';
import type { ZodType } from 'zod';
import { ScmError } from '../errors.js';
import { decodeBody, invalidAnswer, parseWith } from './body.js';
import { createGuardedConnector, systemLookup, type LookupFunction } from './connector.js';
import { statusError, transportError } from './error-mapping.js';
import { createGuardedFetch } from './fetch-adapter.js';
import type { AddressPolicy } from './guard.js';
import { MalformedPageError, type PaginationStrategy } from './pagination.js';
import { rateLimitedUntil } from './rate-limit.js';
import { backoffMs, isIdempotent, retryDefaults, type RetryOptions } from './retry.js';
import type { ScmHttpShared } from './shared.js';
import { sendOnce, type OutgoingCall, type RawResponse, type TransportLimits } from './transport.js';
import { basePath, parseHttpUrl, redactUrl } from './url.js';

export type { LookupFunction } from './connector.js';
export { createScmHttpShared, type ScmHttpShared } from './shared.js';

export interface ScmHttpOptions {
  /** The instance's base URL, already normalized by `normalizeBaseUrl`. */
  baseUrl: URL;
  policy: AddressPolicy;
  shared: ScmHttpShared;
  /** Allow plain http:// (operator opt-in; default false). */
  allowHttp?: boolean;
  /** Per-connection CA bundle (PEM), added to the default roots; never a switch-off of verification. */
  caPem?: string;
  /** Injectable DNS (tests); default `dns.promises.lookup` with `all: true`. */
  lookup?: LookupFunction;
  /** Auth headers, asked for before every request (so tokens can be renewed). */
  auth?: () => Promise<Record<string, string>> | Record<string, string>;
  /** Defaults 10 s (name lookup and handshake each) / 30 s / 30 s (the whole body after the headers). */
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  /** Default 10 MiB; larger answers are aborted while streaming. */
  maxResponseBytes?: number;
  /** Default 1000; a collection with more pages fails `too-large` rather than being cut short silently. */
  maxPages?: number;
  retry?: RetryOptions;
  /** Default `scm-connect`. */
  userAgent?: string;
  /** Injectable for tests; default a timer. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Default true: a rate-limit answer pauses every client's calls to the host, and this client waits out pauses
   * others started. `false` keeps both to this client, for APIs whose budget is per credential rather than per
   * host (GitHub: per installation).
   */
  hostPause?: boolean;
}

export interface ScmRequest {
  /** Default GET. */
  method?: string;
  /** A path after the base URL (`/api/v4/groups/1`); starts with `/`. */
  path?: string;
  /** An absolute URL instead of `path` (a link the SCM answered with); still goes through the guard. */
  url?: URL;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is (set the content type in `headers`). */
  rawBody?: string | Buffer;
  /** Statuses returned as a response instead of thrown (the schema, when given, applies to them too). */
  acceptStatus?: readonly number[];
  /** Whether a failed try may be sent again; default by method (GET, HEAD, OPTIONS, PUT, DELETE). */
  idempotent?: boolean;
  /** Send the auth headers to a `url` on another origin than the base URL (Azure DevOps' vsaex/vssps hosts). */
  authOnOtherOrigin?: boolean;
  /** `bytes`: the body as a `Buffer`, never decoded (raw file content). Default `json`: JSON, else text. */
  responseType?: 'json' | 'bytes';
  /** A lower size cap for this answer than the client's `maxResponseBytes`; a larger one fails `too-large`. */
  maxResponseBytes?: number;
}

export interface ScmResponse<T> {
  status: number;
  headers: Record<string, string>;
  data: T;
  url: URL;
}

export interface ScmHttp {
  /** Parses the JSON body with `schema` (zod) when given; non-2xx → ScmError by kind. */
  request<T>(request: ScmRequest, schema?: ZodType<T>): Promise<ScmResponse<T>>;
  /** All items of all pages, page by page, following `strategy`; links followed only on the base URL's
   * origin (else ScmError invalid code 'pagination_origin_mismatch'); page count capped by maxPages. */
  paginate<T>(request: ScmRequest, strategy: PaginationStrategy, itemSchema: ZodType<T>): AsyncIterable<T>;
  /** A WHATWG-fetch-compatible function bound to this guard (for Octokit's `request.fetch`). */
  readonly fetch: typeof fetch;
  readonly baseUrl: URL;
  close(): Promise<void>;
}

const mebibyte = 1024 * 1024;
const unsafeHeaderValue = /[\r\n\0]/;
/**
 * Waits at least `ms` of wall-clock time. A timer may fire a millisecond or more before `Date.now()` has moved
 * on by `ms` (the event loop's clock lags), which would send a request inside a Retry-After window.
 */
const defaultSleep = async (ms: number): Promise<void> => {
  const end = Date.now() + ms;
  for (let left = ms; left > 0; left = end - Date.now()) {
    await new Promise<void>((resolve) => setTimeout(resolve, left));
  }
};

/** A client for one SCM connection: every call goes through the address guard, limits, retries and pauses. */
export function createScmHttp(options: ScmHttpOptions): ScmHttp {
  const allowHttp = options.allowHttp ?? false;
  const baseUrl = parseHttpUrl(options.baseUrl, { allowHttp });
  const shared = options.shared;
  const sleep = options.sleep ?? defaultSleep;
  const retry = { ...retryDefaults, ...options.retry };
  const maxPages = options.maxPages ?? 1000;
  const hostPause = options.hostPause ?? true;
  const limits: TransportLimits = {
    headersTimeoutMs: options.headersTimeoutMs ?? 30_000,
    bodyTimeoutMs: options.bodyTimeoutMs ?? 30_000,
    maxResponseBytes: options.maxResponseBytes ?? 10 * mebibyte,
  };
  const agent = new Agent({
    connect: createGuardedConnector({
      policy: options.policy,
      lookup: options.lookup ?? systemLookup,
      caPem: options.caPem,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    }),
    headersTimeout: limits.headersTimeoutMs,
    bodyTimeout: limits.bodyTimeoutMs,
  });

  /** One try: waits out a rate-limit pause on the host, then takes one of the host's slots. */
  async function sendGuarded(
    call: OutgoingCall,
    signal?: AbortSignal,
    callLimits: TransportLimits = limits,
  ): Promise<RawResponse> {
    if (hostPause) await shared.waitUntilResumed(call.url.host);
    return shared.withSlot(call.url.host, () => sendOnce(agent, call, callLimits, signal));
  }

  /** The client's limits, with the request's lower size cap when it has one. */
  const limitsFor = (request: ScmRequest): TransportLimits =>
    request.maxResponseBytes === undefined
      ? limits
      : { ...limits, maxResponseBytes: Math.min(limits.maxResponseBytes, request.maxResponseBytes) };

  async function buildCall(request: ScmRequest, url: URL): Promise<OutgoingCall> {
    const method = (request.method ?? 'GET').toUpperCase();
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': options.userAgent ?? 'scm-connect',
    };
    let body: string | Buffer | undefined = request.rawBody;
    if (request.body !== undefined && body === undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] = 'application/json';
    }
    Object.assign(headers, lowerCaseKeys(request.headers ?? {}));
    if (options.auth && (url.origin === baseUrl.origin || request.authOnOtherOrigin)) {
      Object.assign(headers, lowerCaseKeys(await options.auth()));
    }
    for (const [name, value] of Object.entries(headers)) {
      if (unsafeHeaderValue.test(value) || unsafeHeaderValue.test(name)) {
        throw new ScmError('invalid', `The request header ${JSON.stringify(name)} holds a line break.`, {
          code: 'invalid_request_header',
          fix: 'Check the token or setting for stray line breaks.',
        });
      }
    }
    return { method, url, headers, body };
  }

  function urlFor(request: ScmRequest, extraQuery: Record<string, string> = {}): URL {
    let url: URL;
    if (request.url) {
      url = parseHttpUrl(request.url, { allowHttp });
    } else {
      const path = request.path ?? '/';
      if (!path.startsWith('/') || path.startsWith('//')) {
        throw new ScmError('invalid', 'A request path must start with a single `/`.', {
          code: 'invalid_request',
        });
      }
      url = new URL(`${baseUrl.origin}${basePath(baseUrl)}${path}`);
      if (url.origin !== baseUrl.origin) {
        throw new ScmError('invalid', 'A request path left the base URL.', { code: 'invalid_request' });
      }
    }
    for (const [name, value] of Object.entries(extraQuery)) {
      if (!url.searchParams.has(name) && request.query?.[name] === undefined)
        url.searchParams.set(name, value);
    }
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url;
  }

  /** Sends with retries: backoff for `unavailable` on idempotent calls, shared pauses for rate limits. */
  async function execute(request: ScmRequest, call: OutgoingCall): Promise<RawResponse> {
    const idempotent = request.idempotent ?? isIdempotent(call.method);
    const callLimits = limitsFor(request);
    for (let attempt = 1; ; attempt++) {
      const canRetry = attempt < retry.attempts;
      let response: RawResponse;
      try {
        response = await sendGuarded(call, undefined, callLimits);
      } catch (error) {
        const failure = transportError(error, call);
        const transient = failure.kind === 'unavailable' && failure.code !== 'dns_resolution_failed';
        if (!(transient && idempotent && canRetry)) throw failure;
        await sleep(backoffMs(retry, attempt));
        continue;
      }
      const now = Date.now();
      const until = rateLimitedUntil(response.status, response.headers, response.body.toString('utf8'), now);
      if (until) {
        if (until.getTime() - now > retry.maxWaitMs || !canRetry)
          throw rateLimited(call, until, response.status);
        if (hostPause) await shared.pause(call.url.host, until, sleep);
        else await sleep(Math.max(0, until.getTime() - Date.now()));
        continue;
      }
      const transientStatus = response.status >= 500 && response.status !== 501;
      if (transientStatus && idempotent && canRetry) {
        await sleep(backoffMs(retry, attempt));
        continue;
      }
      return response;
    }
  }

  async function requestAt<T>(request: ScmRequest, url: URL, schema?: ZodType<T>): Promise<ScmResponse<T>> {
    const call = await buildCall(request, url);
    const response = await execute(request, call);
    const ok = response.status >= 200 && response.status < 300;
    if (!ok && !request.acceptStatus?.includes(response.status)) throw statusError(response.status, call);
    const decoded = request.responseType === 'bytes' ? response.body : decodeBody(response, call);
    const data = schema ? parseWith(schema, decoded, call) : (decoded as T);
    return { status: response.status, headers: response.headers, data, url };
  }

  async function* paginate<T>(
    request: ScmRequest,
    strategy: PaginationStrategy,
    itemSchema: ZodType<T>,
  ): AsyncGenerator<T> {
    const seen = new Set<string>();
    for (let url: URL | undefined = urlFor(request, strategy.firstQuery()); url;) {
      if (seen.size >= maxPages) {
        throw new ScmError('too-large', `${redactUrl(url)} has more than ${maxPages} pages.`, {
          code: 'too_many_pages',
        });
      }
      if (seen.has(url.href))
        throw invalidAnswer({ method: 'GET', url }, 'links back to a page already read');
      seen.add(url.href);
      const page = await requestAt(request, url);
      let result: ReturnType<PaginationStrategy['read']>;
      try {
        result = strategy.read({ data: page.data, headers: page.headers, url });
      } catch (error) {
        if (error instanceof MalformedPageError)
          throw invalidAnswer({ method: 'GET', url }, 'is not a valid page');
        throw error;
      }
      for (const item of result.items) yield parseWith(itemSchema, item, { method: 'GET', url });
      if (
        result.next &&
        (result.next.origin !== baseUrl.origin || result.next.username || result.next.password)
      ) {
        throw new ScmError(
          'invalid',
          `A next-page link in the answer to ${redactUrl(url)} leaves ${baseUrl.origin}.`,
          {
            code: 'pagination_origin_mismatch',
          },
        );
      }
      url = result.next;
    }
  }

  return {
    baseUrl,
    request: async (request, schema) => requestAt(request, urlFor(request), schema),
    paginate,
    fetch: createGuardedFetch({
      allowHttp,
      maxWaitMs: retry.maxWaitMs,
      send: sendGuarded,
      pause: (host, until) => {
        if (hostPause) void shared.pause(host, until, sleep);
      },
    }),
    close: () => agent.close(),
  };
}

function rateLimited(call: OutgoingCall, until: Date, status: number): ScmError {
  return new ScmError(
    'rate-limited',
    `${call.method} ${redactUrl(call.url)} was rate limited by the SCM until ${until.toISOString()}.`,
    { code: 'rate_limited', retryAt: until, status, fix: 'Try again after the time given.' },
  );
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
