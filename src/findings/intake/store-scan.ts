import { sql } from 'kysely';
import { timeOrderedId } from '../../core/ids.js';
import { nowIso } from '../../core/tokens.js';
import type { Db } from '../../db/database.js';
import { enqueueJob } from '../../jobs/index.js';
import { scanProcessJobKind } from '../jobs.js';
import type { ResolvedRepository } from './resolve-repository.js';
import type { RunSummary } from './scan-runs.js';
import type { ScanContext } from './scan-context.js';

/** Everything an accepted upload stores. */
export interface NewScan {
  readonly accountId: string;
  readonly repository: ResolvedRepository;
  readonly context: ScanContext;
  readonly runs: readonly RunSummary[];
  readonly dedupeKey: string;
  readonly logGzipBase64: string;
  readonly logBytes: number;
  readonly uploadedBy: { readonly userId: string | null; readonly tokenId: string | null };
}

/**
 * Stores a scan, its runs and its `scan.process` job in one transaction, or answers the scan already stored under
 * the same dedupe key (the unique index decides, so concurrent identical uploads store one scan). A scan that
 * failed gives its key up first: uploading the same log again is how a failed scan is retried.
 */
export async function storeScan(db: Db, scan: NewScan): Promise<{ scanId: string; duplicate: boolean }> {
  return db.transaction().execute(async (tx) => {
    await tx
      .updateTable('scans')
      .set({ dedupe_key: sql<string>`dedupe_key || ':failed:' || id` })
      .where('account_id', '=', scan.accountId)
      .where('dedupe_key', '=', scan.dedupeKey)
      .where('status', '=', 'failed')
      .execute();
    const id = timeOrderedId();
    const inserted = await tx
      .insertInto('scans')
      .values({
        id,
        account_id: scan.accountId,
        connection_id: scan.repository.connectionId,
        repository_id: scan.repository.id,
        commit_sha: scan.context.commitSha,
        branch: scan.context.branch,
        pull_request_number: scan.context.pullRequestNumber,
        base_commit_sha: scan.context.baseCommitSha,
        base_branch: scan.context.baseBranch,
        dedupe_key: scan.dedupeKey,
        status: 'queued',
        error_code: null,
        error_message: null,
        log_gzip_base64: scan.logGzipBase64,
        log_bytes: scan.logBytes,
        result_count: scan.runs.reduce((sum, run) => sum + run.resultCount, 0),
        summary: null,
        uploaded_by_user_id: scan.uploadedBy.userId,
        uploaded_by_token_id: scan.uploadedBy.tokenId,
        created_at: nowIso(),
        processed_at: null,
      })
      .onConflict((oc) => oc.columns(['account_id', 'dedupe_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) {
      const first = await tx
        .selectFrom('scans')
        .select('id')
        .where('account_id', '=', scan.accountId)
        .where('dedupe_key', '=', scan.dedupeKey)
        .executeTakeFirstOrThrow();
      return { scanId: first.id, duplicate: true };
    }
    await tx
      .insertInto('scan_runs')
      .values(
        scan.runs.map((run, runIndex) => ({
          id: timeOrderedId(),
          account_id: scan.accountId,
          scan_id: id,
          run_index: runIndex,
          tool_name: run.tool,
          tool_version: run.version,
          category: run.category,
          result_count: run.resultCount,
        })),
      )
      .execute();
    await enqueueJob(tx, { accountId: scan.accountId, kind: scanProcessJobKind, payload: { scanId: id } });
    return { scanId: id, duplicate: false };
  });
}
