import type { Db } from '../db/database.js';
import type { CommitStatus } from '../scm/provider.js';
import type { LastStatus, StoredComment } from './types.js';

/** One pull request of one repository of one account: every query below is scoped by it. */
export interface PullRequestScope {
  readonly accountId: string;
  readonly repositoryId: string;
  readonly pullRequestNumber: number;
}

export async function loadStoredComments(db: Db, scope: PullRequestScope): Promise<StoredComment[]> {
  const rows = await db
    .selectFrom('pull_request_comments')
    .selectAll()
    .where('account_id', '=', scope.accountId)
    .where('repository_id', '=', scope.repositoryId)
    .where('pull_request_number', '=', scope.pullRequestNumber)
    .orderBy('key')
    .execute();
  return rows.map((row) => ({
    key: row.key,
    findingId: row.finding_id,
    placement: row.placement,
    ...(row.comment_id === null
      ? {}
      : {
          ref: {
            id: row.comment_id,
            ...(row.thread_id === null ? {} : { threadId: row.thread_id }),
            ...(row.comment_version === null ? {} : { version: Number(row.comment_version) }),
          },
        }),
    ...(row.web_url === null ? {} : { webUrl: row.web_url }),
    bodyHash: row.body_hash,
    status: row.status,
  }));
}

export async function saveStoredComment(
  db: Db,
  scope: PullRequestScope & { readonly connectionId: string },
  row: StoredComment,
  now: Date = new Date(),
): Promise<void> {
  const at = now.toISOString();
  const values = {
    finding_id: row.findingId,
    placement: row.placement,
    comment_id: row.ref?.id ?? null,
    thread_id: row.ref?.threadId ?? null,
    comment_version: row.ref?.version ?? null,
    web_url: row.webUrl ?? null,
    body_hash: row.bodyHash,
    status: row.status,
    updated_at: at,
  };
  await db
    .insertInto('pull_request_comments')
    .values({
      account_id: scope.accountId,
      connection_id: scope.connectionId,
      repository_id: scope.repositoryId,
      pull_request_number: scope.pullRequestNumber,
      key: row.key,
      created_at: at,
      ...values,
    })
    .onConflict((oc) =>
      oc.columns(['account_id', 'repository_id', 'pull_request_number', 'key']).doUpdateSet(values),
    )
    .execute();
}

export async function forgetStoredComment(db: Db, scope: PullRequestScope, key: string): Promise<void> {
  await db
    .deleteFrom('pull_request_comments')
    .where('account_id', '=', scope.accountId)
    .where('repository_id', '=', scope.repositoryId)
    .where('pull_request_number', '=', scope.pullRequestNumber)
    .where('key', '=', key)
    .execute();
}

/** Our stored comment a reply answers, by the SCM's id of the comment or of its thread. */
export async function findRepliedComment(
  db: Db,
  scope: PullRequestScope,
  inReplyTo: { readonly id?: string | undefined; readonly threadId?: string | undefined },
): Promise<StoredComment | undefined> {
  const ids = [inReplyTo.id, inReplyTo.threadId].filter((id): id is string => id !== undefined && id !== '');
  if (ids.length === 0) return undefined;
  const rows = await loadStoredComments(db, scope);
  return rows.find(
    (row) =>
      row.ref !== undefined &&
      (ids.includes(row.ref.id) || (row.ref.threadId !== undefined && ids.includes(row.ref.threadId))),
  );
}

/** The pull request's newest processed scan: the one whose findings its comments follow. */
export async function newestPullRequestScan(
  db: Db,
  scope: PullRequestScope,
): Promise<{ id: string; connection_id: string } | undefined> {
  return db
    .selectFrom('scans')
    .select(['id', 'connection_id'])
    .where('account_id', '=', scope.accountId)
    .where('repository_id', '=', scope.repositoryId)
    .where('pull_request_number', '=', scope.pullRequestNumber)
    .where('status', '=', 'processed')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export interface PullRequestState {
  readonly lastScanId: string | null;
  readonly lastScanCreatedAt: string | null;
  readonly lastStatus: LastStatus | undefined;
}

export async function readPullRequestState(db: Db, scope: PullRequestScope): Promise<PullRequestState> {
  const row = await db
    .selectFrom('pull_request_comment_states')
    .selectAll()
    .where('account_id', '=', scope.accountId)
    .where('repository_id', '=', scope.repositoryId)
    .where('pull_request_number', '=', scope.pullRequestNumber)
    .executeTakeFirst();
  const status =
    row &&
    row.status_state !== null &&
    row.status_description !== null &&
    row.status_sha !== null &&
    row.status_target_url !== null
      ? {
          state: row.status_state,
          description: row.status_description,
          sha: row.status_sha,
          targetUrl: row.status_target_url,
        }
      : undefined;
  return {
    lastScanId: row?.last_scan_id ?? null,
    lastScanCreatedAt: row?.last_scan_created_at ?? null,
    lastStatus: status,
  };
}

/**
 * Takes the pull request's lease for `owner` until `until`: true when it is free, lapsed or already this
 * owner's. One reconciliation per pull request at a time.
 */
export async function acquireLease(
  db: Db,
  scope: PullRequestScope & { readonly connectionId: string },
  owner: string,
  now: Date,
  until: Date,
): Promise<boolean> {
  const at = now.toISOString();
  await db
    .insertInto('pull_request_comment_states')
    .values({
      account_id: scope.accountId,
      connection_id: scope.connectionId,
      repository_id: scope.repositoryId,
      pull_request_number: scope.pullRequestNumber,
      created_at: at,
      updated_at: at,
    })
    .onConflict((oc) => oc.columns(['account_id', 'repository_id', 'pull_request_number']).doNothing())
    .execute();
  const result = await db
    .updateTable('pull_request_comment_states')
    .set({ lease_owner: owner, lease_expires_at: until.toISOString(), updated_at: at })
    .where('account_id', '=', scope.accountId)
    .where('repository_id', '=', scope.repositoryId)
    .where('pull_request_number', '=', scope.pullRequestNumber)
    .where((eb) =>
      eb.or([eb('lease_owner', 'is', null), eb('lease_owner', '=', owner), eb('lease_expires_at', '<', at)]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function releaseLease(db: Db, scope: PullRequestScope, owner: string): Promise<void> {
  await db
    .updateTable('pull_request_comment_states')
    .set({ lease_owner: null, lease_expires_at: null })
    .where('account_id', '=', scope.accountId)
    .where('repository_id', '=', scope.repositoryId)
    .where('pull_request_number', '=', scope.pullRequestNumber)
    .where('lease_owner', '=', owner)
    .execute();
}

export async function saveStatusSet(db: Db, scope: PullRequestScope, status: CommitStatus): Promise<void> {
  await db
    .updateTable('pull_request_comment_states')
    .set({
      status_state: status.state,
      status_description: status.description,
      status_sha: status.commitSha,
      status_target_url: status.targetUrl,
      updated_at: new Date().toISOString(),
    })
    .where('account_id', '=', scope.accountId)
    .where('repository_id', '=', scope.repositoryId)
    .where('pull_request_number', '=', scope.pullRequestNumber)
    .execute();
}

/** Records the scan reconciled and the head it was reconciled against. */
export async function recordReconciled(
  db: Db,
  scope: PullRequestScope,
  done: {
    readonly scanId: string;
    readonly scanCreatedAt: string;
    readonly headSha: string;
    readonly at: Date;
  },
): Promise<void> {
  await db
    .updateTable('pull_request_comment_states')
    .set({
      last_scan_id: done.scanId,
      last_scan_created_at: done.scanCreatedAt,
      head_sha: done.headSha,
      reconciled_at: done.at.toISOString(),
      updated_at: done.at.toISOString(),
    })
    .where('account_id', '=', scope.accountId)
    .where('repository_id', '=', scope.repositoryId)
    .where('pull_request_number', '=', scope.pullRequestNumber)
    .execute();
}

/** Forgets everything about a pull request's comments (it was closed without merging). */
export async function dropPullRequestComments(db: Db, scope: PullRequestScope): Promise<void> {
  for (const table of ['pull_request_comments', 'pull_request_comment_states'] as const) {
    await db
      .deleteFrom(table)
      .where('account_id', '=', scope.accountId)
      .where('repository_id', '=', scope.repositoryId)
      .where('pull_request_number', '=', scope.pullRequestNumber)
      .execute();
  }
}
