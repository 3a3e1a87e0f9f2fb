import { ScmError } from '../errors.js';
import type { CommentFormat, InlinePosition } from '../provider.js';

/** GitLab's limit on a note body ("Notes API"). */
export const gitlabMaxNoteLength = 1_000_000;

/**
 * GitLab Flavored Markdown: an HTML comment is not rendered; a ```` ```suggestion:-N+0 ```` block offers to
 * replace the N lines above the commented line and the line itself ("Suggest changes").
 */
export const gitlabCommentFormat: CommentFormat = {
  hiddenMarker(text) {
    if (text.includes('-->') || text.includes('--!>')) {
      throw new ScmError('invalid', 'A hidden marker may not contain `-->`: it would end the HTML comment.', {
        code: 'invalid_marker',
      });
    }
    return `<!-- ${text} -->`;
  },
  suggestion(replacement: string, position: InlinePosition) {
    const above = position.startLine === undefined ? 0 : Math.max(0, position.line - position.startLine);
    const longest = Math.max(0, ...(replacement.match(/`+/g) ?? []).map((run) => run.length));
    const fence = '`'.repeat(Math.max(3, longest + 1));
    return `${fence}suggestion:-${above}+0\n${replacement}\n${fence}`;
  },
  maxBodyLength: gitlabMaxNoteLength,
};
