import type { LineRange } from './provider.js';

/*
 * The hunks of a unified diff (`@@ -old,count +new,count @@` and their body), read for their new side: the lines
 * an inline comment may sit on. Each hunk's body is read by its header's counts (a count left out is 1), so a
 * content line such as `--- a/x` or `+++ b/y` is never taken for a header.
 */

/** A line of a diff's new side: an added line, or an unchanged context line. */
export interface NewSideLine {
  readonly newLine: number;
  readonly kind: 'added' | 'context';
  /** The line's number on the old side; null for an added line. */
  readonly oldLine: number | null;
  /** The old side's position at this line (for an added line, the old line that follows it), as GitLab's line codes count. */
  readonly oldPosition: number;
}

/** One hunk read from a diff's lines: its new-side lines, and the index of the first line after it. */
export interface ReadHunk {
  readonly lines: readonly NewSideLine[];
  readonly next: number;
}

const hunkHeader = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/**
 * The hunk whose header is `lines[at]`, or undefined when that line is not a hunk header. The body ends when the
 * header's counts are used up (a `\ No newline at end of file` right after it is part of the hunk) or at the first
 * line that cannot be part of it. A blank line counts as a context line whose leading space was stripped.
 */
export function readHunk(lines: readonly string[], at: number): ReadHunk | undefined {
  const header = hunkHeader.exec(lines[at] ?? '');
  if (!header) return undefined;
  // An empty side is `-0,0` or `+0,0`: an added file's lines keep old position 0, as GitLab's line codes do.
  let oldAt = Number(header[1]);
  let oldLeft = header[2] === undefined ? 1 : Number(header[2]);
  let newAt = Number(header[3]);
  let newLeft = header[4] === undefined ? 1 : Number(header[4]);
  const read: NewSideLine[] = [];
  let i = at + 1;
  for (; i < lines.length; i += 1) {
    const text = lines[i]!.replace(/\r$/, '');
    if (text.startsWith('\\')) continue;
    const mark = text === '' ? ' ' : text[0];
    if (mark === '+' && newLeft > 0) {
      read.push({ newLine: newAt, kind: 'added', oldLine: null, oldPosition: oldAt });
      newAt += 1;
      newLeft -= 1;
    } else if (mark === '-' && oldLeft > 0) {
      oldAt += 1;
      oldLeft -= 1;
    } else if (mark === ' ' && oldLeft > 0 && newLeft > 0) {
      read.push({ newLine: newAt, kind: 'context', oldLine: oldAt, oldPosition: oldAt });
      newAt += 1;
      oldAt += 1;
      newLeft -= 1;
      oldLeft -= 1;
    } else break;
  }
  return { lines: read, next: i };
}

/**
 * The new-side lines of a diff's hunks, in order: one file's hunks (GitHub's `patch`, GitLab's `diff`). Lines
 * outside a hunk are skipped; deleted lines and `\ No newline at end of file` have no new side.
 */
export function newSideLines(diff: string): NewSideLine[] {
  const lines = diff.split('\n');
  const read: NewSideLine[] = [];
  for (let i = 0; i < lines.length;) {
    const hunk = readHunk(lines, i);
    if (!hunk) {
      i += 1;
      continue;
    }
    read.push(...hunk.lines);
    i = hunk.next;
  }
  return read;
}

/** Line numbers (any order, repeats allowed) folded into inclusive ranges of consecutive lines, in order. */
export function toRanges(numbers: Iterable<number>): LineRange[] {
  const ranges: LineRange[] = [];
  for (const n of [...numbers].sort((a, b) => a - b)) {
    const last = ranges.at(-1);
    if (last && n <= last.end + 1)
      ranges[ranges.length - 1] = { start: last.start, end: Math.max(last.end, n) };
    else ranges.push({ start: n, end: n });
  }
  return ranges;
}

/** The new-side lines of one file's hunks as ranges: where a comment on the new side may sit. */
export const newSideRanges = (diff: string): LineRange[] =>
  toRanges(newSideLines(diff).map((line) => line.newLine));
