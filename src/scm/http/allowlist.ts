import ipaddr from 'ipaddr.js';

/** At most this many entries, like GitLab's outbound allowlist. */
const maxEntries = 1000;

/**
 * One operator allowlist entry (`SCM_CONNECT_ALLOWED_HOSTS`): an address range or a host name, optionally
 * limited to one port and to one account.
 */
export type AllowlistEntry =
  | {
      readonly type: 'range';
      /** The network and prefix length; a single IP is a /32 or /128 range. */
      readonly range: readonly [ipaddr.IPv4 | ipaddr.IPv6, number];
      /** Only this port, when the entry named one (`10.1.2.3:443`). */
      readonly port: number | undefined;
      /** Only this account, when the entry ended in `@accountId`. */
      readonly accountId: string | undefined;
      /** The entry as the operator wrote it, for messages. */
      readonly source: string;
    }
  | {
      readonly type: 'host';
      /** Lower-case ASCII (punycode), without a trailing dot. */
      readonly hostname: string;
      readonly port: number | undefined;
      readonly accountId: string | undefined;
      readonly source: string;
    };

/**
 * Entries separated by commas and/or whitespace. Each: `target` or `target@accountId`. target = CIDR
 * (10.1.0.0/16, fd00::/8), IP (10.1.2.3), IP:port (10.1.2.3:443, [fd00::1]:443), host (git.corp), host:port.
 * An IPv6 address with a port needs brackets. Throws `Error` with a message naming the bad entry (e.g.
 * `10.0.0.0/33`, `garbage$^`). Empty string → [].
 */
export function parseAllowlist(value: string): AllowlistEntry[] {
  const sources = value.split(/[\s,]+/).filter((part) => part.length > 0);
  if (sources.length > maxEntries) {
    throw new Error(
      `SCM_CONNECT_ALLOWED_HOSTS has ${sources.length} entries; at most ${maxEntries} are allowed.`,
    );
  }
  return sources.map(parseEntry);
}

function parseEntry(source: string): AllowlistEntry {
  const bad = (why: string) =>
    new Error(`SCM_CONNECT_ALLOWED_HOSTS entry \`${source}\` is not valid: ${why}.`);
  const at = source.lastIndexOf('@');
  const target = at === -1 ? source : source.slice(0, at);
  const accountId = at === -1 ? undefined : source.slice(at + 1);
  if (accountId !== undefined && !/^[A-Za-z0-9._:-]{1,128}$/.test(accountId)) {
    throw bad('the account id after `@` may hold only letters, digits, `.`, `_`, `:` and `-`');
  }
  if (target.length === 0) throw bad('it names no address or host');

  if (target.includes('/')) {
    const valid = ipaddr.IPv4.isValidCIDRFourPartDecimal(target) || ipaddr.IPv6.isValidCIDR(target);
    if (!valid) throw bad('expected a CIDR range such as 10.1.0.0/16 or fd00::/8');
    const range = ipaddr.parseCIDR(target);
    return { type: 'range', range, port: undefined, accountId, source };
  }

  const { address, port } = splitPort(target, bad);
  if (isStrictIp(address)) {
    const ip = ipaddr.parse(address);
    return { type: 'range', range: [ip, ip.kind() === 'ipv4' ? 32 : 128], port, accountId, source };
  }
  if (address.startsWith('[')) throw bad('brackets hold an IPv6 address only');
  return { type: 'host', hostname: normalizeHostname(address, bad), port, accountId, source };
}

function splitPort(
  target: string,
  bad: (why: string) => Error,
): { address: string; port: number | undefined } {
  if (target.startsWith('[')) {
    const close = target.indexOf(']');
    if (close === -1) throw bad('missing `]`');
    const inner = target.slice(1, close);
    const rest = target.slice(close + 1);
    if (!ipaddr.IPv6.isValid(inner)) throw bad('brackets hold an IPv6 address only');
    if (rest === '') return { address: inner, port: undefined };
    if (!rest.startsWith(':')) throw bad('expected `:port` after `]`');
    return { address: inner, port: parsePort(rest.slice(1), bad) };
  }
  // A bare IPv6 address has several colons and no port.
  if (ipaddr.IPv6.isValid(target)) return { address: target, port: undefined };
  const colon = target.lastIndexOf(':');
  if (colon === -1) return { address: target, port: undefined };
  return { address: target.slice(0, colon), port: parsePort(target.slice(colon + 1), bad) };
}

function parsePort(text: string, bad: (why: string) => Error): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) throw bad('the port must be a number from 1 to 65535');
  return port;
}

/** Dotted-quad IPv4 or IPv6, refusing the octal, hex and short forms that parsers disagree on. */
function isStrictIp(text: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(text) || ipaddr.IPv6.isValid(text);
}

function normalizeHostname(text: string, bad: (why: string) => Error): string {
  let hostname: string;
  try {
    hostname = new URL(`http://${text}/`).hostname;
  } catch {
    throw bad('expected an IP, a CIDR range or a host name (no wildcards)');
  }
  hostname = hostname.replace(/\.$/, '');
  if (isStrictIp(hostname) || hostname.startsWith('[')) {
    // `2130706433` or `0x7f.1` became an IP: ambiguous, so refuse it.
    throw bad('write IP addresses in dotted-decimal form');
  }
  const label = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
  if (hostname.length > 253 || !hostname.split('.').every((part) => label.test(part))) {
    throw bad('expected an IP, a CIDR range or a host name (no wildcards)');
  }
  return hostname;
}
