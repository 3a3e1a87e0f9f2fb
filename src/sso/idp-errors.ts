import { isScmError, type ScmError } from '../scm/errors.js';

/** The guarded HTTP layer's error somewhere in `error`'s causes (libraries wrap what their fetch threw). */
export function scmErrorIn(error: unknown): ScmError | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    if (isScmError(current)) return current;
    current = current.cause;
  }
  return undefined;
}

/** `code` and `message` of an error and its causes, for telling a library's failures apart. */
export function errorTrail(error: unknown): { readonly codes: string[]; readonly messages: string[] } {
  const codes: string[] = [];
  const messages: string[] = [];
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    messages.push(current.message);
    current = current.cause;
  }
  return { codes, messages };
}

/** What to tell the admin when the identity provider could not be reached or read through the guarded layer. */
export function unreachableMessage(what: string, error: ScmError): string {
  switch (error.kind) {
    case 'blocked-address':
      return `${what} is on a private or reserved address, which scm-connect does not call unless the operator allows it in SCM_CONNECT_ALLOWED_HOSTS.`;
    case 'tls':
      return `The TLS certificate of ${what} could not be verified: it must chain to a publicly trusted certificate authority.`;
    case 'timeout':
      return `${what} took too long to answer; check that it is up and reachable from this server.`;
    case 'too-large':
      return `${what} answered with more data than scm-connect accepts.`;
    default:
      if (error.code === 'scheme_not_allowed')
        return `${what} must be an https:// address (plain http is not allowed on this server).`;
      if (error.code === 'redirect_blocked')
        return `${what} answered with a redirect, which is not followed: use the final address.`;
      if (error.code === 'dns_resolution_failed') return `The host name of ${what} does not resolve.`;
      if (error.status !== undefined) return `${what} answered HTTP ${error.status}.`;
      return `Could not get an HTTP answer from ${what}; check the address and that it is up.`;
  }
}
