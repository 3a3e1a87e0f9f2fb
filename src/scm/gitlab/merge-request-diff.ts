import { ScmError } from '../errors.js';
import type { PullRequestDiff, PullRequestRef } from '../provider.js';
import { newSideLines, toRanges, type NewSideLine } from '../unified-diff.js';
import type { GitLabMergeRequestClient, MergeRequestAt } from './merge-request-client.js';

/** A changed file: its path before, and the new-side lines a diff note may sit on, by new line number. */
export interface DiffFileLines {
  readonly oldPath: string;
  readonly lines: ReadonlyMap<number, NewSideLine>;
}

/** The merge request's diff as read once: what the contract reports, and what a diff position needs. */
export interface MergeRequestDiff {
  readonly diff: PullRequestDiff;
  /** `diff_refs`: the three commits a diff position names. */
  readonly refs: { readonly base: string; readonly start: string; readonly head: string };
  readonly files: ReadonlyMap<string, DiffFileLines>;
}

export const mergeRequestAt = (pr: PullRequestRef): MergeRequestAt => ({
  projectId: pr.repository.externalId,
  iid: pr.number,
});

const stateOf = (state: string): PullRequestDiff['state'] =>
  state === 'merged' ? 'merged' : state === 'opened' ? 'open' : 'closed';

/**
 * The merge request (state, `diff_refs`) and its changed files (`/diffs`, GitLab 15.7+), each file's hunks parsed
 * into the new-side lines a comment may sit on. Deleted files are left out; a file whose diff GitLab does not
 * show (too large, binary) is listed with no commentable line.
 */
export async function readMergeRequestDiff(
  client: GitLabMergeRequestClient,
  pr: PullRequestRef,
): Promise<MergeRequestDiff> {
  const at = mergeRequestAt(pr);
  const mr = await client.mergeRequest(at);
  const refs = mr.diff_refs;
  if (!refs?.base_sha || !refs.head_sha || !refs.start_sha) {
    throw new ScmError(
      'unavailable',
      `GitLab has not prepared the diff of merge request !${pr.number} yet.`,
      {
        code: 'diff_not_ready',
        fix: 'Try again in a moment.',
      },
    );
  }
  const files = new Map<string, DiffFileLines>();
  const listed: PullRequestDiff['files'][number][] = [];
  for await (const change of client.diffs(at)) {
    if (change.deleted_file === true || files.has(change.new_path)) continue;
    const lines = newSideLines(change.diff ?? '');
    files.set(change.new_path, {
      oldPath: change.old_path,
      lines: new Map(lines.map((line) => [line.newLine, line])),
    });
    listed.push({ path: change.new_path, commentable: toRanges(lines.map((line) => line.newLine)) });
  }
  return {
    diff: { headSha: refs.head_sha, baseSha: refs.base_sha, files: listed, state: stateOf(mr.state) },
    refs: { base: refs.base_sha, start: refs.start_sha, head: refs.head_sha },
    files,
  };
}
