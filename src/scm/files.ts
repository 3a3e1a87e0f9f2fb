import { createHash } from 'node:crypto';
import { isScmError, ScmError } from './errors.js';
import type { ScmFile, ScmRepositoryRef } from './provider.js';

/*
 * What every `FileReader` shares: the checks made before any call (commit id, a path that stays inside the
 * repository), the size limit, path encoding, git's blob id, and telling a missing file from an unknown
 * repository or commit. Adapters supply only their endpoints.
 */

/** The largest file `readFile` returns: 5 MiB. A larger one rejects `too-large` / `file_too_large`. */
export const maxFileBytes = 5 * 1024 * 1024;

/**
 * The answer cap for a file sent base64-encoded inside JSON (4/3 of the file, line breaks, fields): twice the
 * file limit. The decoded size is checked against {@link maxFileBytes} afterwards.
 */
export const maxEncodedFileAnswerBytes = 2 * maxFileBytes;

/** A file request after its checks: the commit id in lower case and the path's segments, unencoded. */
export interface FileTarget {
  readonly commitSha: string;
  readonly segments: readonly string[];
  /** The segments joined with `/`: `src/app.ts`. */
  readonly path: string;
}

const commitPattern = /^[0-9a-f]{7,64}$/i;

const invalidInput = (code: string, message: string, fix: string): ScmError =>
  new ScmError('invalid', message, { code, fix });

const shown = (value: string): string => JSON.stringify(value.slice(0, 200));

/**
 * Checks a commit id and a repository-relative path before anything is sent. Refused (`invalid`): a commit id
 * that is not 7–64 hex digits (a branch name moves), an absolute path (`/x`, `\x`, `C:\x`), a `..` segment
 * (also between backslashes, which some servers read as separators), a NUL or other control character, and an
 * empty path. Empty and `.` segments are dropped, as a file link does.
 */
export function checkFileTarget(commitSha: string, path: string): FileTarget {
  if (!commitPattern.test(commitSha)) {
    throw invalidInput(
      'invalid_commit_sha',
      `${shown(commitSha)} is not a commit id: files are read at a commit (7 to 64 hexadecimal digits).`,
      'Pass the commit id the scan ran on, not a branch or tag name.',
    );
  }
  const fix = 'Pass the path relative to the repository root, with `/` between directories.';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (/[\u0000-\u001f\u007f]/.test(path)) {
    throw invalidInput('invalid_path', 'The file path contains a control character.', fix);
  }
  if (/^[/\\]/.test(path) || /^[A-Za-z]:/.test(path)) {
    throw invalidInput('invalid_path', `The file path ${shown(path)} is absolute.`, fix);
  }
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.some((segment) => segment.split('\\').includes('..'))) {
    throw invalidInput(
      'invalid_path',
      `The file path ${shown(path)} leaves its directory (\`..\`), which scm-connect never follows.`,
      fix,
    );
  }
  if (segments.length === 0) throw invalidInput('invalid_path', 'The file path is empty.', fix);
  return { commitSha: commitSha.toLowerCase(), segments, path: segments.join('/') };
}

/** The path for a URL: each segment percent-encoded, joined by `/` (a `/` never survives inside a segment). */
export const encodePath = (target: Pick<FileTarget, 'segments'>): string =>
  target.segments.map((segment) => encodeURIComponent(segment)).join('/');

/** Git's blob id of `content` (sha1 of `blob {length}\0{content}`): what `git hash-object` prints. */
export const gitBlobId = (content: Buffer): string =>
  createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');

const mebibytes = (bytes: number): string => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;

/** The file is over {@link maxFileBytes} (its size when the SCM said it). */
export function fileTooLarge(path: string, size?: number): ScmError {
  const what = size === undefined ? 'is larger than' : `is ${mebibytes(size)}, over`;
  return new ScmError(
    'too-large',
    `The file ${shown(path)} ${what} the ${mebibytes(maxFileBytes)} scm-connect reads per file.`,
    {
      code: 'file_too_large',
      fix: `Files over ${mebibytes(maxFileBytes)} are not read: findings in them are identified without the file's content.`,
    },
  );
}

/** Returns `file` when it is within the limit; rejects {@link fileTooLarge} otherwise. */
export function withinLimit(path: string, file: ScmFile): ScmFile {
  if (file.content.length > maxFileBytes) throw fileTooLarge(path, file.content.length);
  return file;
}

/** Runs a download, turning the HTTP layer's size cap (`response_too_large`) into {@link fileTooLarge}. */
export async function capped<T>(path: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isScmError(error) && error.kind === 'too-large' && error.code === 'response_too_large') {
      throw fileTooLarge(path);
    }
    throw error;
  }
}

/** The repository (or the commit in it) is unknown, or the connection cannot see it. */
export function unknownCommit(repository: ScmRepositoryRef, commitSha: string): ScmError {
  return new ScmError(
    'not-found',
    `${shown(repository.fullName)} has no commit ${commitSha}, or the connection cannot see the repository.`,
    {
      code: 'commit_not_found',
      fix: 'Check that the commit was pushed to this repository and that the connection may read it.',
    },
  );
}

/**
 * After the SCM answered "not found" for a file: resolves undefined when the commit exists (the file is not
 * there), rejects {@link unknownCommit} when it does not. `commitExists` makes the SCM's commit call and
 * resolves false for its "not found"; other failures reject as they are.
 */
export async function missingFile(
  repository: ScmRepositoryRef,
  target: FileTarget,
  commitExists: () => Promise<boolean>,
): Promise<undefined> {
  if (await commitExists()) return undefined;
  throw unknownCommit(repository, target.commitSha);
}

/** Whether an error is the SCM's "not found" (404, 410), as the HTTP layer or an adapter maps it. */
export const isNotFound = (error: unknown): boolean => isScmError(error) && error.kind === 'not-found';
