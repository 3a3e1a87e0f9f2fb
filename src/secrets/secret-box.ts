import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import type { Keyring } from './keyring.js';

const ALGORITHM = 'aes-256-gcm';
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]*$/;

/**
 * Encrypts and decrypts secrets at rest (tokens, app private keys, webhook secrets).
 *
 * Values are self-describing, `v1:{kid}:{iv}:{ciphertext}:{tag}` (base64url parts), so keys rotate without a
 * migration. The associated data binds a value to the row that owns it, for example
 * `account:{accountId}:connection:{connectionId}:token`: a value copied into another row does not decrypt.
 */
export interface SecretBox {
  /** AES-256-GCM under the primary key with a fresh random 96-bit IV: the same plaintext twice gives two values. */
  encrypt(plaintext: string, aad: string): string;
  /** Throws a {@link SecretError} when the value is malformed, altered, bound to another AAD or under an unknown key. */
  decrypt(value: string, aad: string): string;
  /** Id of the key new values are encrypted with. */
  readonly primaryKid: string;
  /** Whether the value was encrypted under a key other than the primary and should be re-encrypted. */
  needsRewrap(value: string): boolean;
}

export type SecretErrorCode =
  'secret_malformed' | 'secret_unknown_key' | 'secret_auth_failed' | 'secret_invalid_aad';

/** A secret could not be encrypted or decrypted. The message names the cause and never holds the value. */
export class SecretError extends Error {
  constructor(
    readonly code: SecretErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SecretError';
  }
}

interface ParsedValue {
  readonly kid: string;
  readonly iv: Buffer;
  readonly ciphertext: Buffer;
  readonly tag: Buffer;
}

export function createSecretBox(keyring: Keyring): SecretBox {
  const cipherKeys = new Map<string, KeyObject>(keyring.keys.map((k) => [k.kid, createSecretKey(k.key)]));
  const primaryKid = keyring.primary.kid;
  const primaryKey = cipherKeys.get(primaryKid)!;

  return {
    primaryKid,

    encrypt(plaintext, aad) {
      checkAad(aad);
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, primaryKey, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, primaryKid, iv, ciphertext, tag]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
        .join(':');
    },

    decrypt(value, aad) {
      checkAad(aad);
      const parsed = parseValue(value);
      const key = cipherKeys.get(parsed.kid);
      if (key === undefined) {
        throw new SecretError(
          'secret_unknown_key',
          `A secret for ${aad} was encrypted with key "${parsed.kid}", which is not in the keyring ` +
            `(keys: ${[...cipherKeys.keys()].join(', ')}): add that key back to SCM_CONNECT_MASTER_KEY or the key file.`,
        );
      }
      const decipher = createDecipheriv(ALGORITHM, key, parsed.iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(parsed.tag);
      try {
        return Buffer.concat([decipher.update(parsed.ciphertext), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretError(
          'secret_auth_failed',
          `A secret for ${aad} failed authentication: it was altered, copied from another record, or written ` +
            `with a different key that has the id "${parsed.kid}". Enter the secret again.`,
        );
      }
    },

    needsRewrap(value) {
      return parseValue(value).kid !== primaryKid;
    },
  };
}

/**
 * Re-encrypts a value under the primary key when it was written under an older one; returns it unchanged otherwise.
 * The rewrap job uses this row by row before an old key is removed.
 */
export function rewrapSecret(box: SecretBox, value: string, aad: string): string {
  return box.needsRewrap(value) ? box.encrypt(box.decrypt(value, aad), aad) : value;
}

function checkAad(aad: string): void {
  if (aad.length === 0) {
    throw new SecretError(
      'secret_invalid_aad',
      'A secret needs associated data naming the record that owns it.',
    );
  }
}

function parseValue(value: string): ParsedValue {
  const parts = value.split(':');
  if (parts.length !== 5 || parts[0] !== VERSION) {
    throw malformed(`it is not in the ${VERSION}:{kid}:{iv}:{ciphertext}:{tag} format`);
  }
  const [, kid, iv, ciphertext, tag] = parts as [string, string, string, string, string];
  if (!KID_PATTERN.test(kid)) throw malformed('its key id is invalid');
  const parsed = {
    kid,
    iv: decodePart(iv, 'IV'),
    ciphertext: decodePart(ciphertext, 'ciphertext'),
    tag: decodePart(tag, 'tag'),
  };
  if (parsed.iv.length !== IV_BYTES) throw malformed(`its IV is ${parsed.iv.length} bytes, not ${IV_BYTES}`);
  if (parsed.tag.length !== TAG_BYTES)
    throw malformed(`its tag is ${parsed.tag.length} bytes, not ${TAG_BYTES}`);
  return parsed;
}

function decodePart(text: string, name: string): Buffer {
  if (!BASE64URL_PATTERN.test(text)) throw malformed(`its ${name} is not base64url`);
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.toString('base64url') !== text) throw malformed(`its ${name} is not canonical base64url`);
  return bytes;
}

function malformed(reason: string): SecretError {
  return new SecretError(
    'secret_malformed',
    `A stored secret cannot be read: ${reason}. Enter the secret again.`,
  );
}
