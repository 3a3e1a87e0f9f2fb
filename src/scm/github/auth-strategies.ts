import type { Octokit } from '@octokit/core';
import { statusOf, transportCause } from './request-errors.js';

type RequestFn = Octokit['request'];

/** The shape of an Octokit auth strategy's `hook`: it sends the request with credentials. */
export type AuthHook = (
  request: RequestFn,
  route: Parameters<RequestFn>[0],
  parameters?: Parameters<RequestFn>[1],
) => ReturnType<RequestFn>;

/**
 * A transport failure that trying again cannot fix (a blocked address, a redirect, a bad certificate) leaves
 * as its ScmError, which carries no HTTP status, so that the retry plugin does not send it again; transient
 * ones stay Octokit errors and are retried.
 */
function settle(error: unknown): unknown {
  const cause = transportCause(error);
  return cause && !cause.retryable ? cause : error;
}

/** Wraps another strategy's hook (auth-app's) with {@link settle}. */
export const guardedHook =
  (hook: AuthHook): AuthHook =>
  async (request, route, parameters) => {
    try {
      return await hook(request, route, parameters);
    } catch (error) {
      throw settle(error);
    }
  };

export interface TokenSource {
  token(): Promise<string>;
  /** Called once GitHub answered 401 to `token`; the request is then sent once more with a fresh one. */
  refused?(token: string): void;
}

/** An Octokit `authStrategy` that sends `token {token}` from `source`, asked for on every try. */
export function tokenStrategy(source: TokenSource): () => unknown {
  return () => {
    const auth = async () => ({ type: 'token', token: await source.token() });
    const hook: AuthHook = async (request, route, parameters) => {
      const endpoint = request.endpoint.merge(route, parameters);
      for (let attempt = 1; ; attempt++) {
        const token = await source.token();
        endpoint.headers.authorization = `token ${token}`;
        try {
          return await request({ ...endpoint, url: endpoint.url! });
        } catch (error) {
          if (attempt === 1 && source.refused && statusOf(error) === 401) {
            source.refused(token);
            continue;
          }
          throw settle(error);
        }
      }
    };
    return Object.assign(auth, { hook });
  };
}
