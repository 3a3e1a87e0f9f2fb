import ipaddr from 'ipaddr.js';
import type { AllowlistEntry } from './allowlist.js';

/** Which private addresses one account may reach. */
export interface AddressPolicy {
  readonly allowlist: readonly AllowlistEntry[];
  /** The account (tenant) the call is made for; entries scoped to another account do not apply. */
  readonly accountId: string;
}

type Ip = ipaddr.IPv4 | ipaddr.IPv6;

const cidr = (text: string): [Ip, number] => ipaddr.parseCIDR(text);

/** Cloud metadata endpoints: denied whatever the allowlist says. */
const metadataRanges = [
  cidr('169.254.0.0/16'),
  cidr('100.100.100.200/32'),
  cidr('168.63.129.16/32'),
  cidr('fd00:ec2::254/128'),
];

/** IPv4-compatible IPv6 (`::a.b.c.d`, deprecated): ipaddr.js calls it unicast, but it is no public address. */
const ipv4Compatible = cidr('::/96');

/**
 * Is `address` (an IP string, any form) on `port` allowed for this account? Deny anything that is not public
 * unicast (ipaddr.js range() === 'unicast' after process()), unless an allowlist entry for this account (or
 * for all accounts) matches the IP (+port) or the hostname (+port). Metadata addresses (169.254.0.0/16,
 * fd00:ec2::254, 100.100.100.200, 168.63.129.16) are denied whatever the allowlist says, also when wrapped in
 * an IPv4-mapped, NAT64, 6to4 or Teredo address. TEST-NET counts as reserved.
 */
export function checkAddress(
  policy: AddressPolicy,
  hostname: string,
  address: string,
  port: number,
): boolean {
  const ip = parseIp(address);
  if (ip === undefined) return false;
  if (isMetadata(ip)) return false;
  if (isPublicUnicast(ip)) return true;
  const host = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  return policy.allowlist.some(
    (entry) =>
      (entry.accountId === undefined || entry.accountId === policy.accountId) &&
      (entry.port === undefined || entry.port === port) &&
      (entry.type === 'host' ? entry.hostname === host : matches(ip, entry.range)),
  );
}

/** Parses any textual IP form, unwrapping IPv4-mapped IPv6; `undefined` when it is no IP. */
export function parseIp(address: string): Ip | undefined {
  const text = address.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(text)) return undefined;
  try {
    return ipaddr.process(text);
  } catch {
    return undefined;
  }
}

function isPublicUnicast(ip: Ip): boolean {
  return ip.range() === 'unicast' && !matches(ip, ipv4Compatible);
}

function isMetadata(ip: Ip): boolean {
  return [ip, ...embeddedIpv4(ip)].some((candidate) =>
    metadataRanges.some((range) => matches(candidate, range)),
  );
}

/** The IPv4 addresses a NAT64, 6to4 or Teredo address carries, so an allowed range around them cannot hide metadata. */
function embeddedIpv4(ip: Ip): ipaddr.IPv4[] {
  if (ip.kind() !== 'ipv6') return [];
  const parts = (ip as ipaddr.IPv6).parts;
  const fromWords = (high: number, low: number) =>
    new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
  switch (ip.range()) {
    case 'rfc6052':
    case 'rfc6145':
      return [fromWords(parts[6]!, parts[7]!)];
    case 'unicast':
      return matches(ip, ipv4Compatible) ? [fromWords(parts[6]!, parts[7]!)] : [];
    case '6to4':
      return [fromWords(parts[1]!, parts[2]!)];
    case 'teredo':
      return [fromWords(parts[6]! ^ 0xffff, parts[7]! ^ 0xffff)];
    default:
      return [];
  }
}

function matches(ip: Ip, range: readonly [Ip, number]): boolean {
  return ip.kind() === range[0].kind() && ip.match(range[0], range[1]);
}
