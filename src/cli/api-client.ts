/** A small client of scm-connect's own REST API for the command line, authenticated with an API token. */
export interface CliApi {
  call<T>(method: string, path: string, body?: unknown): Promise<T>;
  accountId(): Promise<string>;
}

export class CliApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function createCliApi(options: { url: string; token: string | undefined }): CliApi {
  if (!options.token) {
    throw new CliApiError(
      0,
      'no_token',
      'Set SCM_CONNECT_API_TOKEN to an API token of the account (Settings > API tokens).',
    );
  }
  const base = options.url.replace(/\/+$/, '');
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(`${base}/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new CliApiError(0, 'unreachable', `Cannot reach scm-connect at ${base}; set SCM_CONNECT_URL.`);
    }
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!response.ok) {
      const error = (parsed ?? {}) as { code?: string; message?: string };
      throw new CliApiError(
        response.status,
        error.code ?? 'error',
        error.message ?? `HTTP ${response.status}`,
      );
    }
    return parsed as T;
  };
  let account: string | undefined;
  return {
    call,
    async accountId() {
      if (!account) {
        const { items } = await call<{ items: { id: string }[] }>('GET', '/accounts');
        if (!items[0]) throw new CliApiError(0, 'no_account', 'The API token belongs to no account.');
        account = items[0].id;
      }
      return account;
    },
  };
}
