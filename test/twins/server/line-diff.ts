/*
 * The line diff every SCM twin computes its pull request diffs with: the edit script of two texts (longest
 * common subsequence, a change's removals before its additions, as git prints them), its hunks with N lines of
 * context (changes whose contexts touch share a hunk), git's unified-diff text of those hunks, and git's default
 * rename test (half the lines the same). Each twin shapes the result into its vendor's answer.
 */

export type LineKind = ' ' | '-' | '+';

/** One line of a diff, numbered on both sides. */
export interface DiffLine {
  readonly kind: LineKind;
  readonly text: string;
  /** False for a file's last line when the file does not end with a newline. */
  readonly newline: boolean;
  /** The line's number in the old text (for an added line, the number of the old line after it). */
  readonly oldLine: number;
  /** The line's number in the new text (for a removed line, the number of the new line after it). */
  readonly newLine: number;
}

export interface Hunk {
  /** As git's `@@` header writes it: the line before the hunk when `oldCount` is 0. */
  readonly oldStart: number;
  readonly oldCount: number;
  /** As git's `@@` header writes it: the line before the hunk when `newCount` is 0. */
  readonly newStart: number;
  readonly newCount: number;
  readonly lines: readonly DiffLine[];
}

export interface DiffOptions {
  /** Unchanged lines shown around each change (git's default, 3, when absent). */
  readonly context?: number;
  /** Treat a missing newline at the end of a file as no change (and never mark it). */
  readonly ignoreEol?: boolean;
}

interface Line {
  readonly text: string;
  readonly newline: boolean;
}

function splitLines(content: string, ignoreEol: boolean): Line[] {
  if (content === '') return [];
  const parts = content.split('\n');
  const last = parts.pop()!;
  const lines = parts.map((text) => ({ text, newline: true }));
  if (last !== '') lines.push({ text: last, newline: ignoreEol });
  return lines;
}

const same = (a: Line, b: Line) => a.text === b.text && a.newline === b.newline;

/** The edit script from `before` to `after`, every line numbered on both sides. */
export function editScript(before: string, after: string, options: DiffOptions = {}): DiffLine[] {
  const a = splitLines(before, options.ignoreEol ?? false);
  const b = splitLines(after, options.ignoreEol ?? false);
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: the length of the longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] = same(a[i]!, b[j]!) ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const script: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    const numbers = { oldLine: i + 1, newLine: j + 1 };
    if (i < n && j < m && same(a[i]!, b[j]!)) {
      script.push({ kind: ' ', ...a[i]!, ...numbers });
      i++;
      j++;
    } else if (i < n && (j >= m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      script.push({ kind: '-', ...a[i]!, ...numbers });
      i++;
    } else {
      script.push({ kind: '+', ...b[j]!, ...numbers });
      j++;
    }
  }
  return script;
}

/** The hunks of the change from `before` to `after` (none when they are the same). */
export function diffHunks(before: string, after: string, options: DiffOptions = {}): Hunk[] {
  const context = options.context ?? 3;
  const script = editScript(before, after, options);
  const windows: [number, number][] = [];
  script.forEach((line, index) => {
    if (line.kind === ' ') return;
    const from = Math.max(0, index - context);
    const to = Math.min(script.length - 1, index + context);
    const last = windows.at(-1);
    if (last && from <= last[1] + 1) last[1] = to;
    else windows.push([from, to]);
  });
  return windows.map(([from, to]) => {
    const lines = script.slice(from, to + 1);
    const first = lines[0]!;
    const oldCount = lines.filter((line) => line.kind !== '+').length;
    const newCount = lines.filter((line) => line.kind !== '-').length;
    return {
      oldStart: oldCount === 0 ? first.oldLine - 1 : first.oldLine,
      oldCount,
      newStart: newCount === 0 ? first.newLine - 1 : first.newLine,
      newCount,
      lines,
    };
  });
}

const range = (start: number, count: number) => (count === 1 ? `${start}` : `${start},${count}`);

/** Hunks as git prints them after a file's header lines, every line ending in a newline. */
export function renderHunks(hunks: readonly Hunk[]): string {
  let out = '';
  for (const hunk of hunks) {
    out += `@@ -${range(hunk.oldStart, hunk.oldCount)} +${range(hunk.newStart, hunk.newCount)} @@\n`;
    for (const line of hunk.lines) {
      out += `${line.kind}${line.text}\n`;
      if (!line.newline) out += '\\ No newline at end of file\n';
    }
  }
  return out;
}

/** Whether git would pair a deleted and an added text as a rename: at least half their lines the same. */
export function similar(before: string, after: string, options: DiffOptions = {}): boolean {
  const script = editScript(before, after, options);
  const common = script.filter((line) => line.kind === ' ').length;
  const total = Math.max(
    script.filter((line) => line.kind !== '+').length,
    script.filter((line) => line.kind !== '-').length,
  );
  return total === 0 || common * 2 >= total;
}
