import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import {
  KEY_BYTES,
  MasterKeyError,
  createKeyring,
  decodeKeyMaterial,
  deriveKid,
  isValidKid,
  parseMasterKeys,
  type KeyInput,
  type Keyring,
} from './keyring.js';

/** Name of the key file inside the data directory. */
export const KEY_FILE_NAME = 'master.key';

const FILE_HEADER = [
  '# scm-connect master keys, one per line: <key id> <base64 key>.',
  '# The first key encrypts; the others only decrypt. Keep this file private (mode 0600) and back it up:',
  '# without it the stored tokens and keys cannot be read.',
];

const jsonKeyFile = z.union([
  z.array(z.object({ kid: z.string().optional(), key: z.string() })),
  z.object({ keys: z.array(z.object({ kid: z.string().optional(), key: z.string() })) }),
]);

type KeyFileFormat = 'lines' | 'json';

interface KeyFileContent {
  readonly keys: readonly KeyInput[];
  readonly format: KeyFileFormat;
}

export interface LoadKeyringOptions {
  /** The value of `SCM_CONNECT_MASTER_KEY`; when set it wins over the key file. */
  readonly envValue?: string;
  /** Directory holding `master.key`. */
  readonly dataDir: string;
  /** Create the key file with a new random key (mode 0600) when there is no key at all. */
  readonly createIfMissing: boolean;
}

export function keyFilePath(dataDir: string): string {
  return join(dataDir, KEY_FILE_NAME);
}

/**
 * The master keys of this instance: from `SCM_CONNECT_MASTER_KEY` when set, else from `{dataDir}/master.key`,
 * which is created on first run when `createIfMissing` is true. Refuses (throws {@link MasterKeyError}) a short or
 * malformed key, a key file readable by others than its owner, or a missing key with `createIfMissing` false.
 */
export function loadKeyring(options: LoadKeyringOptions): Keyring {
  if (options.envValue !== undefined) {
    if (options.envValue.trim() === '') {
      throw new MasterKeyError(
        'SCM_CONNECT_MASTER_KEY is set but empty: set it to a key, or unset it to use the key file in the data directory.',
      );
    }
    return parseMasterKeys(options.envValue);
  }
  const path = keyFilePath(options.dataDir);
  const existing = readKeyFile(path);
  if (existing !== undefined) return createKeyring(existing.keys, 'key-file');
  if (!options.createIfMissing) {
    throw new MasterKeyError(
      `No master key: set SCM_CONNECT_MASTER_KEY, or restore the key file ${path} from your backup.`,
    );
  }
  const key = randomBytes(KEY_BYTES);
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  if (!writeKeyFile(path, { keys: [{ kid: deriveKid(key), key }], format: 'lines' }, 'create')) {
    // Another process created the file first: use its key.
    return createKeyring(readKeyFile(path)!.keys, 'key-file');
  }
  return createKeyring([{ kid: deriveKid(key), key }], 'new-key-file');
}

/**
 * Puts a new random key at the head of the key file (the new primary) and keeps the old keys for decryption.
 * Used by `scm-connect keys rotate`; values are then re-encrypted by the rewrap job.
 */
export function addKeyToFile(dataDir: string): { kid: string } {
  const path = keyFilePath(dataDir);
  const content = requireKeyFile(path);
  const current = createKeyring(content.keys, 'key-file');
  let key = randomBytes(KEY_BYTES);
  while (current.find(deriveKid(key)) !== undefined) key = randomBytes(KEY_BYTES);
  const kid = deriveKid(key);
  writeKeyFile(path, { keys: [{ kid, key }, ...current.keys], format: content.format }, 'replace');
  return { kid };
}

/** Removes a key that no value uses any more. Refuses to remove the primary key or a key that is not in the file. */
export function removeKeyFromFile(dataDir: string, kid: string): void {
  const path = keyFilePath(dataDir);
  const content = requireKeyFile(path);
  const current = createKeyring(content.keys, 'key-file');
  if (current.primary.kid === kid) {
    throw new MasterKeyError(
      `Key "${kid}" is the primary key and encrypts new values: add a new key first (scm-connect keys rotate).`,
    );
  }
  if (current.find(kid) === undefined) {
    throw new MasterKeyError(
      `No key "${kid}" in ${path}; its keys are ${current.keys.map((k) => k.kid).join(', ')}.`,
    );
  }
  const keys = current.keys.filter((k) => k.kid !== kid);
  writeKeyFile(path, { keys, format: content.format }, 'replace');
}

function requireKeyFile(path: string): KeyFileContent {
  const content = readKeyFile(path);
  if (content === undefined) {
    throw new MasterKeyError(
      `No key file at ${path}. When the key comes from SCM_CONNECT_MASTER_KEY, rotate by putting a new key first ` +
        'in that list and keeping the old one after it.',
    );
  }
  return content;
}

/** Reads and checks the key file; `undefined` when it does not exist. */
function readKeyFile(path: string): KeyFileContent | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw new MasterKeyError(
      `Cannot open the key file ${path} (${errnoCode(error)}): check that it is readable.`,
    );
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new MasterKeyError(`The key file ${path} is not a regular file.`);
    const mode = stat.mode & 0o777;
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      throw new MasterKeyError(
        `The key file ${path} can be read by other users (mode ${mode.toString(8).padStart(4, '0')}): ` +
          `run \`chmod 600 ${path}\`.`,
      );
    }
    return parseKeyFile(readFileSync(fd, 'utf8'), path);
  } finally {
    closeSync(fd);
  }
}

function parseKeyFile(text: string, path: string): KeyFileContent {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return parseJsonKeyFile(trimmed, path);
  const keys: KeyInput[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `The key file ${path} line ${index + 1}`;
    const fields = line.split(/\s+/);
    if (fields.length > 2) throw new MasterKeyError(`${where} has more than "<key id> <base64 key>".`);
    if (fields.length === 1) {
      keys.push({ key: decodeKeyMaterial(fields[0]!, where) });
      return;
    }
    const [kid, key] = fields as [string, string];
    if (!isValidKid(kid)) {
      throw new MasterKeyError(
        `${where} has an invalid key id: use 1 to 64 characters from letters, digits, "-" and "_".`,
      );
    }
    keys.push({ kid, key: decodeKeyMaterial(key, where) });
  });
  if (keys.length === 0) {
    throw new MasterKeyError(
      `The key file ${path} holds no key: restore it from your backup, or delete it only if nothing was ever ` +
        'encrypted with it.',
    );
  }
  return { keys, format: 'lines' };
}

function parseJsonKeyFile(text: string, path: string): KeyFileContent {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new MasterKeyError(
      `The key file ${path} is not valid JSON: fix it or restore it from your backup.`,
    );
  }
  const parsed = jsonKeyFile.safeParse(json);
  if (!parsed.success) {
    throw new MasterKeyError(
      `The key file ${path} must hold {"keys": [{"kid": "...", "key": "<base64>"}]}: fix it or restore it from your backup.`,
    );
  }
  const entries = Array.isArray(parsed.data) ? parsed.data : parsed.data.keys;
  if (entries.length === 0) throw new MasterKeyError(`The key file ${path} holds no key.`);
  const keys = entries.map((entry, index): KeyInput => {
    const where = `The key file ${path} key ${index + 1}`;
    if (entry.kid !== undefined && !isValidKid(entry.kid)) {
      throw new MasterKeyError(
        `${where} has an invalid id: use 1 to 64 characters from letters, digits, "-" and "_".`,
      );
    }
    return { kid: entry.kid, key: decodeKeyMaterial(entry.key, where) };
  });
  return { keys, format: 'json' };
}

function serializeKeyFile(content: KeyFileContent): string {
  const entries = content.keys.map((k) => ({
    kid: k.kid ?? deriveKid(k.key),
    key: k.key.toString('base64'),
  }));
  if (content.format === 'json') return `${JSON.stringify({ keys: entries }, null, 2)}\n`;
  return [...FILE_HEADER, ...entries.map((e) => `${e.kid} ${e.key}`), ''].join('\n');
}

/**
 * Writes the key file with mode 0600. `create` never overwrites and returns false when the file already exists;
 * `replace` writes a temporary file next to it and renames it over the old one.
 */
function writeKeyFile(path: string, content: KeyFileContent, mode: 'create' | 'replace'): boolean {
  const target = mode === 'create' ? path : `${path}.${randomBytes(6).toString('hex')}.tmp`;
  let fd: number;
  try {
    fd = openSync(target, 'wx', 0o600);
  } catch (error) {
    if (mode === 'create' && isErrno(error, 'EEXIST')) return false;
    throw new MasterKeyError(
      `Cannot write the key file ${target} (${errnoCode(error)}): check the data directory.`,
    );
  }
  try {
    writeSync(fd, serializeKeyFile(content));
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(target, { force: true });
    throw new MasterKeyError(
      `Cannot write the key file ${target} (${errnoCode(error)}): check the data directory.`,
    );
  }
  closeSync(fd);
  if (mode === 'replace') renameSync(target, path);
  return true;
}

function isErrno(error: unknown, code: string): boolean {
  return errnoCode(error) === code;
}

function errnoCode(error: unknown): string {
  return error instanceof Error && 'code' in error && typeof error.code === 'string'
    ? error.code
    : 'unknown error';
}
