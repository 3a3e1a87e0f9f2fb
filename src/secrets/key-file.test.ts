import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addKeyToFile, keyFilePath, loadKeyring, removeKeyFromFile } from './key-file.js';
import { MasterKeyError, deriveKid } from './keyring.js';
import { createSecretBox } from './secret-box.js';

const posix = process.platform !== 'win32';
const AAD = 'account:1:connection:2:token';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'scm-connect-keys-'));
});
afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

const modeOf = (path: string) => statSync(path).mode & 0o777;

function writeKeyFile(text: string, mode = 0o600): string {
  const path = keyFilePath(dataDir);
  writeFileSync(path, text, { mode });
  chmodSync(path, mode);
  return path;
}

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(MasterKeyError);
    return (error as Error).message;
  }
  throw new Error('expected a MasterKeyError');
}

describe('loadKeyring', () => {
  it('K8: creates the key file with mode 0600 on first run and reads the same key afterwards', () => {
    const nested = join(dataDir, 'data');
    const created = loadKeyring({ dataDir: nested, createIfMissing: true });
    const path = keyFilePath(nested);
    expect(created.origin).toBe('new-key-file');
    expect(created.primary.key).toHaveLength(32);
    if (posix) expect(modeOf(path)).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toContain(
      `${created.primary.kid} ${created.primary.key.toString('base64')}`,
    );

    const again = loadKeyring({ dataDir: nested, createIfMissing: true });
    expect(again.origin).toBe('key-file');
    expect(again.primary.kid).toBe(created.primary.kid);
    expect(again.primary.key.equals(created.primary.key)).toBe(true);
  });

  it('K8: refuses to start without a key when it may not create one', () => {
    expect(messageOf(() => loadKeyring({ dataDir, createIfMissing: false }))).toMatch(
      /SCM_CONNECT_MASTER_KEY/,
    );
    expect(existsSync(keyFilePath(dataDir))).toBe(false);
  });

  it('the environment wins over the key file and no file is created', () => {
    const key = randomBytes(32);
    const keyring = loadKeyring({ envValue: key.toString('base64'), dataDir, createIfMissing: true });
    expect(keyring.origin).toBe('env');
    expect(keyring.primary.key.equals(key)).toBe(true);
    expect(existsSync(keyFilePath(dataDir))).toBe(false);
  });

  it('K8: refuses an env value that is set but empty, short or malformed, never falling back to the file', () => {
    loadKeyring({ dataDir, createIfMissing: true });
    const short = randomBytes(16).toString('base64');
    expect(messageOf(() => loadKeyring({ envValue: ' ', dataDir, createIfMissing: true }))).toMatch(/empty/);
    const message = messageOf(() => loadKeyring({ envValue: short, dataDir, createIfMissing: true }));
    expect(message).toMatch(/16 bytes/);
    expect(message).not.toContain(short);
  });

  it('reads several keys, first primary, in the lines format with comments and derived ids', () => {
    const [a, b] = [randomBytes(32), randomBytes(32)];
    writeKeyFile(`# comment\n\nk-new ${a.toString('base64')}\n${b.toString('hex')}\n`);
    const keyring = loadKeyring({ dataDir, createIfMissing: false });
    expect(keyring.keys.map((k) => k.kid)).toEqual(['k-new', deriveKid(b)]);
    expect(keyring.primary.key.equals(a)).toBe(true);
  });

  it.each([
    [
      '{"keys": [...]}',
      (a: Buffer, b: Buffer) => ({
        keys: [{ kid: 'a', key: a.toString('base64') }, { key: b.toString('hex') }],
      }),
    ],
    [
      'a bare array',
      (a: Buffer, b: Buffer) => [{ kid: 'a', key: a.toString('base64') }, { key: b.toString('hex') }],
    ],
  ])('reads the JSON format as %s', (_name, build) => {
    const [a, b] = [randomBytes(32), randomBytes(32)];
    writeKeyFile(JSON.stringify(build(a, b)));
    const keyring = loadKeyring({ dataDir, createIfMissing: false });
    expect(keyring.keys.map((k) => k.kid)).toEqual(['a', deriveKid(b)]);
  });

  it.runIf(posix).each([0o644, 0o640, 0o604, 0o660, 0o666])(
    'K8: refuses a key file with mode %o and says how to fix it',
    (mode) => {
      const key = randomBytes(32).toString('base64');
      const path = writeKeyFile(`k1 ${key}\n`, mode);
      const message = messageOf(() => loadKeyring({ dataDir, createIfMissing: true }));
      expect(message).toContain(`chmod 600 ${path}`);
      expect(message).not.toContain(key);
    },
  );

  it.runIf(posix)('accepts a read-only key file (0400)', () => {
    writeKeyFile(`k1 ${randomBytes(32).toString('base64')}\n`, 0o400);
    expect(loadKeyring({ dataDir, createIfMissing: false }).primary.kid).toBe('k1');
  });

  const short = randomBytes(16).toString('base64');
  const good = randomBytes(32).toString('base64');
  it.each([
    ['an empty file', '', /holds no key/],
    ['only comments', '# nothing\n', /holds no key/],
    ['a short key', `k1 ${short}\n`, /line 1 decodes to 16 bytes/],
    ['a wrong-length hex key', `k1 ${'ab'.repeat(31)}\n`, /line 1 is 62 hex characters/],
    ['bad base64', `# c\nk1 ${good.slice(0, 20)}!!${good.slice(22)}\n`, /line 2 is neither hex nor base64/],
    ['three fields on a line', `k1 ${good} extra\n`, /more than/],
    ['a bad key id', `k:1 ${good}\n`, /invalid key id/],
    [
      'a duplicated key id',
      `k1 ${good}\nk1 ${randomBytes(32).toString('base64')}\n`,
      /Two master keys have the id "k1"/,
    ],
    ['broken JSON', `{"keys": [{"kid": "k1", "key": "${good}"`, /not valid JSON/],
    ['JSON of the wrong shape', JSON.stringify({ primary: good }), /must hold/],
    [
      'JSON with a short key',
      JSON.stringify({ keys: [{ kid: 'k1', key: short }] }),
      /key 1 decodes to 16 bytes/,
    ],
    ['JSON with no keys', JSON.stringify({ keys: [] }), /holds no key/],
  ])('K8: refuses a key file with %s, without echoing its content', (_name, content, expected) => {
    writeKeyFile(content);
    const message = messageOf(() => loadKeyring({ dataDir, createIfMissing: true }));
    expect(message).toMatch(expected);
    for (const token of content.split(/[\s"{}[\]:,]+/).filter((t) => t.length >= 8)) {
      expect(message).not.toContain(token);
    }
    expect(readFileSync(keyFilePath(dataDir), 'utf8')).toBe(content);
  });
});

describe('addKeyToFile / removeKeyFromFile', () => {
  it('rotation: the new key becomes primary, old values still decrypt and need a rewrap, the file stays 0600', () => {
    const first = loadKeyring({ dataDir, createIfMissing: true });
    const oldValue = createSecretBox(first).encrypt('token-1', AAD);

    const { kid } = addKeyToFile(dataDir);
    const rotated = loadKeyring({ dataDir, createIfMissing: false });
    expect(rotated.primary.kid).toBe(kid);
    expect(rotated.keys.map((k) => k.kid)).toEqual([kid, first.primary.kid]);
    if (posix) expect(modeOf(keyFilePath(dataDir))).toBe(0o600);
    expect(readdirSync(dataDir)).toEqual(['master.key']);

    const box = createSecretBox(rotated);
    expect(box.decrypt(oldValue, AAD)).toBe('token-1');
    expect(box.needsRewrap(oldValue)).toBe(true);
    const newValue = box.encrypt('token-1', AAD);
    expect(newValue.split(':')[1]).toBe(kid);
    expect(box.needsRewrap(newValue)).toBe(false);

    removeKeyFromFile(dataDir, first.primary.kid);
    const after = loadKeyring({ dataDir, createIfMissing: false });
    expect(after.keys.map((k) => k.kid)).toEqual([kid]);
    expect(createSecretBox(after).decrypt(newValue, AAD)).toBe('token-1');
    expect(() => createSecretBox(after).decrypt(oldValue, AAD)).toThrow(/not in the keyring/);
  });

  it('keeps the JSON format of a JSON key file', () => {
    writeKeyFile(JSON.stringify({ keys: [{ kid: 'k1', key: randomBytes(32).toString('base64') }] }));
    const { kid } = addKeyToFile(dataDir);
    const json: unknown = JSON.parse(readFileSync(keyFilePath(dataDir), 'utf8'));
    expect(json).toMatchObject({ keys: [{ kid }, { kid: 'k1' }] });
  });

  it('refuses to remove the primary key or a key that is not there', () => {
    const keyring = loadKeyring({ dataDir, createIfMissing: true });
    const before = readFileSync(keyFilePath(dataDir), 'utf8');
    expect(messageOf(() => removeKeyFromFile(dataDir, keyring.primary.kid))).toMatch(/primary key/);
    expect(messageOf(() => removeKeyFromFile(dataDir, 'nope'))).toMatch(/No key "nope"/);
    expect(readFileSync(keyFilePath(dataDir), 'utf8')).toBe(before);
  });

  it('refuses to rotate without a key file, or with an unsafe one', () => {
    expect(messageOf(() => addKeyToFile(dataDir))).toMatch(/No key file/);
    expect(existsSync(keyFilePath(dataDir))).toBe(false);
    if (posix) {
      writeKeyFile(`k1 ${randomBytes(32).toString('base64')}\n`, 0o644);
      expect(messageOf(() => addKeyToFile(dataDir))).toMatch(/chmod 600/);
    }
  });
});
