import { diffHunks, type DiffLine, type LineKind } from '../server/line-diff.js';

/*
 * The effective diff of a pull request as Data Center answers it (`GET …/pull-requests/{id}/diff`): one
 * `RestDiff` per changed file, `source` / `destination` as `RestPath` (null for an added / deleted file), hunks of
 * `CONTEXT`, `REMOVED` and `ADDED` segments whose lines carry both their source and destination numbers (the
 * twins' shared line diff; a missing newline at the end of a file is no change). A deleted file whose content
 * reappears under a new path is a move (git's exact rename detection), listed once with `source` the old path.
 */

type SegmentType = 'CONTEXT' | 'REMOVED' | 'ADDED';

const segmentType = { ' ': 'CONTEXT', '-': 'REMOVED', '+': 'ADDED' } as const satisfies Record<
  LineKind,
  SegmentType
>;

/** The default of Data Center's `contextLines`. */
export const defaultContextLines = 10;

/** Hunks of `context` unchanged lines around each change, each starting at its first line's numbers. */
function hunksOf(before: string, after: string, context: number) {
  return diffHunks(before, after, { context, ignoreEol: true }).map((hunk) => {
    const segments: { type: SegmentType; lines: DiffLine[] }[] = [];
    for (const line of hunk.lines) {
      const last = segments.at(-1);
      if (last?.type === segmentType[line.kind]) last.lines.push(line);
      else segments.push({ type: segmentType[line.kind], lines: [line] });
    }
    const first = hunk.lines[0]!;
    return {
      sourceLine: first.oldLine,
      sourceSpan: hunk.oldCount,
      destinationLine: first.newLine,
      destinationSpan: hunk.newCount,
      segments: segments.map((segment) => ({
        type: segment.type,
        lines: segment.lines.map((line) => ({
          source: line.oldLine,
          destination: line.newLine,
          line: line.text,
          truncated: false,
        })),
        truncated: false,
      })),
      truncated: false,
    };
  });
}

/** `RestPath`, with the `toString` Data Center adds (the whole path). */
export function restPath(path: string) {
  const components = path.split('/');
  const name = components.at(-1)!;
  const dot = name.lastIndexOf('.');
  return {
    components,
    parent: components.slice(0, -1).join('/'),
    name,
    ...(dot > 0 ? { extension: name.slice(dot + 1) } : {}),
    toString: path,
  };
}

/** The diff of every file between two trees (path → content), in path order. */
export function diffTrees(
  base: ReadonlyMap<string, string>,
  head: ReadonlyMap<string, string>,
  context = defaultContextLines,
) {
  const removed = [...base.keys()].filter((path) => !head.has(path));
  const added = new Set([...head.keys()].filter((path) => !base.has(path)));
  const moves = new Map<string, string>();
  for (const from of removed) {
    const to = [...added].find(
      (path) => head.get(path) === base.get(from) && ![...moves.values()].includes(path),
    );
    if (to !== undefined) moves.set(from, to);
  }
  const movedTo = new Set(moves.values());
  const entries: { source: string | undefined; destination: string | undefined }[] = [];
  for (const path of new Set([...base.keys(), ...head.keys()])) {
    if (movedTo.has(path)) continue;
    const moved = moves.get(path);
    if (moved !== undefined) entries.push({ source: path, destination: moved });
    else if (base.get(path) !== head.get(path))
      entries.push({
        source: base.has(path) ? path : undefined,
        destination: head.has(path) ? path : undefined,
      });
  }
  entries.sort((a, b) => (a.destination ?? a.source!).localeCompare(b.destination ?? b.source!));
  return entries.map(({ source, destination }) => {
    const before = source === undefined ? '' : (base.get(source) ?? '');
    const after = destination === undefined ? '' : (head.get(destination) ?? '');
    return {
      source: source === undefined ? null : restPath(source),
      destination: destination === undefined ? null : restPath(destination),
      hunks: hunksOf(before, after, context),
      truncated: false,
    };
  });
}
