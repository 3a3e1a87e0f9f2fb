/*
 * A suggestion the author can apply: the lines of a comment as they read after the log's fix (SARIF
 * `fixes[].artifactChanges[].replacements`). Regions are 1-based, end column exclusive; a region without columns
 * is whole lines.
 */

interface Replacement {
  readonly startLine: number | null;
  readonly startColumn: number | null;
  readonly endLine: number | null;
  readonly endColumn: number | null;
  readonly insertedText: string | null;
}

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
const int = (value: unknown): number | null =>
  typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** The replacements of the first fix that changes only `path`, and only within `startLine`–`endLine`. */
function replacementsFor(
  fixes: unknown,
  path: string,
  startLine: number,
  endLine: number,
): Replacement[] | undefined {
  for (const fixValue of list(fixes)) {
    const changes = list(asRecord(fixValue).changes).map(asRecord);
    if (changes.length !== 1 || changes[0]!.path !== path) continue;
    const replacements = list(changes[0]!.replacements).map((value): Replacement => {
      const r = asRecord(value);
      return {
        startLine: int(r.startLine),
        startColumn: int(r.startColumn),
        endLine: int(r.endLine),
        endColumn: int(r.endColumn),
        insertedText: typeof r.insertedText === 'string' ? r.insertedText : null,
      };
    });
    const inside = replacements.every(
      (r) => r.startLine !== null && r.startLine >= startLine && (r.endLine ?? r.startLine) <= endLine,
    );
    if (replacements.length > 0 && inside) return replacements;
  }
  return undefined;
}

/**
 * Lines `startLine`–`endLine` of `path` after the fix stored with the finding (`details.fixes`), joined by `\n`;
 * undefined when no fix fits those lines. `source` (the file's lines at the commit) is needed for a fix that
 * changes part of a line; whole-line fixes work without it.
 */
export function suggestedLines(
  fixes: unknown,
  location: { readonly path: string; readonly startLine: number; readonly endLine: number },
  source?: readonly string[],
): string | undefined {
  const { path, startLine, endLine } = location;
  const replacements = replacementsFor(fixes, path, startLine, endLine);
  if (!replacements) return undefined;
  const original = source?.slice(startLine - 1, endLine);
  if (!original || original.length !== endLine - startLine + 1) {
    // Without the file, only one replacement of exactly these whole lines can be shown.
    const only = replacements.length === 1 ? replacements[0]! : undefined;
    if (
      !only ||
      only.startColumn !== null ||
      only.endColumn !== null ||
      only.startLine !== startLine ||
      (only.endLine ?? only.startLine) !== endLine
    ) {
      return undefined;
    }
    return (only.insertedText ?? '').replace(/\r?\n$/, '');
  }
  const block = `${original.join('\n')}\n`;
  const offsets: number[] = [];
  let at = 0;
  for (const line of original) {
    offsets.push(at);
    at += line.length + 1;
  }
  const offsetOf = (line: number, column: number) => offsets[line - startLine]! + column - 1;
  const spans = replacements.map((r) => {
    const first = r.startLine!;
    const last = r.endLine ?? first;
    const start = offsetOf(first, r.startColumn ?? 1);
    const end =
      r.endColumn !== null
        ? offsetOf(last, r.endColumn)
        : r.startColumn === null
          ? offsets[last - startLine]! + original[last - startLine]!.length + 1
          : offsets[last - startLine]! + original[last - startLine]!.length;
    return { start, end, text: r.insertedText ?? '' };
  });
  spans.sort((a, b) => b.start - a.start);
  let text = block;
  let limit = block.length;
  for (const span of spans) {
    if (span.start > span.end || span.end > limit) return undefined;
    text = text.slice(0, span.start) + span.text + text.slice(span.end);
    limit = span.start;
  }
  return text.replace(/\r?\n$/, '');
}
