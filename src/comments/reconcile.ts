import type { Config } from '../config/config.js';
import { commentsEnabled, readCommentSettings } from '../db/comment-settings.js';
import type { Db } from '../db/database.js';
import { createFindingLinks } from '../findings/finding-view.js';
import { branchKeyOf } from '../findings/process/namespace.js';
import type { FileReader, PullRequestCommenter, PullRequestRef, ScmComment } from '../scm/provider.js';
import { executePlan, type ExecuteResult } from './execute.js';
import { loadCommentFindings } from './load.js';
import { planReconciliation } from './plan.js';
import {
  acquireLease,
  forgetStoredComment,
  loadStoredComments,
  newestPullRequestScan,
  readPullRequestState,
  recordReconciled,
  releaseLease,
  saveStatusSet,
  saveStoredComment,
  type PullRequestScope,
} from './store.js';

/** What the connection offers for comments, opened for one reconciliation. */
export interface CommentTools {
  readonly comments: PullRequestCommenter | undefined;
  /** Whether the kind takes comments on lines (`capabilities.inlineComments`). */
  readonly inlineComments: boolean;
  readonly files: FileReader | undefined;
}

/** Opens the connection's provider for `use`. */
export type WithCommentTools = <T>(
  scope: { readonly accountId: string; readonly connectionId: string },
  use: (tools: CommentTools) => Promise<T>,
) => Promise<T>;

export interface ReconcileDeps {
  readonly db: Db;
  readonly config: Pick<Config, 'publicUrl' | 'cloudUrls'>;
  readonly withTools: WithCommentTools;
  readonly now?: () => Date;
  /** How long the pull request's lease holds; default 10 minutes. */
  readonly leaseMs?: number;
  /** How long a reconciliation waits for another one of the same pull request; default 1 second. */
  readonly busyRetryMs?: number;
}

export type ReconcileOutcome =
  { readonly skipped: string } | ({ readonly pullRequest: number; readonly headSha: string } & ExecuteResult);

/** Another reconciliation of the pull request holds its lease: the job runs again shortly (not counted as an attempt). */
export class PullRequestBusyError extends Error {
  readonly retryable = true;
  constructor(readonly retryAt: Date) {
    super('Another reconciliation of this pull request is running.');
    this.name = 'PullRequestBusyError';
  }
}

async function collect(items: AsyncIterable<ScmComment> | undefined): Promise<ScmComment[]> {
  const out: ScmComment[] = [];
  if (items) for await (const item of items) out.push(item);
  return out;
}

/**
 * Brings the comments, the summary and the status of a scan's pull request in line with its findings. Only the
 * pull request's newest processed scan does anything (an older one is superseded), one at a time per pull request
 * (a lease; a busy one retries shortly), and nothing happens once the pull request is closed or comments are off.
 */
export async function reconcileScan(
  deps: ReconcileDeps,
  accountId: string,
  scanId: string,
  owner: string,
): Promise<ReconcileOutcome> {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const scan = await db
    .selectFrom('scans as s')
    .innerJoin('repositories as r', (join) =>
      join.onRef('r.id', '=', 's.repository_id').onRef('r.account_id', '=', 's.account_id'),
    )
    .select([
      's.id',
      's.connection_id',
      's.repository_id',
      's.pull_request_number',
      's.commit_sha',
      's.branch',
      's.status',
      's.created_at',
      'r.external_id',
      'r.full_name',
      'r.web_url',
    ])
    .where('s.account_id', '=', accountId)
    .where('s.id', '=', scanId)
    .executeTakeFirst();
  if (!scan) return { skipped: 'The scan no longer exists.' };
  if (scan.pull_request_number === null) return { skipped: 'The scan is not of a pull request.' };
  if (scan.status !== 'processed') return { skipped: 'The scan is not processed.' };
  const scope: PullRequestScope = {
    accountId,
    repositoryId: scan.repository_id,
    pullRequestNumber: Number(scan.pull_request_number),
  };
  const newest = await newestPullRequestScan(db, scope);
  if (newest && newest.id !== scan.id) return { skipped: 'A newer scan of the pull request supersedes it.' };
  const state = await readPullRequestState(db, scope);
  if (state.lastScanCreatedAt !== null && state.lastScanCreatedAt > scan.created_at) {
    return { skipped: 'A newer scan of the pull request was reconciled.' };
  }
  if (!(await commentsEnabled(db, accountId, scan.connection_id, scope.repositoryId))) {
    return { skipped: 'Comments are off for this repository.' };
  }
  const owned = { ...scope, connectionId: scan.connection_id };
  const at = now();
  if (!(await acquireLease(db, owned, owner, at, new Date(at.getTime() + (deps.leaseMs ?? 600_000))))) {
    throw new PullRequestBusyError(new Date(at.getTime() + (deps.busyRetryMs ?? 1_000)));
  }
  try {
    return await deps.withTools({ accountId, connectionId: scan.connection_id }, async (tools) => {
      const commenter = tools.comments;
      if (!commenter) return { skipped: 'The connection cannot comment on pull requests.' };
      const repository = { externalId: scan.external_id, fullName: scan.full_name };
      const pr: PullRequestRef = { repository, number: scope.pullRequestNumber };
      const diff = await commenter.pullRequestDiff(pr);
      if (diff.state !== 'open') return { skipped: `The pull request is ${diff.state}.` };
      const identity = await commenter.identity();
      const listed = [
        ...(await collect(commenter.listComments(pr))),
        ...(await collect(commenter.listInlineComments?.(pr))),
      ];
      const stored = await loadStoredComments(db, scope);
      const settings = await readCommentSettings(db, accountId);
      const publicUrl = deps.config.publicUrl?.origin;
      const files = tools.files;
      const findings = await loadCommentFindings({
        db,
        scope,
        links: createFindingLinks(deps.config),
        publicUrl,
        storedFindingIds: stored.flatMap((row) => (row.findingId === null ? [] : [row.findingId])),
        sourceLines: files
          ? async (path) => {
              const file = await files.readFile(repository, scan.commit_sha, path);
              return file?.content.toString('utf8').split(/\r?\n/);
            }
          : undefined,
      });
      const input = {
        findings,
        diff,
        stored,
        listed,
        identity,
        format: commenter.format,
        canInline:
          tools.inlineComments &&
          (commenter.createInlineComment !== undefined || commenter.createInlineComments !== undefined),
        canResolve: commenter.resolveComment !== undefined,
        settings,
        commitSha: scan.commit_sha,
        // The pull request's findings in scm-connect: one address for every scan, so a re-scan changes no link.
        scanUrl:
          publicUrl === undefined
            ? scan.web_url
            : `${publicUrl}/findings?repository=${encodeURIComponent(scope.repositoryId)}&branch=${encodeURIComponent(branchKeyOf(scan).branch)}`,
        lastStatus: state.lastStatus,
      };
      const result = await executePlan(planReconciliation(input), input, {
        commenter,
        pr,
        save: (row) => saveStoredComment(db, owned, row, now()),
        forget: (key) => forgetStoredComment(db, scope, key),
        saveStatus: (status) => saveStatusSet(db, scope, status),
      });
      await recordReconciled(db, scope, {
        scanId: scan.id,
        scanCreatedAt: scan.created_at,
        headSha: diff.headSha,
        at: now(),
      });
      return { pullRequest: scope.pullRequestNumber, headSha: diff.headSha, ...result };
    });
  } finally {
    await releaseLease(db, scope, owner);
  }
}
