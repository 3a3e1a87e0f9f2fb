import { diffHunks, renderHunks, similar } from '../server/line-diff.js';

/*
 * What GitHub's "List pull requests files" shows of a file's change: `patch` (git's hunks, 3 lines of context,
 * without the file header and the final newline) and whether a deleted and an added file are a rename. This
 * twin treats a missing newline at the end of a file as no change.
 */

const options = { ignoreEol: true };

/** A file's `patch` (`''` when the texts are the same). */
export const patchOf = (before: string, after: string): string =>
  renderHunks(diffHunks(before, after, options)).replace(/\n$/, '');

/** Whether GitHub lists a deleted and an added file as one renamed file. */
export const renamed = (before: string, after: string): boolean => similar(before, after, options);
