import { createHash } from 'node:crypto';
import type { AdoIteration, AdoPullRequest, AdoRepo } from './state.js';

/*
 * Pull request iterations and their changes ("Pull Request Iterations - List", "Pull Request Iteration Changes -
 * Get"): iteration 1 is the source head when the pull request is created, each later push to the source branch
 * adds one; changes compare an iteration's source commit with the common commit of source and target.
 */

/** The newest commit reachable from both `a` and `b` (breadth first from `a`). */
export function mergeBase(repo: AdoRepo, a: string, b: string): string {
  const ofB = new Set<string>();
  for (const queue = [b]; queue.length > 0;) {
    const id = queue.shift()!;
    if (ofB.has(id)) continue;
    ofB.add(id);
    queue.push(...(repo.commits.get(id)?.parents ?? []));
  }
  const seen = new Set<string>();
  for (const queue = [a]; queue.length > 0;) {
    const id = queue.shift()!;
    if (ofB.has(id)) return id;
    if (seen.has(id)) continue;
    seen.add(id);
    queue.push(...(repo.commits.get(id)?.parents ?? []));
  }
  return b;
}

/** Records the source branch's head as a new iteration, unless the last iteration already has it. */
export function addIteration(pr: AdoPullRequest, reason: AdoIteration['reason'], at: string): void {
  const source = pr.repo.refs.get(pr.sourceRefName);
  const target = pr.repo.refs.get(pr.targetRefName);
  if (source === undefined || target === undefined) return;
  if (pr.iterations.at(-1)?.sourceCommit === source) return;
  pr.iterations.push({
    id: pr.iterations.length + 1,
    sourceCommit: source,
    targetCommit: target,
    commonCommit: mergeBase(pr.repo, source, target),
    reason,
    createdDate: at,
  });
}

/** A push to `refName` adds an iteration to every active pull request from that branch. */
export function recordPush(repo: AdoRepo, refName: string, at: string): void {
  for (const pr of repo.pullRequests.values()) {
    if (pr.status === 'active' && pr.sourceRefName === refName) addIteration(pr, 'push', at);
  }
}

const blobId = (content: string): string => {
  const bytes = Buffer.from(content);
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
};

/** `GitPullRequestChange` of one file: `add`, `edit`, `delete`, or `rename` (`edit, rename` when also changed). */
export interface IterationChange {
  readonly changeTrackingId: number;
  readonly changeId: number;
  readonly item: { readonly objectId?: string; readonly originalObjectId?: string; readonly path: string };
  readonly changeType: string;
  readonly originalPath?: string;
}

/**
 * The files that differ between `base` and `head`, sorted by path. A deleted file whose exact content was added
 * under another path is a rename (git's own rename detection finds similar content too; the twin only exact).
 */
export function changesBetween(pr: AdoPullRequest, base: string, head: string): IterationChange[] {
  const before = pr.repo.commits.get(base)?.files ?? new Map<string, string>();
  const after = pr.repo.commits.get(head)?.files ?? new Map<string, string>();
  const added = [...after.keys()].filter((path) => !before.has(path));
  const deleted = [...before.keys()].filter((path) => !after.has(path));
  const renamedFrom = new Map<string, string>();
  for (const path of added) {
    const from = deleted.find(
      (old) => before.get(old) === after.get(path) && ![...renamedFrom.values()].includes(old),
    );
    if (from !== undefined) renamedFrom.set(path, from);
  }
  const trackingId = (path: string) => {
    let id = pr.changeTrackingIds.get(path);
    if (id === undefined) {
      id = pr.changeTrackingIds.size + 1;
      pr.changeTrackingIds.set(path, id);
    }
    return id;
  };
  const entries: Omit<IterationChange, 'changeId'>[] = [];
  for (const [path, content] of after) {
    const old = before.get(path);
    const from = renamedFrom.get(path);
    if (from !== undefined) {
      entries.push({
        changeTrackingId: trackingId(path),
        item: { objectId: blobId(content), originalObjectId: blobId(before.get(from)!), path },
        changeType: 'rename',
        originalPath: from,
      });
    } else if (old === undefined) {
      entries.push({
        changeTrackingId: trackingId(path),
        item: { objectId: blobId(content), path },
        changeType: 'add',
      });
    } else if (old !== content) {
      entries.push({
        changeTrackingId: trackingId(path),
        item: { objectId: blobId(content), originalObjectId: blobId(old), path },
        changeType: 'edit',
      });
    }
  }
  const renamedAway = new Set(renamedFrom.values());
  for (const path of deleted.filter((p) => !renamedAway.has(p))) {
    entries.push({
      changeTrackingId: trackingId(path),
      item: { originalObjectId: blobId(before.get(path)!), path },
      changeType: 'delete',
    });
  }
  return entries
    .sort((a, b) => a.item.path.localeCompare(b.item.path))
    .map((entry, index) => ({ ...entry, changeId: index + 1 }));
}
