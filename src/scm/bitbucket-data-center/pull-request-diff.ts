import type { PullRequestDiff, PullRequestDiffFile } from '../provider.js';
import type { BbdcPullRequest, BbdcPullRequestDiff } from './schemas.js';
import { toRanges } from '../unified-diff.js';

/** The segment type an anchor names for a new-side line: added, or unchanged context around a change. */
export type NewSideLineType = 'ADDED' | 'CONTEXT';

/** A changed file as an anchor needs it: the new path, the old one for a move, and each commentable line's type. */
export interface DiffFileLines {
  readonly path: string;
  /** The path before a move or copy; absent when unchanged or for an added file. */
  readonly srcPath?: string;
  readonly lines: ReadonlyMap<number, NewSideLineType>;
}

/** The pull request diff and, per new path, where an anchor may go. */
export interface ParsedPullRequestDiff {
  readonly diff: PullRequestDiff;
  readonly files: ReadonlyMap<string, DiffFileLines>;
}

const states: Record<string, PullRequestDiff['state']> = {
  OPEN: 'open',
  MERGED: 'merged',
  DECLINED: 'closed',
};

/**
 * Reads a pull request and its effective diff: `destination` is the file at the head (null for a deleted file,
 * which is left out), `source` the one before (null for an added file); the `destination` numbers of `ADDED`
 * and `CONTEXT` segment lines are the new-side lines a comment may be anchored on. The diff's own `fromHash` and
 * `toHash` name the commits it was computed between; the pull request's refs stand in when it omits them.
 */
export function parsePullRequestDiff(
  pullRequest: BbdcPullRequest,
  answer: BbdcPullRequestDiff,
): ParsedPullRequestDiff {
  const files = new Map<string, DiffFileLines>();
  for (const changed of answer.diffs) {
    const path = changed.destination?.toString;
    if (!path) continue;
    const lines = new Map<number, NewSideLineType>(files.get(path)?.lines);
    for (const hunk of changed.hunks ?? []) {
      for (const segment of hunk.segments) {
        if (segment.type !== 'ADDED' && segment.type !== 'CONTEXT') continue;
        for (const line of segment.lines) lines.set(line.destination, segment.type);
      }
    }
    const srcPath = changed.source?.toString;
    files.set(path, { path, ...(srcPath && srcPath !== path ? { srcPath } : {}), lines });
  }
  const diffFiles: PullRequestDiffFile[] = [...files.values()].map((file) => ({
    path: file.path,
    commentable: toRanges(file.lines.keys()),
  }));
  return {
    diff: {
      headSha: answer.toHash || pullRequest.fromRef.latestCommit,
      baseSha: answer.fromHash || pullRequest.toRef.latestCommit,
      files: diffFiles,
      state: states[pullRequest.state] ?? 'closed',
    },
    files,
  };
}
