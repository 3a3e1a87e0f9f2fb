import { describe, expect, it } from 'vitest';
import { parseAllowlist } from './allowlist.js';

describe('parseAllowlist', () => {
  it('returns no entries for an empty or blank value', () => {
    expect(parseAllowlist('')).toEqual([]);
    expect(parseAllowlist('  , \n ')).toEqual([]);
  });

  it.each([
    ['10.1.0.0/16', { type: 'range', range: '10.1.0.0/16', port: undefined, accountId: undefined }],
    ['fd00::/8', { type: 'range', range: 'fd00::/8', port: undefined, accountId: undefined }],
    ['10.1.2.3', { type: 'range', range: '10.1.2.3/32', port: undefined, accountId: undefined }],
    ['10.1.2.3:443', { type: 'range', range: '10.1.2.3/32', port: 443, accountId: undefined }],
    ['[fd00::1]:443', { type: 'range', range: 'fd00::1/128', port: 443, accountId: undefined }],
    ['fd00::1', { type: 'range', range: 'fd00::1/128', port: undefined, accountId: undefined }],
    ['Git.Corp', { type: 'host', hostname: 'git.corp', port: undefined, accountId: undefined }],
    ['git.corp.:8443', { type: 'host', hostname: 'git.corp', port: 8443, accountId: undefined }],
    ['ğitlab.corp', { type: 'host', hostname: 'xn--itlab-j1a.corp', port: undefined, accountId: undefined }],
    ['10.1.0.0/16@acct-a', { type: 'range', range: '10.1.0.0/16', port: undefined, accountId: 'acct-a' }],
    ['git.corp:443@acct_b', { type: 'host', hostname: 'git.corp', port: 443, accountId: 'acct_b' }],
    ['[fd00::1]:22@a1', { type: 'range', range: 'fd00::1/128', port: 22, accountId: 'a1' }],
  ])('parses %s', (value, expected) => {
    const [entry] = parseAllowlist(value);
    const { range, ...rest } = expected as { range?: string } & Record<string, unknown>;
    expect(entry).toMatchObject(rest);
    if (range !== undefined && entry?.type === 'range') {
      expect(`${entry.range[0].toString()}/${entry.range[1]}`).toBe(range);
    }
  });

  it('splits on commas and whitespace', () => {
    const entries = parseAllowlist('10.0.0.0/8, git.corp\n[fd00::1]:443\t172.16.0.1:8080');
    expect(entries.map((entry) => entry.source)).toEqual([
      '10.0.0.0/8',
      'git.corp',
      '[fd00::1]:443',
      '172.16.0.1:8080',
    ]);
  });

  it.each([
    '10.0.0.0/33',
    'garbage$^',
    '*.corp',
    '10.0.0.1:0',
    '10.0.0.1:70000',
    'git.corp:http',
    '[fd00::1',
    '[git.corp]:443',
    '0x7f.1',
    '2130706433',
    '10.1/16',
    'git.corp@',
    'git.corp@b!d',
    '@acct',
    '-bad.corp',
  ])('refuses %s and names it in the message', (value) => {
    expect(() => parseAllowlist(`10.0.0.0/8 ${value}`)).toThrowError(value.trim().split(' ')[0]!);
  });

  it('refuses more than 1000 entries', () => {
    const many = Array.from({ length: 1001 }, (_, index) => `10.0.${index >> 8}.${index & 255}`).join(',');
    expect(() => parseAllowlist(many)).toThrow(/at most 1000/);
  });
});
