import type { z } from 'zod/mini';
import { errorBodySchema, type ApiIssue } from './schemas.js';

/** An API answer that was not a success, or a request that never got one (`status` 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The refused fields of a 400 `validation_failed`, each with its reason. */
    readonly issues: readonly ApiIssue[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  /** A request made before sign-in: a 401 is its answer, not a sign that the session ended. */
  readonly anonymous?: boolean;
  readonly signal?: AbortSignal;
}

/** The transport under the API client: JSON in and out, the CSRF header on state-changing requests. */
export interface Http {
  request<S extends z.ZodMiniType>(
    method: HttpMethod,
    path: string,
    schema: S,
    body?: unknown,
    options?: RequestOptions,
  ): Promise<z.infer<S>>;
  /** For answers without a body (204). */
  requestEmpty(method: HttpMethod, path: string, body?: unknown, options?: RequestOptions): Promise<void>;
  setCsrfToken(token: string | null): void;
}

export interface HttpOptions {
  readonly fetch?: typeof fetch;
  /** Called when a signed-in request is answered 401: the session expired or was revoked. */
  readonly onUnauthorized?: () => void;
}

const fallbackMessage = (status: number): string => {
  if (status === 429) return 'Too many attempts. Wait a moment and try again.';
  if (status >= 500) return 'The server could not complete this request. Try again later.';
  return `The request failed (HTTP ${status}).`;
};

const readError = async (response: Response): Promise<ApiError> => {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const parsed = errorBodySchema.safeParse(body);
  const code = (parsed.success && parsed.data.code) || `http_${response.status}`;
  const message = (parsed.success && parsed.data.message) || fallbackMessage(response.status);
  const issues = (parsed.success && parsed.data.details?.issues) || [];
  return new ApiError(response.status, code, message, issues);
};

/** Creates the transport; the CSRF token it sends is the one of the latest session answer. */
export const createHttp = (options: HttpOptions = {}): Http => {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  let csrfToken: string | null = null;

  const send = async (
    method: HttpMethod,
    path: string,
    body: unknown,
    requestOptions: RequestOptions,
  ): Promise<Response> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    const init: RequestInit = { method, headers, credentials: 'same-origin', signal: requestOptions.signal };
    if (method !== 'GET') {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body ?? {});
      if (csrfToken) headers['x-csrf-token'] = csrfToken;
    }
    let response: Response;
    try {
      response = await doFetch(path, init);
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError(
        0,
        'network_error',
        'Could not reach the server. Check your connection and try again.',
      );
    }
    if (!response.ok) {
      if (response.status === 401 && !requestOptions.anonymous) options.onUnauthorized?.();
      throw await readError(response);
    }
    return response;
  };

  return {
    async request(method, path, schema, body, requestOptions = {}) {
      const response = await send(method, path, body, requestOptions);
      let json: unknown;
      try {
        json = await response.json();
      } catch {
        throw new ApiError(
          response.status,
          'invalid_response',
          'The server sent an answer the page cannot read.',
        );
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        throw new ApiError(
          response.status,
          'invalid_response',
          'The server sent an answer the page cannot read.',
        );
      }
      return parsed.data;
    },
    async requestEmpty(method, path, body, requestOptions = {}) {
      await send(method, path, body, requestOptions);
    },
    setCsrfToken(token) {
      csrfToken = token;
    },
  };
};
