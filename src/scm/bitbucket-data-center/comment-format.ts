import type { CommentFormat, InlinePosition } from '../provider.js';

/**
 * The longest comment text scm-connect sends. Data Center documents no limit for comment text (Code Insights
 * annotations stop at 2,000 characters); 32,768 keeps well inside what its database column holds.
 */
export const bbdcMaxCommentLength = 32_768;

/** The title delimiters of a CommonMark link reference definition, in order of preference. */
const titleForms: readonly (readonly [string, string])[] = [
  ['(', ')'],
  ['"', '"'],
  ["'", "'"],
];

/**
 * Data Center renders CommonMark and escapes every HTML tag, so an HTML comment would show. A link reference
 * definition that nothing refers to (`[//]: # (text)`) renders as nothing; the title keeps `text` verbatim
 * unless the text holds every delimiter, when the parentheses are escaped. It must start a block of its own:
 * put a blank line before it (a definition cannot interrupt a paragraph), and `text` must hold no blank line.
 */
export function hiddenMarker(text: string): string {
  const oneLine = text.replace(/\r?\n/g, ' ');
  for (const [open, close] of titleForms) {
    if (!oneLine.includes(open) && !oneLine.includes(close)) return `[//]: # ${open}${oneLine}${close}`;
  }
  return `[//]: # (${oneLine.replace(/[()\\]/g, (c) => `\\${c}`)})`;
}

/** A fence longer than any run of backticks in `content`. */
const fenceFor = (content: string): string =>
  '`'.repeat(Math.max(3, ...[...content.matchAll(/`+/g)].map((run) => run[0].length + 1)));

/**
 * Data Center (8.x and later) turns a ```` ```suggestion ```` block of an inline comment into a change the author
 * can apply to the line the comment is anchored on. Comments made through the REST API sit on one line (the
 * anchor's multi-line marker is read-only there), so a replacement of several lines cannot be applied: it is
 * shown as a plain code block naming the lines instead.
 */
export function suggestion(replacement: string, position: InlinePosition): string {
  const fence = fenceFor(replacement);
  if (position.startLine !== undefined && position.startLine < position.line) {
    return `Suggested change for lines ${position.startLine}–${position.line}:\n\n${fence}\n${replacement}\n${fence}`;
  }
  return `${fence}suggestion\n${replacement}\n${fence}`;
}

export const bbdcCommentFormat: CommentFormat = {
  hiddenMarker,
  suggestion,
  maxBodyLength: bbdcMaxCommentLength,
};
