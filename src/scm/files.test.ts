import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isScmError, ScmError } from './errors.js';
import {
  capped,
  checkFileTarget,
  encodePath,
  fileTooLarge,
  gitBlobId,
  maxFileBytes,
  missingFile,
  withinLimit,
} from './files.js';

const sha = '0123456789abcdef0123456789abcdef01234567';
const repository = { externalId: '1', fullName: 'acme/web-shop' };

function refusal(run: () => unknown): ScmError {
  try {
    run();
  } catch (error) {
    if (isScmError(error)) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('checkFileTarget', () => {
  it.each([
    ['src/app.ts', ['src', 'app.ts'], 'src/app.ts'],
    ['./src//app.ts', ['src', 'app.ts'], 'src/app.ts'],
    ['src/', ['src'], 'src'],
    ['a b/c#d?.ts', ['a b', 'c#d?.ts'], 'a b/c#d?.ts'],
    ['..a/b..', ['..a', 'b..'], '..a/b..'],
    ['dir\\file.ts', ['dir\\file.ts'], 'dir\\file.ts'],
    ['%2e%2e/x', ['%2e%2e', 'x'], '%2e%2e/x'],
  ])('accepts %j as %j', (path, segments, joined) => {
    expect(checkFileTarget(sha.toUpperCase(), path)).toEqual({ commitSha: sha, segments, path: joined });
  });

  it.each([
    ['../x', 'invalid_path'],
    ['src/../../x', 'invalid_path'],
    ['src/..', 'invalid_path'],
    ['src\\..\\..\\x', 'invalid_path'],
    ['/etc/passwd', 'invalid_path'],
    ['\\\\server\\share', 'invalid_path'],
    ['C:\\x', 'invalid_path'],
    ['c:/x', 'invalid_path'],
    ['', 'invalid_path'],
    ['./', 'invalid_path'],
    ['a\u0000b', 'invalid_path'],
    ['a\nb', 'invalid_path'],
  ])('refuses the path %j (%s)', (path, code) => {
    const error = refusal(() => checkFileTarget(sha, path));
    expect([error.kind, error.code]).toEqual(['invalid', code]);
    expect(error.fix).toBeTruthy();
  });

  it.each(['main', 'refs/heads/main', 'abc12', 'g123456', `${sha}0`.repeat(2), ''])(
    'refuses %j as a commit id',
    (commit) => {
      const error = refusal(() => checkFileTarget(commit, 'src/app.ts'));
      expect([error.kind, error.code]).toEqual(['invalid', 'invalid_commit_sha']);
    },
  );
});

describe('encodePath', () => {
  it.each([
    [['src', 'app.ts'], 'src/app.ts'],
    [['a b', 'c#d?.ts'], 'a%20b/c%23d%3F.ts'],
    [['100%', 'ü.txt'], '100%25/%C3%BC.txt'],
    [['%2e%2e', 'x'], '%252e%252e/x'],
  ])('encodes %j as %s', (segments, encoded) => {
    expect(encodePath({ segments })).toBe(encoded);
  });
});

describe('gitBlobId', () => {
  it.each([
    ['', 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391'],
    ['hello\n', 'ce013625030ba8dba906f756967f9e9ca394464a'],
  ])('is the id git gives %j', (text, id) => {
    expect(gitBlobId(Buffer.from(text))).toBe(id);
  });

  it('matches `git hash-object` on binary content', () => {
    const content = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
    let expected: string;
    try {
      expected = execFileSync('git', ['hash-object', '--stdin'], { input: content }).toString().trim();
    } catch {
      return; // no git on this machine: the fixed vectors above still hold
    }
    expect(gitBlobId(content)).toBe(expected);
  });
});

describe('the size limit', () => {
  it('names the file, its size and the limit', () => {
    const error = fileTooLarge('big/data.json', 7 * 1024 * 1024);
    expect([error.kind, error.code]).toEqual(['too-large', 'file_too_large']);
    expect(error.message).toContain('big/data.json');
    expect(error.message).toContain('7 MiB');
    expect(error.message).toContain('5 MiB');
  });

  it('passes a file at the limit and refuses one byte more', () => {
    const at = { content: Buffer.alloc(maxFileBytes), blobId: 'x' };
    expect(withinLimit('a', at)).toBe(at);
    expect(
      refusal(() => withinLimit('a', { content: Buffer.alloc(maxFileBytes + 1), blobId: 'x' })).code,
    ).toBe('file_too_large');
  });

  it('turns the HTTP layer size cap into the file limit, and leaves other errors alone', async () => {
    const transport = new ScmError('too-large', 'The answer is larger than this server accepts.', {
      code: 'response_too_large',
    });
    await expect(capped('a.bin', () => Promise.reject(transport))).rejects.toMatchObject({
      code: 'file_too_large',
    });
    const pages = new ScmError('too-large', 'too many pages', { code: 'too_many_pages' });
    await expect(capped('a.bin', () => Promise.reject(pages))).rejects.toBe(pages);
  });
});

describe('missingFile', () => {
  const target = checkFileTarget(sha, 'src/app.ts');

  it('is undefined when the commit exists', async () => {
    await expect(missingFile(repository, target, async () => true)).resolves.toBeUndefined();
  });

  it('rejects not-found naming the repository and commit when it does not', async () => {
    const error = await missingFile(repository, target, async () => false).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'not-found', code: 'commit_not_found' });
    expect((error as Error).message).toContain('acme/web-shop');
    expect((error as Error).message).toContain(sha);
  });
});
