import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createKeyring, deriveKid } from './keyring.js';
import { SecretError, createSecretBox, rewrapSecret } from './secret-box.js';

const AAD = 'account:1:connection:7:token';
const TOKEN = 'glpat-abcdefghijklmnopqrst';

const newKey = () => randomBytes(32);

function errorOf(run: () => unknown): SecretError {
  try {
    run();
  } catch (error) {
    if (error instanceof SecretError) return error;
    throw error;
  }
  throw new Error('expected a SecretError');
}

/** Flips one bit in the given part (2 = iv, 3 = ciphertext, 4 = tag) of a value. */
function flipBit(value: string, part: 2 | 3 | 4): string {
  const parts = value.split(':');
  const bytes = Buffer.from(parts[part]!, 'base64url');
  bytes[bytes.length - 1]! ^= 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join(':');
}

describe('createSecretBox', () => {
  const key = newKey();
  const box = createSecretBox(createKeyring([{ key }]));

  it.each([
    TOKEN,
    '',
    'ünïcødé 🔑 secret',
    '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n',
  ])('round-trips %j', (plaintext) => {
    expect(box.decrypt(box.encrypt(plaintext, AAD), AAD)).toBe(plaintext);
  });

  it('writes v1:{kid}:{iv}:{ciphertext}:{tag} with a 96-bit IV and a 128-bit tag, plaintext not visible', () => {
    const value = box.encrypt(TOKEN, AAD);
    const parts = value.split(':');
    expect(parts).toHaveLength(5);
    expect(parts[0]).toBe('v1');
    expect(parts[1]).toBe(deriveKid(key));
    expect(box.primaryKid).toBe(deriveKid(key));
    expect(Buffer.from(parts[2]!, 'base64url')).toHaveLength(12);
    expect(Buffer.from(parts[3]!, 'base64url')).toHaveLength(Buffer.byteLength(TOKEN));
    expect(Buffer.from(parts[4]!, 'base64url')).toHaveLength(16);
    expect(value).not.toContain(TOKEN);
    expect(value).not.toContain(Buffer.from(TOKEN).toString('base64url'));
  });

  it('K9: encrypting the same plaintext twice gives different values (fresh IV each time)', () => {
    const values = new Set(Array.from({ length: 50 }, () => box.encrypt(TOKEN, AAD)));
    const ivs = new Set([...values].map((v) => v.split(':')[2]));
    expect(values.size).toBe(50);
    expect(ivs.size).toBe(50);
  });

  it('a value copied into another row (other AAD) does not decrypt, and the error holds no secret', () => {
    const value = box.encrypt(TOKEN, AAD);
    const error = errorOf(() => box.decrypt(value, 'account:2:connection:7:token'));
    expect(error.code).toBe('secret_auth_failed');
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).not.toContain(value.split(':')[3]!);
    expect(() => box.decrypt(value, 'account:1:connection:7:webhookSecret')).toThrow(SecretError);
  });

  it.each([
    ['iv', 2],
    ['ciphertext', 3],
    ['tag', 4],
  ] as const)('a flipped bit in the %s fails authentication', (_name, part) => {
    const value = box.encrypt(TOKEN, AAD);
    const tampered = flipBit(value, part);
    expect(tampered).not.toBe(value);
    expect(errorOf(() => box.decrypt(tampered, AAD)).code).toBe('secret_auth_failed');
  });

  it('a value decrypted with a different key under the same kid fails authentication', () => {
    const other = createSecretBox(createKeyring([{ kid: box.primaryKid, key: newKey() }]));
    expect(errorOf(() => other.decrypt(box.encrypt(TOKEN, AAD), AAD)).code).toBe('secret_auth_failed');
  });

  it('a value under a key that is not in the keyring fails with a message naming the key id', () => {
    const foreign = createSecretBox(createKeyring([{ kid: 'retired-2024', key: newKey() }]));
    const error = errorOf(() => box.decrypt(foreign.encrypt(TOKEN, AAD), AAD));
    expect(error.code).toBe('secret_unknown_key');
    expect(error.message).toContain('"retired-2024"');
    expect(error.message).toContain(box.primaryKid);
    expect(error.message).not.toContain(TOKEN);
  });

  const good = box.encrypt(TOKEN, AAD);
  const [, kid, iv, ct, tag] = good.split(':') as [string, string, string, string, string];
  it.each([
    ['empty', ''],
    ['plaintext stored by mistake', TOKEN],
    ['unknown version', `v2:${kid}:${iv}:${ct}:${tag}`],
    ['missing part', `v1:${kid}:${iv}:${ct}`],
    ['extra part', `${good}:x`],
    ['kid with a space', `v1:a b:${iv}:${ct}:${tag}`],
    ['iv not base64url', `v1:${kid}:${iv.slice(0, -1)}+:${ct}:${tag}`],
    ['short iv', `v1:${kid}:${iv.slice(0, 8)}:${ct}:${tag}`],
    ['truncated tag', `v1:${kid}:${iv}:${ct}:${tag.slice(0, 11)}`],
    ['padded base64', `v1:${kid}:${iv}:${ct}:${tag}==`],
  ])('refuses a malformed value (%s)', (_name, value) => {
    const error = errorOf(() => box.decrypt(value, AAD));
    expect(error.code).toBe('secret_malformed');
    expect(error.message).not.toContain(TOKEN);
  });

  it('refuses an empty AAD on both sides', () => {
    expect(errorOf(() => box.encrypt(TOKEN, '')).code).toBe('secret_invalid_aad');
    expect(errorOf(() => box.decrypt(good, '')).code).toBe('secret_invalid_aad');
  });
});

describe('rotation', () => {
  const oldKey = { kid: 'k1', key: newKey() };
  const newer = { kid: 'k2', key: newKey() };
  const before = createSecretBox(createKeyring([oldKey]));
  const after = createSecretBox(createKeyring([newer, oldKey]));

  it('values under the old key still decrypt, new values use the new primary', () => {
    const old = before.encrypt(TOKEN, AAD);
    expect(after.decrypt(old, AAD)).toBe(TOKEN);
    const fresh = after.encrypt(TOKEN, AAD);
    expect(fresh.split(':')[1]).toBe('k2');
    expect(after.primaryKid).toBe('k2');
    expect(before.needsRewrap(old)).toBe(false);
    expect(after.needsRewrap(old)).toBe(true);
    expect(after.needsRewrap(fresh)).toBe(false);
  });

  it('rewrapSecret moves an old value to the primary and leaves current values alone', () => {
    const old = before.encrypt(TOKEN, AAD);
    const rewrapped = rewrapSecret(after, old, AAD);
    expect(rewrapped.split(':')[1]).toBe('k2');
    expect(after.needsRewrap(rewrapped)).toBe(false);
    expect(rewrapSecret(after, rewrapped, AAD)).toBe(rewrapped);
    const withoutOld = createSecretBox(createKeyring([newer]));
    expect(withoutOld.decrypt(rewrapped, AAD)).toBe(TOKEN);
    expect(errorOf(() => withoutOld.decrypt(old, AAD)).code).toBe('secret_unknown_key');
  });

  it('needsRewrap refuses a malformed value instead of guessing', () => {
    expect(() => after.needsRewrap('not-a-secret')).toThrow(SecretError);
  });
});
