import { ScmError } from '../errors.js';
import { rateLimitedUntil } from '../http/rate-limit.js';

/** What Octokit rejects with for an HTTP answer or a failed fetch (`RequestError`, named `HttpError`). */
interface OctokitRequestError extends Error {
  readonly status: number;
  readonly response?: { readonly headers: Readonly<Record<string, unknown>>; readonly data?: unknown };
}

export function isRequestError(error: unknown): error is OctokitRequestError {
  return (
    error instanceof Error &&
    error.name === 'HttpError' &&
    typeof (error as { status?: unknown }).status === 'number'
  );
}

const appFix =
  'Check the GitHub App settings of the connection (app id, private key) and install the app again.';

/** The ScmError an Octokit transport failure carries (address guard, TLS, timeouts), when it carries one. */
export function transportCause(error: unknown): ScmError | undefined {
  if (error instanceof ScmError) return error;
  if (isRequestError(error) && error.cause instanceof ScmError) return error.cause;
  return undefined;
}

/**
 * Maps what an Octokit call rejected with to an ScmError: one mapping for every GitHub call. `what` ends the
 * sentence "GitHub refused to …" ("list the installation's repositories"). Messages never hold GitHub's body.
 */
export function githubError(error: unknown, what: string): ScmError {
  const cause = transportCause(error);
  if (cause) return cause;
  if (!isRequestError(error)) {
    return new ScmError('invalid', `GitHub gave an unreadable answer while trying to ${what}.`, {
      code: 'upstream_invalid_response',
      cause: error,
    });
  }
  const status = error.status;
  const headers = error.response?.headers ?? {};
  const header = (name: string): string | undefined => {
    const value = headers[name];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  };
  const body = error.response?.data;
  const text = typeof body === 'string' ? body : JSON.stringify(body ?? '');
  const flat: Record<string, string> = {};
  for (const name of ['retry-after', 'x-ratelimit-remaining', 'x-ratelimit-reset']) {
    const value = header(name);
    if (value !== undefined) flat[name] = value;
  }
  const until = rateLimitedUntil(status, flat, text, Date.now());
  if (until) {
    return new ScmError(
      'rate-limited',
      `GitHub rate limited the request to ${what} until ${until.toISOString()}.`,
      {
        code: 'rate_limited',
        status,
        retryAt: until,
        fix: 'Try again after the time given; each installation has its own budget.',
      },
    );
  }
  if (status === 401) {
    return new ScmError('auth', `GitHub refused the credentials while trying to ${what}.`, {
      code: 'invalid_credentials',
      status,
      fix: appFix,
    });
  }
  if (status === 403 && /installation has been suspended/i.test(text)) {
    return new ScmError('forbidden', `GitHub refused to ${what}: the app's installation is suspended.`, {
      code: 'installation_suspended',
      status,
      fix: 'An owner of the account unsuspends the GitHub App in its installed-app settings (GitHub Apps > Configure).',
    });
  }
  if (status === 403) {
    const accepted = header('x-accepted-github-permissions');
    return new ScmError('forbidden', `GitHub refused to ${what}: the app lacks a permission.`, {
      code: 'insufficient_permissions',
      status,
      fix: accepted
        ? `Grant the app ${accepted
            .split(/[;,]\s*/)
            .map((p) => `\`${p}\``)
            .join(' or ')} and accept the new permissions on the installation.`
        : 'Check the app permissions and accept any pending permission request on the installation.',
    });
  }
  if (status === 404 || status === 410) {
    return new ScmError('not-found', `GitHub found nothing to ${what} (or the app may not see it).`, {
      code: 'scm_not_found',
      status,
      fix: 'Check that the app is installed on the account and may see the repository.',
    });
  }
  if (status === 409 || status === 422 || status === 400) {
    return new ScmError('invalid', `GitHub refused the request to ${what} as invalid.`, {
      code: 'upstream_rejected',
      status,
    });
  }
  if (status >= 500) {
    return new ScmError('unavailable', `GitHub failed to ${what} (HTTP ${status}).`, {
      code: 'upstream_unreachable',
      status,
      fix: 'Try again later; see https://www.githubstatus.com for GitHub Cloud.',
    });
  }
  return new ScmError('invalid', `GitHub answered HTTP ${status} while trying to ${what}.`, {
    code: 'upstream_invalid_response',
    status,
  });
}

/** Runs an Octokit call and maps its rejection with {@link githubError}. */
export async function callGitHub<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw githubError(error, what);
  }
}

/** The HTTP status of a rejected Octokit call, for the few places that branch on one. */
export const statusOf = (error: unknown): number | undefined =>
  isRequestError(error) ? error.status : undefined;
