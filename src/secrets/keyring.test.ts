import { createHash, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MasterKeyError, createKeyring, deriveKid, parseMasterKeys } from './keyring.js';

const key = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
const key2 = randomBytes(32);

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(MasterKeyError);
    return (error as Error).message;
  }
  throw new Error('expected a MasterKeyError');
}

describe('parseMasterKeys', () => {
  it.each([
    ['hex', key.toString('hex')],
    ['upper-case hex', key.toString('hex').toUpperCase()],
    ['base64', key.toString('base64')],
    ['base64 without padding', key.toString('base64').replace(/=+$/, '')],
    ['base64url', key.toString('base64url')],
    ['surrounding spaces', `  ${key.toString('base64')}\n`],
  ])('reads one key as %s', (_name, value) => {
    const keyring = parseMasterKeys(value);
    expect(keyring.keys).toHaveLength(1);
    expect(keyring.primary.key.equals(key)).toBe(true);
    expect(keyring.primary.kid).toBe(createHash('sha256').update(key).digest('hex').slice(0, 8));
    expect(keyring.origin).toBe('env');
  });

  it('reads a list: the first key is primary, the rest decrypt; ids may be given as kid:key', () => {
    const keyring = parseMasterKeys(`k2:${key2.toString('base64')}, ${key.toString('hex')}`);
    expect(keyring.primary.kid).toBe('k2');
    expect(keyring.primary.key.equals(key2)).toBe(true);
    expect(keyring.keys.map((k) => k.kid)).toEqual(['k2', deriveKid(key)]);
    expect(keyring.find(deriveKid(key))?.key.equals(key)).toBe(true);
    expect(keyring.find('nope')).toBeUndefined();
  });

  const short = randomBytes(16);
  it.each([
    ['empty', '', /empty/],
    ['short base64 (16 bytes)', short.toString('base64'), /decodes to 16 bytes/],
    ['short hex (16 bytes)', short.toString('hex'), /32 hex characters, not 64/],
    ['long base64 (48 bytes)', randomBytes(48).toString('base64'), /decodes to 48 bytes/],
    ['hex one character short', key.toString('hex').slice(1), /63 hex characters/],
    ['not base64 or hex', 'this is not a key!', /neither hex nor base64/],
    ['bad base64 padding', `${key.toString('base64').slice(0, -1)}==`, /not valid base64/],
    [
      'mixed base64 alphabets',
      `+${key.toString('base64url').slice(1, -2)}_`,
      /neither hex nor base64|not valid base64/,
    ],
    ['empty list entry', `${key.toString('base64')},,${key2.toString('base64')}`, /entry 2 is empty/],
    ['bad key id', `bad id:${key.toString('base64')}`, /invalid key id/],
    ['same key twice', `${key.toString('base64')},${key.toString('hex')}`, /Two master keys have the id/],
  ])(
    'refuses %s with a message that says what to fix and holds no key material',
    (_name, value, expected) => {
      const message = messageOf(() => parseMasterKeys(value));
      expect(message).toMatch(expected);
      expect(message).toMatch(/SCM_CONNECT_MASTER_KEY|master key/i);
      for (const token of value.split(/[,:\s]+/).filter((t) => t.length >= 8)) {
        expect(message).not.toContain(token);
      }
    },
  );
});

describe('createKeyring', () => {
  it('refuses an empty list and keys that are not 32 bytes', () => {
    expect(messageOf(() => createKeyring([]))).toMatch(/at least one key/);
    expect(messageOf(() => createKeyring([{ key: randomBytes(31) }]))).toMatch(/31 bytes/);
  });

  it('copies the key bytes', () => {
    const bytes = Buffer.from(key);
    const keyring = createKeyring([{ key: bytes }]);
    bytes.fill(0);
    expect(keyring.primary.key.equals(key)).toBe(true);
  });

  it('never prints key material through JSON or inspect', () => {
    const keyring = createKeyring([{ key }, { kid: 'old', key: key2 }]);
    const printed = [
      JSON.stringify(keyring),
      JSON.stringify({ keyring, primary: keyring.primary, keys: keyring.keys }),
      inspect(keyring, { depth: 5 }),
      inspect(keyring.keys, { depth: 5 }),
    ].join('\n');
    expect(printed).toContain('old');
    for (const bytes of [key, key2]) {
      for (const encoding of ['hex', 'base64'] as const)
        expect(printed).not.toContain(bytes.toString(encoding));
      expect(printed).not.toContain(bytes.subarray(0, 4).toString('hex').match(/../g)!.join(' '));
      expect(printed).not.toContain(`"data":[${bytes[0]},${bytes[1]}`);
    }
  });
});
