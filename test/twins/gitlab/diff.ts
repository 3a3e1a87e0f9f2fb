import { diffHunks, renderHunks, similar } from '../server/line-diff.js';

/*
 * Git's unified diff of two trees, as GitLab's merge request `diffs` show it: per file `old_path`, `new_path`,
 * `new_file`, `renamed_file`, `deleted_file` and the `diff` text (hunks only, three lines of context, the
 * `@@ -a,b +c,d @@` header with `,1` left out, `\ No newline at end of file`). Renames are paired when at least
 * half the lines are the same (git's default similarity index, 50 %).
 */

export interface FileDiff {
  readonly oldPath: string;
  readonly newPath: string;
  readonly newFile: boolean;
  readonly renamedFile: boolean;
  readonly deletedFile: boolean;
  readonly diff: string;
}

/** A diff line of one file: its kind, and its number on each side where it has one. */
export interface DiffLine {
  readonly kind: ' ' | '+' | '-';
  readonly text: string;
  /** The old side's position (for an added line, the old line after it), as GitLab's line codes count. */
  readonly oldPos: number;
  /** The new side's position (for a removed line, the new line after it). */
  readonly newPos: number;
}

/** A file's `diff` text: git's hunks after the file header lines. */
const diffText = (before: string, after: string) => renderHunks(diffHunks(before, after));

/** The lines of a file's diff text with their positions on both sides, as GitLab's diff parser numbers them. */
export function diffLines(diff: string): DiffLine[] {
  const out: DiffLine[] = [];
  let oldAt = 0;
  let newAt = 0;
  for (const text of diff.split('\n')) {
    const header = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(text);
    if (header) {
      oldAt = Number(header[1]);
      newAt = Number(header[2]);
      continue;
    }
    const kind = text[0];
    if (kind !== ' ' && kind !== '+' && kind !== '-') continue;
    out.push({ kind, text: text.slice(1), oldPos: oldAt, newPos: newAt });
    if (kind !== '+') oldAt++;
    if (kind !== '-') newAt++;
  }
  return out;
}

/** Every file that differs between two trees (path → content), renames paired, in path order. */
export function diffTrees(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): FileDiff[] {
  const removed = [...before.keys()].filter((path) => !after.has(path)).sort();
  const added = [...after.keys()].filter((path) => !before.has(path)).sort();
  const renames = new Map<string, string>();
  for (const to of added) {
    const from = removed.find(
      (candidate) =>
        ![...renames.values()].includes(candidate) && similar(before.get(candidate)!, after.get(to)!),
    );
    if (from !== undefined) renames.set(to, from);
  }
  const renamedFrom = new Set(renames.values());
  const files: FileDiff[] = [];
  for (const path of [...after.keys()].sort()) {
    const from = renames.get(path);
    const old = from === undefined ? before.get(path) : before.get(from);
    if (old === after.get(path) && from === undefined) continue;
    files.push({
      oldPath: from ?? path,
      newPath: path,
      newFile: old === undefined,
      renamedFile: from !== undefined,
      deletedFile: false,
      diff: diffText(old ?? '', after.get(path)!),
    });
  }
  for (const path of removed) {
    if (renamedFrom.has(path)) continue;
    files.push({
      oldPath: path,
      newPath: path,
      newFile: false,
      renamedFile: false,
      deletedFile: true,
      diff: diffText(before.get(path)!, ''),
    });
  }
  return files;
}
