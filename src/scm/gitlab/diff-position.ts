import { createHash } from 'node:crypto';
import { ScmError } from '../errors.js';
import type { InlinePosition } from '../provider.js';
import type { NewSideLine } from '../unified-diff.js';
import type { GitLabDiffPosition } from './merge-request-client.js';
import type { MergeRequestDiff } from './merge-request-diff.js';

/** GitLab's line code: the SHA-1 of the file's path, the old-side position and the new line. */
const lineCode = (path: string, line: NewSideLine) =>
  `${createHash('sha1').update(path).digest('hex')}_${line.oldPosition}_${line.newLine}`;

export const notInDiff = (message: string) =>
  new ScmError('invalid', message, {
    code: 'line_not_in_diff',
    fix: 'Put the comment in the summary instead, or place it on a line the merge request changes.',
  });

/**
 * The diff position of an inline comment, as "Create a new thread in the merge request diff" asks for it: the
 * three `diff_refs`, both paths, `new_line`, and `old_line` too on an unchanged line (GitLab finds the diff line
 * by both numbers); a range adds `line_range` with the line codes of its first and last line.
 */
export function diffPosition(diff: MergeRequestDiff, position: InlinePosition): GitLabDiffPosition {
  const { path, line, startLine, commitSha } = position;
  if (
    !Number.isInteger(line) ||
    line < 1 ||
    (startLine !== undefined && (!Number.isInteger(startLine) || startLine < 1 || startLine > line))
  ) {
    throw new ScmError(
      'invalid',
      `Line ${startLine ?? ''}${startLine === undefined ? '' : '–'}${line} is not a valid line range.`,
      {
        code: 'invalid_position',
      },
    );
  }
  if (commitSha.toLowerCase() !== diff.refs.head.toLowerCase()) {
    throw notInDiff(
      `The merge request's head is now ${diff.refs.head.slice(0, 12)}, not ${commitSha.slice(0, 12)}.`,
    );
  }
  const file = diff.files.get(path);
  if (!file) throw notInDiff(`\`${path}\` is not among the files the merge request changes.`);
  const first = startLine ?? line;
  for (let at = first; at <= line; at += 1) {
    if (!file.lines.has(at))
      throw notInDiff(`Line ${at} of \`${path}\` is not part of the merge request's diff.`);
  }
  const end = file.lines.get(line)!;
  const start = file.lines.get(first)!;
  return {
    position_type: 'text',
    base_sha: diff.refs.base,
    start_sha: diff.refs.start,
    head_sha: diff.refs.head,
    old_path: file.oldPath,
    new_path: path,
    new_line: line,
    ...(end.oldLine === null ? {} : { old_line: end.oldLine }),
    ...(first < line
      ? {
          line_range: {
            start: { line_code: lineCode(path, start), type: 'new' as const },
            end: { line_code: lineCode(path, end), type: 'new' as const },
          },
        }
      : {}),
  };
}

/** The first line of a range from a note's `line_range` start line code (`…_old_new`). */
export function rangeStart(code: string | null | undefined): number | undefined {
  const match = code ? /_(\d+)$/.exec(code) : null;
  return match ? Number(match[1]) : undefined;
}
