import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import { buildConnector } from 'undici';
import { ScmError } from '../errors.js';
import { checkAddress, type AddressPolicy } from './guard.js';

/** Resolves a host name to all its addresses (injectable so tests need no DNS). */
export type LookupFunction = (hostname: string) => Promise<{ address: string; family: 4 | 6 }[]>;

export const systemLookup: LookupFunction = async (hostname) => {
  const answers = await dns.lookup(hostname, { all: true, verbatim: true });
  return answers.map((answer) => ({ address: answer.address, family: answer.family === 6 ? 6 : 4 }));
};

export interface GuardedConnectorOptions {
  readonly policy: AddressPolicy;
  readonly lookup: LookupFunction;
  /** Extra CA certificates (PEM) trusted for this connection, on top of Node's default roots. */
  readonly caPem: string | undefined;
  /** Bounds the name lookup and, separately, the TCP + TLS handshake. */
  readonly connectTimeoutMs: number;
}

/**
 * An undici connector that checks the address at the moment of connecting: an IP literal is checked as is;
 * a name is resolved once, every address it resolves to is checked (one bad address refuses the lot), and
 * the socket goes to the checked address while SNI and the Host header keep the name, so a second DNS answer
 * (rebinding) is never used. A failed lookup refuses the connection.
 */
export function createGuardedConnector(options: GuardedConnectorOptions): buildConnector.connector {
  const connect = buildConnector({
    timeout: options.connectTimeoutMs,
    ...(options.caPem === undefined ? {} : { secureContext: secureContextWith(options.caPem) }),
  });

  return (connectOptions, callback) => {
    const { hostname, protocol } = connectOptions;
    const port = Number(connectOptions.port) || (protocol === 'https:' ? 443 : 80);
    resolveChecked(options, hostname, port).then(
      (address) => {
        connect(
          {
            ...connectOptions,
            hostname: address,
            ...(isIP(hostname) === 0 ? { servername: hostname.replace(/\.$/, '') } : {}),
          },
          callback,
        );
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), null),
    );
  };
}

/**
 * A TLS context trusting the default roots plus `caPem`, built once per client. Adding the PEM to a default
 * context copies the root store first (it never changes the process-wide one) and takes about a millisecond;
 * passing `ca: [...rootCertificates, pem]` parses every root again (about 150 ms), so that is only the fallback.
 */
function secureContextWith(caPem: string): SecureContext {
  const context = createSecureContext();
  const native: unknown = (context as { context?: unknown }).context;
  if (
    typeof native === 'object' &&
    native !== null &&
    'addCACert' in native &&
    typeof native.addCACert === 'function'
  ) {
    native.addCACert(caPem);
    return context;
  }
  return createSecureContext({ ca: [...rootCertificates, caPem] });
}

async function resolveChecked(
  options: GuardedConnectorOptions,
  hostname: string,
  port: number,
): Promise<string> {
  const blocked = () =>
    new ScmError('blocked-address', `Connections to ${hostname} are not allowed from this server.`, {
      code: 'ssrf_blocked',
      fix: 'Use the public address of the SCM, or ask the operator to add the host to SCM_CONNECT_ALLOWED_HOSTS.',
    });
  if (isIP(hostname) !== 0) {
    if (!checkAddress(options.policy, hostname, hostname, port)) throw blocked();
    return hostname;
  }
  const answers = await lookupWithTimeout(options, hostname);
  if (answers.length === 0) throw unresolved(hostname);
  if (!answers.every((answer) => checkAddress(options.policy, hostname, answer.address, port)))
    throw blocked();
  return answers[0]!.address;
}

async function lookupWithTimeout(options: GuardedConnectorOptions, hostname: string) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(unresolved(hostname)), options.connectTimeoutMs);
  });
  try {
    return await Promise.race([options.lookup(hostname), timeout]);
  } catch (error) {
    throw error instanceof ScmError ? error : unresolved(hostname, error);
  } finally {
    clearTimeout(timer);
  }
}

const unresolved = (hostname: string, cause?: unknown) =>
  new ScmError('unavailable', `The name ${hostname} could not be resolved.`, {
    code: 'dns_resolution_failed',
    fix: 'Check the host name in the instance URL.',
    cause,
  });
