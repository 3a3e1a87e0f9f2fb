import { describe, expect, it } from 'vitest';
import { parseAllowlist } from './allowlist.js';
import { checkAddress, type AddressPolicy } from './guard.js';

const noAllowlist: AddressPolicy = { allowlist: [], accountId: 'a' };
const policy = (value: string, accountId = 'a'): AddressPolicy => ({
  allowlist: parseAllowlist(value),
  accountId,
});

describe('checkAddress without an allowlist', () => {
  it.each(['8.8.8.8', '140.82.112.3', '2606:4700::1111', '[2606:4700::1111]', '::ffff:8.8.8.8'])(
    'allows public unicast %s',
    (address) => {
      expect(checkAddress(noAllowlist, 'scm.example.com', address, 443)).toBe(true);
    },
  );

  it.each([
    ['loopback', '127.0.0.1'],
    ['loopback /8', '127.255.1.2'],
    ['loopback v6', '::1'],
    ['unspecified', '0.0.0.0'],
    ['unspecified v6', '::'],
    ['"this network"', '0.1.2.3'],
    ['RFC1918 10/8', '10.0.0.5'],
    ['RFC1918 172.16/12', '172.16.0.1'],
    ['RFC1918 192.168/16', '192.168.1.1'],
    ['CGNAT', '100.64.0.1'],
    ['link-local', '169.254.1.1'],
    ['link-local v6', 'fe80::1'],
    ['link-local v6 with zone', 'fe80::1%eth0'],
    ['unique local', 'fc00::1'],
    ['multicast', '224.0.0.1'],
    ['multicast v6', 'ff02::1'],
    ['broadcast', '255.255.255.255'],
    ['TEST-NET-1', '192.0.2.1'],
    ['TEST-NET-2', '198.51.100.7'],
    ['TEST-NET-3', '203.0.113.9'],
    ['benchmarking', '198.18.0.1'],
    ['class E', '240.0.0.1'],
    ['documentation v6', '2001:db8::1'],
    ['IPv4-mapped loopback', '::ffff:7f00:1'],
    ['IPv4-mapped loopback dotted', '::ffff:127.0.0.1'],
    ['IPv4-mapped private', '::ffff:10.0.0.1'],
    ['IPv4-compatible loopback', '::7f00:1'],
    ['NAT64 loopback', '64:ff9b::7f00:1'],
    ['NAT64 local-use', '64:ff9b:1::a00:1'],
    ['6to4 loopback', '2002:7f00:1::'],
    ['Teredo', '2001:0:4136:e378:8000:63bf:3fff:fdd2'],
    ['AWS metadata', '169.254.169.254'],
    ['AWS metadata v6', 'fd00:ec2::254'],
    ['Alibaba metadata', '100.100.100.200'],
    ['Azure platform', '168.63.129.16'],
    ['not an IP', 'localhost'],
    ['empty', ''],
  ])('denies %s (%s)', (_name, address) => {
    expect(checkAddress(noAllowlist, 'scm.example.com', address, 443)).toBe(false);
  });
});

describe('checkAddress with an allowlist', () => {
  it('opens an IP, and with a port only that port (S19)', () => {
    const p = policy('10.1.2.3:443');
    expect(checkAddress(p, '10.1.2.3', '10.1.2.3', 443)).toBe(true);
    expect(checkAddress(p, '10.1.2.3', '10.1.2.3', 6379)).toBe(false);
    expect(checkAddress(p, '10.1.2.4', '10.1.2.4', 443)).toBe(false);
  });

  it('matches an allowed IPv4 also in its IPv4-mapped IPv6 form', () => {
    expect(checkAddress(policy('10.1.2.3'), 'git.corp', '::ffff:10.1.2.3', 443)).toBe(true);
  });

  it('opens a CIDR range for its account only (S20)', () => {
    expect(checkAddress(policy('10.1.0.0/16@org-a', 'org-a'), 'x', '10.1.2.3', 443)).toBe(true);
    expect(checkAddress(policy('10.1.0.0/16@org-a', 'org-b'), 'x', '10.1.2.3', 443)).toBe(false);
    expect(checkAddress(policy('10.1.0.0/16', 'org-b'), 'x', '10.1.2.3', 443)).toBe(true);
  });

  it('opens an IPv6 range', () => {
    expect(checkAddress(policy('fd00::/8'), 'x', 'fd12::1', 443)).toBe(true);
    expect(checkAddress(policy('fd00::/8'), 'x', 'fc00::1', 443)).toBe(false);
  });

  it('opens a host name (any address it resolves to) and honours its port', () => {
    const p = policy('git.corp:8443');
    expect(checkAddress(p, 'GIT.corp.', '10.9.9.9', 8443)).toBe(true);
    expect(checkAddress(p, 'git.corp', '10.9.9.9', 443)).toBe(false);
    expect(checkAddress(p, 'other.corp', '10.9.9.9', 8443)).toBe(false);
  });

  it('keeps metadata addresses denied whatever the allowlist says (S21)', () => {
    const wide = policy('0.0.0.0/0 ::/0 169.254.0.0/16 metadata.corp');
    for (const address of [
      '169.254.169.254',
      '::ffff:169.254.169.254',
      'fd00:ec2::254',
      '100.100.100.200',
      '168.63.129.16',
      '64:ff9b::a9fe:a9fe',
      '2002:a9fe:a9fe::1',
      '::a9fe:a9fe',
    ]) {
      expect(checkAddress(wide, 'metadata.corp', address, 80), address).toBe(false);
    }
    expect(checkAddress(wide, 'x', '10.0.0.1', 80)).toBe(true);
  });
});
