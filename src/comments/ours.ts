import type { ScmComment, ScmCommentRef } from '../scm/provider.js';
import { bodyHash, keyOfBody } from './keys.js';
import type { StoredComment } from './types.js';

/*
 * Which comments the SCM lists are ours, per key: by author and marker, or by the ids our rows hold; the one kept
 * for a key and its duplicates.
 */

/** A duplicate of one of our comments, to delete. */
export interface PlannedDelete {
  readonly key: string;
  readonly ref: ScmCommentRef;
}

export const refOf = (comment: ScmComment): ScmCommentRef => ({
  id: comment.id,
  ...(comment.threadId === undefined ? {} : { threadId: comment.threadId }),
  ...(comment.version === undefined ? {} : { version: comment.version }),
});

export const sameRow = (a: StoredComment | undefined, b: StoredComment): boolean =>
  a !== undefined &&
  a.findingId === b.findingId &&
  a.placement === b.placement &&
  a.bodyHash === b.bodyHash &&
  a.status === b.status &&
  a.webUrl === b.webUrl &&
  a.ref?.id === b.ref?.id &&
  a.ref?.threadId === b.ref?.threadId &&
  a.ref?.version === b.ref?.version;

/** Our comment for a key and the duplicates of it, from what the SCM lists. */
export interface Found {
  readonly primary: ScmComment | undefined;
  readonly duplicates: readonly ScmComment[];
  /** The hash of the primary's body as we last wrote it (our row), else of the body listed. */
  readonly hash: string | undefined;
}

/**
 * Our comments by key: written by our identity, or recorded in our rows under that key (an SCM that shows a
 * token's comments under another author), and carrying the key's marker.
 */
export function ourComments(input: {
  readonly listed: readonly ScmComment[];
  readonly stored: readonly StoredComment[];
  readonly identity: { readonly id: string };
}): Map<string, ScmComment[]> {
  const recorded = new Map(input.stored.flatMap((row) => (row.ref ? [[row.ref.id, row.key] as const] : [])));
  const byKey = new Map<string, ScmComment[]>();
  for (const comment of input.listed) {
    const key = keyOfBody(comment.body);
    if (key === undefined) continue;
    if (comment.author.id !== input.identity.id && recorded.get(comment.id) !== key) continue;
    byKey.set(key, [...(byKey.get(key) ?? []), comment]);
  }
  return byKey;
}

export function find(candidates: readonly ScmComment[], row: StoredComment | undefined): Found {
  const primary =
    candidates.find((c) => row?.ref !== undefined && c.id === row.ref.id) ??
    candidates.find((c) => (c.replyCount ?? 0) > 0) ??
    candidates[0];
  const hash =
    primary === undefined
      ? undefined
      : row?.ref?.id === primary.id && row.bodyHash !== null
        ? row.bodyHash
        : bodyHash(primary.body);
  return { primary, duplicates: candidates.filter((c) => c !== primary), hash };
}

/** Duplicates without replies are deleted; one someone answered is kept. */
export const deletable = (key: string, found: Found): PlannedDelete[] =>
  found.duplicates.filter((c) => (c.replyCount ?? 0) === 0).map((c) => ({ key, ref: refOf(c) }));
