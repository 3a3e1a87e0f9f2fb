import type { PullRequestDiffFile } from '../provider.js';
import { readHunk, toRanges } from '../unified-diff.js';

/*
 * Reads the git-style unified diff Bitbucket Cloud answers "Compare two commits" with (`GET …/diff/{spec}`, the
 * target of a pull request's `…/diff` redirect): per changed file with a new side, the new-side lines of its
 * hunks, where an inline comment may sit. Deleted files are left out; renames are named by their new path
 * (`rename to`); a binary or mode-only change is listed with no commentable line. Hunks are read by their counts
 * (`../unified-diff.ts`), so a content line such as `--- a/x` or `diff --git …` is never taken for a header.
 */

/** A path as git writes it in a header: C-quoted when it has special characters. */
function unquote(path: string): string {
  if (!path.startsWith('"') || !path.endsWith('"')) return path;
  const escapes: Record<string, string> = { n: '\n', t: '\t', '"': '"', '\\': '\\' };
  const bytes: number[] = [];
  const inner = path.slice(1, -1);
  for (let i = 0; i < inner.length; i++) {
    const char = inner[i]!;
    if (char !== '\\') {
      bytes.push(...Buffer.from(char));
      continue;
    }
    const octal = /^[0-7]{3}/.exec(inner.slice(i + 1));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else {
      bytes.push(...Buffer.from(escapes[inner[i + 1] ?? ''] ?? inner[i + 1] ?? ''));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** `a/x` or `b/x` (or `/dev/null`) from a `---` / `+++` line. */
function sidePath(line: string): string | null {
  const raw = unquote(line.slice(4).replace(/\t.*$/, '').trim());
  if (raw === '/dev/null') return null;
  return raw.replace(/^[ab]\//, '');
}

/** The new path of `diff --git a/x b/y`, when the paths are plain. */
function headerPath(line: string): string | undefined {
  const rest = line.slice('diff --git '.length);
  const quoted = /^(?:"(?:[^"\\]|\\.)*"|\S+) ("(?:[^"\\]|\\.)*")$/.exec(rest);
  if (quoted) return unquote(quoted[1]!).replace(/^b\//, '');
  // Same old and new path (the usual case): `a/p b/p`, p may hold spaces.
  const half = (rest.length - 1) / 2;
  if (Number.isInteger(half) && rest.slice(2, half) === rest.slice(half + 3)) return rest.slice(half + 3);
  const match = / b\/(.+)$/.exec(rest);
  return match?.[1];
}

interface FileDraft {
  path: string | undefined;
  deleted: boolean;
  newLines: number[];
}

/** The files of a unified diff with the new-side lines of their hunks. */
export function parseUnifiedDiff(text: string): PullRequestDiffFile[] {
  const files: FileDraft[] = [];
  let current: FileDraft | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length;) {
    const hunk = current ? readHunk(lines, i) : undefined;
    if (current && hunk) {
      current.newLines.push(...hunk.lines.map((line) => line.newLine));
      i = hunk.next;
      continue;
    }
    const line = lines[i]!.replace(/\r$/, '');
    i += 1;
    if (line.startsWith('diff --git ')) {
      current = { path: headerPath(line), deleted: false, newLines: [] };
      files.push(current);
      continue;
    }
    if (!current) continue;
    if (line.startsWith('deleted file mode')) current.deleted = true;
    else if (line.startsWith('rename to ')) current.path = unquote(line.slice('rename to '.length));
    else if (line.startsWith('+++ ')) {
      const path = sidePath(line);
      if (path === null) current.deleted = true;
      else current.path = path;
    }
  }
  const byPath = new Map<string, number[]>();
  for (const file of files) {
    if (file.deleted || file.path === undefined) continue;
    byPath.set(file.path, [...(byPath.get(file.path) ?? []), ...file.newLines]);
  }
  return [...byPath].map(([path, newLines]) => ({ path, commentable: toRanges(newLines) }));
}

/** Whether lines `start`..`end` of `file` all lie in one range of its new-side lines. */
export function isCommentable(
  file: PullRequestDiffFile | undefined,
  start: number,
  end: number = start,
): boolean {
  if (!file) return false;
  if (file.commentable === 'whole-file') return true;
  return file.commentable.some((range) => range.start <= start && end <= range.end);
}
