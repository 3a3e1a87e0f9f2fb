import { createHash } from 'node:crypto';
import { inspect } from 'node:util';

/** Length in bytes of every master key (AES-256). */
export const KEY_BYTES = 32;

/** Key ids travel inside every ciphertext, so they are short and never contain the `:` separator. */
const KID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const HEX_PATTERN = /^[0-9a-fA-F]+$/;
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]+|[A-Za-z0-9_-]+)={0,2}$/;
const KEY_FORMAT_HINT =
  'a key is 32 random bytes written as 64 hex characters or 44 base64 characters (generate one with `openssl rand -base64 32`)';

/** One master key. Printing or serializing it shows the id only. */
export interface MasterKey {
  readonly kid: string;
  readonly key: Buffer;
}

/** Where a keyring came from, for the boot log ("created a new key file: back it up"). */
export type KeyringOrigin = 'env' | 'key-file' | 'new-key-file' | 'inline';

/**
 * The master keys of this instance. The primary (first) key encrypts; every key decrypts, so a value written under
 * an older key stays readable until it has been re-encrypted under the primary.
 */
export interface Keyring {
  readonly primary: MasterKey;
  /** All keys, primary first. */
  readonly keys: readonly MasterKey[];
  readonly origin: KeyringOrigin;
  find(kid: string): MasterKey | undefined;
}

/** A key as read from configuration: the id is derived from the key when not given. */
export interface KeyInput {
  readonly kid?: string;
  readonly key: Buffer;
}

/** A master key configuration problem. The message says what to fix and never holds key material. */
export class MasterKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MasterKeyError';
  }
}

/** The id of a key when none is given: the first 8 hex characters of its SHA-256. */
export function deriveKid(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export function isValidKid(kid: string): boolean {
  return KID_PATTERN.test(kid);
}

/**
 * Decodes one key written as hex (64 characters) or base64 / base64url (padded or not) of exactly 32 bytes.
 * `where` names the setting in error messages ("SCM_CONNECT_MASTER_KEY entry 2").
 */
export function decodeKeyMaterial(text: string, where: string): Buffer {
  const value = text.trim();
  if (value === '') throw new MasterKeyError(`${where} is empty; ${KEY_FORMAT_HINT}.`);
  if (HEX_PATTERN.test(value) && !BASE64_KEY_LENGTHS.has(value.length)) {
    if (value.length !== KEY_BYTES * 2) {
      throw new MasterKeyError(
        `${where} is ${value.length} hex characters, not ${KEY_BYTES * 2}; ${KEY_FORMAT_HINT}.`,
      );
    }
    return Buffer.from(value, 'hex');
  }
  if (!BASE64_PATTERN.test(value)) {
    throw new MasterKeyError(`${where} is neither hex nor base64; ${KEY_FORMAT_HINT}.`);
  }
  const encoding = /[-_]/.test(value) ? 'base64url' : 'base64';
  const body = value.replace(/=+$/, '');
  const bytes = Buffer.from(body, encoding);
  const canonical = bytes.toString(encoding).replace(/=+$/, '');
  const paddingOk = body.length === value.length || value.length % 4 === 0;
  if (canonical !== body || !paddingOk) {
    throw new MasterKeyError(`${where} is not valid base64 (wrong length or padding); ${KEY_FORMAT_HINT}.`);
  }
  if (bytes.length !== KEY_BYTES) {
    throw new MasterKeyError(
      `${where} decodes to ${bytes.length} bytes, not ${KEY_BYTES}; ${KEY_FORMAT_HINT}.`,
    );
  }
  return bytes;
}

/** Lengths of base64 text for a 32-byte key (unpadded and padded): text of these lengths is read as base64. */
const BASE64_KEY_LENGTHS = new Set([43, 44]);

/**
 * Builds a keyring from keys in order (the first is primary). Refuses an empty list, a key that is not 32 bytes,
 * an invalid id and two keys with the same id. Key bytes are copied.
 */
export function createKeyring(inputs: readonly KeyInput[], origin: KeyringOrigin = 'inline'): Keyring {
  if (inputs.length === 0) throw new MasterKeyError('No master key given: at least one key is needed.');
  const keys = inputs.map((input, index) => toMasterKey(input, index));
  const byKid = new Map<string, MasterKey>();
  for (const key of keys) {
    if (byKid.has(key.kid)) {
      throw new MasterKeyError(
        `Two master keys have the id "${key.kid}": give each key its own id, or drop the copy.`,
      );
    }
    byKid.set(key.kid, key);
  }
  const keyring: Keyring = {
    primary: keys[0]!,
    keys: Object.freeze(keys),
    origin,
    find: (kid) => byKid.get(kid),
  };
  return hideKeyMaterial(keyring, () => ({
    primaryKid: keyring.primary.kid,
    kids: keys.map((k) => k.kid),
    origin,
  }));
}

function toMasterKey(input: KeyInput, index: number): MasterKey {
  if (input.key.length !== KEY_BYTES) {
    throw new MasterKeyError(`Master key ${index + 1} is ${input.key.length} bytes; ${KEY_FORMAT_HINT}.`);
  }
  const kid = input.kid ?? deriveKid(input.key);
  if (!isValidKid(kid)) {
    throw new MasterKeyError(
      `Master key ${index + 1} has an invalid id: use 1 to 64 characters from letters, digits, "-" and "_".`,
    );
  }
  const key: MasterKey = { kid, key: Buffer.from(input.key) };
  return hideKeyMaterial(key, () => ({ kid }));
}

/** Makes `JSON.stringify`, pino and `util.inspect` show a summary instead of the key bytes. */
function hideKeyMaterial<T extends object>(target: T, summary: () => object): T {
  Object.defineProperty(target, 'toJSON', { value: summary, enumerable: false });
  Object.defineProperty(target, inspect.custom, { value: summary, enumerable: false });
  return Object.freeze(target);
}

/**
 * Parses `SCM_CONNECT_MASTER_KEY`: a comma-separated list of keys, each hex or base64 of 32 bytes, optionally
 * prefixed with its id (`kid:key`). The first key is primary; the others only decrypt.
 */
export function parseMasterKeys(value: string): Keyring {
  const entries = value.split(',');
  const inputs = entries.map((raw, index): KeyInput => {
    const where =
      entries.length === 1 ? 'SCM_CONNECT_MASTER_KEY' : `SCM_CONNECT_MASTER_KEY entry ${index + 1}`;
    const entry = raw.trim();
    const colon = entry.indexOf(':');
    if (colon === -1) return { key: decodeKeyMaterial(entry, where) };
    const kid = entry.slice(0, colon);
    if (!isValidKid(kid)) {
      throw new MasterKeyError(
        `${where} has an invalid key id before ":": use 1 to 64 characters from letters, digits, "-" and "_".`,
      );
    }
    return { kid, key: decodeKeyMaterial(entry.slice(colon + 1), where) };
  });
  return createKeyring(inputs, 'env');
}
