import { ScmError } from '../errors.js';
import type { CommentFormat } from '../provider.js';

/** GitHub refuses longer comment bodies with 422 ("Body is too long (maximum is 65536 characters)"). */
export const maxCommentLength = 65_536;

/** The longest run of backticks in `text`. */
const longestBackticks = (text: string): number =>
  Math.max(0, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));

/**
 * GitHub markdown: a marker is an HTML comment (not rendered); a change the author can apply is a fenced block
 * with the `suggestion` info string, replacing the comment's line or range. The fence is longer than any run of
 * backticks in the replacement, so that the replacement is kept whole.
 */
export const githubCommentFormat: CommentFormat = {
  hiddenMarker(text) {
    if (text.includes('-->') || text.includes('--!>') || text.includes('<!--')) {
      throw new ScmError('invalid', 'A hidden marker cannot hold `<!--`, `-->` or `--!>` on GitHub.', {
        code: 'invalid_marker',
      });
    }
    return `<!-- ${text} -->`;
  },
  suggestion(replacement) {
    const fence = '`'.repeat(Math.max(3, longestBackticks(replacement) + 1));
    return `${fence}suggestion\n${replacement}\n${fence}`;
  },
  maxBodyLength: maxCommentLength,
};
