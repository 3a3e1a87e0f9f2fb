import { ScmError } from '../errors.js';
import type { CommentFormat } from '../provider.js';

/**
 * Bitbucket Cloud's markdown escapes HTML, so an HTML comment would show. A link reference definition that no
 * link uses renders as nothing (CommonMark, "Link reference definitions"); it must start a block of its own,
 * hence the blank line before it. Its title holds the text, between the first of `(…)`, `"…"` or `'…'` the text
 * does not contain.
 *
 * Bitbucket documents no longest comment; 32,000 characters is a bound chosen well inside what its comment
 * field stores, so that a longer body is cut by the caller rather than refused by Bitbucket.
 */
export const maxBitbucketCommentLength = 32_000;

const delimiters = [
  ['(', ')'],
  ['"', '"'],
  ["'", "'"],
] as const;

export const bitbucketCloudCommentFormat: CommentFormat = {
  hiddenMarker(text: string): string {
    const pair = delimiters.find(([open, close]) => !text.includes(open) && !text.includes(close));
    if (pair === undefined || /[\r\n]/.test(text) || text.trim() === '') {
      throw new ScmError(
        'invalid',
        'A hidden marker for Bitbucket Cloud is one line without all of `()`, `"` and `\'`.',
        { code: 'invalid_marker' },
      );
    }
    return `\n\n[//]: # ${pair[0]}${text}${pair[1]}`;
  },
  maxBodyLength: maxBitbucketCommentLength,
};

/** A hidden marker of scm-connect's own (its text starts with `scm-connect:`), in any of the delimiters above. */
const ownMarker = /^\[\/\/\]: # [("']scm-connect:/m;

/** Whether a body carries one of scm-connect's hidden markers. */
export const carriesOwnMarker = (body: string): boolean => ownMarker.test(body);

/** Refuses a body Bitbucket might not take. */
export function checkCommentBody(body: string): void {
  if (body.trim() === '') {
    throw new ScmError('invalid', 'Bitbucket Cloud does not take an empty comment.', {
      code: 'empty_comment',
    });
  }
  if (body.length <= maxBitbucketCommentLength) return;
  throw new ScmError(
    'invalid',
    `The comment has ${body.length} characters; scm-connect posts at most 32,000 to Bitbucket Cloud.`,
    { code: 'comment_too_long', fix: 'Shorten the comment (e.g. list fewer findings and link to the rest).' },
  );
}
