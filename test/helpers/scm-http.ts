import { createServer } from 'node:net';
import type { CreateScmHttp, ProviderDeps } from '../../src/scm/connection-settings.js';
import {
  createScmHttp,
  createScmHttpShared,
  parseAllowlist,
  type RetryOptions,
  type ScmHttp,
} from '../../src/scm/http/index.js';

export interface TestScmHttpOptions {
  /** Allowlist entries (default `127.0.0.1`, where the twins listen). */
  readonly allowlist?: string;
  /** Retry settings; default a fast retry so fault tests do not sleep for seconds. */
  readonly retry?: RetryOptions;
  /** Pages a listing may take before it fails `too_many_pages` (default the client's 1000). */
  readonly maxPages?: number;
}

/** Fast retries for tests: several tries, millisecond backoff, short rate-limit waits. */
export const fastRetry: RetryOptions = { attempts: 4, baseDelayMs: 1, maxDelayMs: 5, maxWaitMs: 5_000 };

/** A `createHttp` bound to a loopback-allowing policy, plus a way to close every client it made. */
export interface TestScmHttp {
  readonly createHttp: CreateScmHttp;
  close(): Promise<void>;
}

/**
 * Builds `deps.createHttp` for tests: the real guarded HTTP layer with `127.0.0.1` allowlisted and plain HTTP
 * allowed, so providers can reach twins on loopback.
 */
export function createTestScmHttp(options: TestScmHttpOptions = {}): TestScmHttp {
  const shared = createScmHttpShared();
  const clients: ScmHttp[] = [];
  const allowlist = parseAllowlist(options.allowlist ?? '127.0.0.1');
  return {
    createHttp(call) {
      const http = createScmHttp({
        ...call,
        retry: { ...(options.retry ?? fastRetry), ...call.retry },
        ...(options.maxPages === undefined ? {} : { maxPages: options.maxPages }),
        policy: { allowlist, accountId: 'test' },
        shared,
        allowHttp: true,
      });
      clients.push(http);
      return http;
    },
    close: async () => {
      await Promise.all(clients.splice(0).map((http) => http.close()));
    },
  };
}

/** Provider deps for tests: the loopback HTTP layer and a clock (default the real one). */
export function createTestProviderDeps(
  options: TestScmHttpOptions & { readonly now?: () => Date } = {},
): ProviderDeps & { close(): Promise<void> } {
  const http = createTestScmHttp(options);
  return { createHttp: http.createHttp, now: options.now ?? (() => new Date()), close: http.close };
}

/** A loopback port nothing listens on (for "unreachable" tests). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The rejection of `promise`; throws when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
