/** A small client of scm-connect's own REST API for the command line, authenticated with an API token. */
export interface CliApi {
  call<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** POSTs raw bytes (a SARIF log) with the given content headers. */
  upload<T>(path: string, body: Uint8Array, headers: Readonly<Record<string, string>>): Promise<T>;
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
  const send = async <T>(
    method: string,
    path: string,
    headers: Readonly<Record<string, string>>,
    body?: string | Uint8Array,
  ): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(`${base}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${options.token}`, ...headers },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : new Uint8Array(body) }),
      });
    } catch {
      throw new CliApiError(0, 'unreachable', `Cannot reach scm-connect at ${base}; set SCM_CONNECT_URL.`);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not scm-connect's JSON (a proxy's error page): answered below by its status.
      if (response.ok)
        throw new CliApiError(
          response.status,
          'invalid_answer',
          `${base} did not answer as scm-connect does; check SCM_CONNECT_URL.`,
        );
    }
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
  const call = <T>(method: string, path: string, body?: unknown): Promise<T> =>
    body === undefined
      ? send<T>(method, path, {})
      : send<T>(method, path, { 'content-type': 'application/json' }, JSON.stringify(body));
  let account: string | undefined;
  return {
    call,
    upload: (path, body, headers) => send('POST', path, headers, body),
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
