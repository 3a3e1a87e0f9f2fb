import { ScmError } from '../errors.js';
import { redactUrl } from './url.js';

/** What a message may name about a call: the method and the URL with secret query values masked. */
export interface CallContext {
  readonly method: string;
  readonly url: URL;
}

const describe = (call: CallContext) => `${call.method} ${redactUrl(call.url)}`;

/** Certificate problems (as opposed to a peer that does not speak TLS, which is just unreachable). */
const certificateCodes = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REVOKED',
  'INVALID_CA',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const timeoutCodes = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * Maps a failure below HTTP (socket, TLS, timeout, parser) to an ScmError. Every way of not getting an HTTP
 * answer (refused, reset, not HTTP, truncated) reads the same, so errors cannot be used to scan ports.
 */
export function transportError(error: unknown, call: CallContext): ScmError {
  if (error instanceof ScmError) return error;
  const code = errorCode(error);
  if (code !== undefined && certificateCodes.has(code)) {
    return new ScmError('tls', `The TLS certificate of ${call.url.host} could not be verified.`, {
      code: 'tls_verification_failed',
      fix: 'If the instance uses a private certificate authority, add its CA certificate (PEM) to the connection.',
      cause: error,
    });
  }
  if (code !== undefined && timeoutCodes.has(code)) return timeoutError(call, error);
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') return tooLargeError(call);
  return new ScmError('unavailable', `Could not get an HTTP answer from ${call.url.host}.`, {
    code: 'upstream_unreachable',
    fix: 'Check that the URL points at the SCM and that it is up.',
    cause: error,
  });
}

export const timeoutError = (call: CallContext, cause?: unknown) =>
  new ScmError('timeout', `${describe(call)} took too long to answer.`, {
    code: 'upstream_timeout',
    fix: 'Check that the SCM is up and reachable from this server.',
    cause,
  });

export const tooLargeError = (call: CallContext) =>
  new ScmError('too-large', `The answer to ${describe(call)} is larger than this server accepts.`, {
    code: 'response_too_large',
  });

/** Maps a non-2xx status (other than rate limits, handled before) to an ScmError; never reads the body. */
export function statusError(status: number, call: CallContext): ScmError {
  const where = describe(call);
  const options = { status };
  if (status >= 300 && status < 400) {
    return new ScmError('invalid', `${where} answered with a redirect, which is not followed.`, {
      ...options,
      code: 'redirect_blocked',
      fix: 'Use the final address of the instance (after any redirect) as its URL.',
    });
  }
  switch (status) {
    case 401:
      return new ScmError('auth', `${where} was refused: the credentials are not valid (401).`, {
        ...options,
        fix: 'Check that the token is correct and has not expired or been revoked.',
      });
    case 403:
      return new ScmError('forbidden', `${where} was refused: the credentials lack permission (403).`, {
        ...options,
        fix: 'Give the token or app the permissions this feature needs.',
      });
    case 404:
    case 410:
      return new ScmError('not-found', `${where} found nothing (${status}).`, options);
    case 408:
      return timeoutError(call);
  }
  if (status >= 500) {
    return new ScmError('unavailable', `${where} failed on the SCM's side (${status}).`, {
      ...options,
      code: 'upstream_unavailable',
    });
  }
  return new ScmError('invalid', `${where} was rejected by the SCM (${status}).`, {
    ...options,
    code: 'upstream_rejected',
  });
}

export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return 'cause' in error ? errorCode(error.cause) : undefined;
}
