/**
 * What went wrong talking to an SCM, by kind: the job runner decides from the kind whether to retry, the UI
 * what to say. Messages are written for the person who has to fix it and never hold the upstream body, a
 * token or a header value.
 */
export type ScmErrorKind =
  | 'auth'
  | 'forbidden'
  | 'not-found'
  | 'rate-limited'
  | 'unavailable'
  | 'invalid'
  | 'blocked-address'
  | 'tls'
  | 'timeout'
  | 'too-large';

export interface ScmErrorOptions {
  /** A short, actionable instruction ("create a token with the `api` scope"). */
  readonly fix?: string;
  /** For `rate-limited`: when the SCM allows the next request. */
  readonly retryAt?: Date;
  /** The HTTP status the SCM answered with, when there was an answer. */
  readonly status?: number;
  /** A stable machine-readable code for the API (`ssrf_blocked`, `redirect_blocked`, `dns_resolution_failed`…). */
  readonly code?: string;
  readonly cause?: unknown;
}

export class ScmError extends Error {
  readonly fix: string | undefined;
  readonly retryAt: Date | undefined;
  readonly status: number | undefined;
  readonly code: string;

  constructor(
    readonly kind: ScmErrorKind,
    message: string,
    options: ScmErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ScmError';
    this.fix = options.fix;
    this.retryAt = options.retryAt;
    this.status = options.status;
    this.code = options.code ?? defaultCode[kind];
  }

  /** Whether trying the same call again later can succeed. */
  get retryable(): boolean {
    return this.kind === 'unavailable' || this.kind === 'rate-limited' || this.kind === 'timeout';
  }
}

const defaultCode: Record<ScmErrorKind, string> = {
  auth: 'invalid_credentials',
  forbidden: 'insufficient_permissions',
  'not-found': 'scm_not_found',
  'rate-limited': 'rate_limited',
  unavailable: 'upstream_unreachable',
  invalid: 'upstream_invalid_response',
  'blocked-address': 'ssrf_blocked',
  tls: 'tls_verification_failed',
  timeout: 'upstream_timeout',
  'too-large': 'response_too_large',
};

export const isScmError = (error: unknown): error is ScmError => error instanceof ScmError;
