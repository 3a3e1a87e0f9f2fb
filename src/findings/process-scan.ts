import type { Selectable } from 'kysely';
import { enqueueCommentReconcile } from '../comments/job.js';
import { AppError } from '../core/errors.js';
import { ScmError } from '../scm/errors.js';
import type { ServiceContext } from '../context.js';
import { withStoredProvider } from '../connections/stored-provider.js';
import type { Db } from '../db/database.js';
import type { FindingSeverity, ScansTable } from '../db/schema.js';
import type { JobHandler } from '../jobs/worker.js';
import { safeErrorMessage } from '../jobs/retry-policy.js';
import { createFileLineSource, type ScanFileReader } from './process/file-lines.js';
import { branchKeyOf } from './process/namespace.js';
import { processRun, type RunSummary } from './process/process-run.js';
import { categoryOf, readStoredLog } from './process/read-log.js';
import { asObject } from './process/sarif-values.js';
import { severities } from './process/severity.js';
import { scanProcessPayload } from './process/payload.js';

/** What a processed scan's `summary` holds. */
export interface ScanSummary {
  readonly results: number;
  /** Distinct findings the scan reported, all open after it. */
  readonly open: number;
  readonly new: number;
  readonly reopened: number;
  readonly fixed: number;
  readonly removed: number;
  readonly newInPullRequest: number;
  readonly bySeverity: Readonly<Record<FindingSeverity, number>>;
  /** Where the scan's findings live (`pull-request:{n}` or `commit:{sha}` without a branch). */
  readonly branch: string;
  readonly runs: readonly RunSummary[];
}

/** Opens the connection's file reader for `use`; `reason` says why there is none. */
export type WithFiles = <T>(
  scope: { readonly accountId: string; readonly connectionId: string },
  use: (reader: ScanFileReader | undefined, reason: string) => Promise<T>,
) => Promise<T>;

export interface ProcessScanDeps {
  readonly db: Db;
  readonly withFiles: WithFiles;
  readonly now?: () => Date;
}

export interface ProcessScanOptions {
  readonly signal?: AbortSignal | undefined;
  readonly setProgress?: ((done: number, total?: number) => Promise<void>) | undefined;
}

/** {@link WithFiles} over the stored connection's provider; a connection that cannot be opened reads no file. */
export const connectionFiles =
  (ctx: Pick<ServiceContext, 'db' | 'config' | 'secrets' | 'scmShared' | 'githubApps'>): WithFiles =>
  async (scope, use) => {
    let opened = false;
    try {
      return await withStoredProvider(ctx, scope.accountId, scope.connectionId, async (provider) => {
        opened = true;
        const reader = provider.files;
        return use(reader, reader ? '' : `The ${provider.kind} connection cannot read files.`);
      });
    } catch (error) {
      if (opened) throw error;
      return use(undefined, `The connection could not be opened to read files: ${safeErrorMessage(error)}`);
    }
  };

/**
 * Turns a stored scan into findings, run by run (see `processRun`), then records its summary, marks it
 * processed and drops its log. A scan processed already answers its summary again; a log that is not SARIF
 * 2.1.0 fails the scan (`invalid_log`) with an AppError, which the worker does not retry.
 */
export async function processScan(
  deps: ProcessScanDeps,
  accountId: string,
  scanId: string,
  options: ProcessScanOptions = {},
): Promise<ScanSummary | { readonly skipped: string }> {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const scan = await db
    .selectFrom('scans')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', scanId)
    .executeTakeFirst();
  if (!scan) return { skipped: 'The scan no longer exists.' };
  if (scan.status === 'processed' && scan.summary !== null) return JSON.parse(scan.summary) as ScanSummary;
  if (scan.log_gzip_base64 === null) {
    throw new AppError(
      409,
      'log_missing',
      'The scan has no stored log to process: upload the SARIF file again.',
    );
  }
  await db
    .updateTable('scans')
    .set({ status: 'processing', error_code: null, error_message: null })
    .where('id', '=', scan.id)
    .execute();
  const runs = readStoredLog(scan.log_gzip_base64);
  const repository = await db
    .selectFrom('repositories')
    .select(['id', 'external_id', 'full_name', 'default_branch'])
    .where('account_id', '=', accountId)
    .where('id', '=', scan.repository_id)
    .executeTakeFirst();
  if (!repository)
    throw new AppError(404, 'repository_gone', 'The scanned repository is no longer in the inventory.');
  const scanRuns = await db
    .selectFrom('scan_runs')
    .select(['run_index', 'tool_name', 'category'])
    .where('scan_id', '=', scan.id)
    .execute();
  const runRows = new Map(scanRuns.map((row) => [row.run_index, row]));
  const branchKey = branchKeyOf(scan);
  const stamp = { scanId: scan.id, commitSha: scan.commit_sha, at: now().toISOString() };
  const total = runs.reduce((sum, run) => sum + (Array.isArray(run.results) ? run.results.length : 0), 0);
  let resultsDone = 0;
  await options.setProgress?.(0, total);

  const summaries = await deps.withFiles(
    { accountId, connectionId: scan.connection_id },
    async (reader, reason) => {
      const files = createFileLineSource({
        db,
        accountId,
        repositoryId: repository.id,
        repository: { externalId: repository.external_id, fullName: repository.full_name },
        commitSha: scan.commit_sha,
        reader,
        noReaderReason: reason,
      });
      const runSummaries: RunSummary[] = [];
      for (const [runIndex, run] of runs.entries()) {
        const row = runRows.get(runIndex);
        const driver = asObject(asObject(run.tool)?.driver);
        runSummaries.push(
          await processRun({
            db,
            run,
            runIndex,
            ns: {
              accountId,
              connectionId: scan.connection_id,
              repositoryId: repository.id,
              branch: branchKey.branch,
              toolName: row?.tool_name ?? String(driver?.name),
              category: row?.category ?? categoryOf(run),
            },
            branchKey,
            stamp,
            scan: {
              createdAt: scan.created_at,
              branch: scan.branch,
              pullRequestNumber: scan.pull_request_number,
              baseBranch:
                scan.pull_request_number === null ? null : (scan.base_branch ?? repository.default_branch),
            },
            files,
            onResults: reportProgress,
            signal: options.signal,
          }),
        );
      }
      return runSummaries;
    },
  );

  async function reportProgress(count: number): Promise<void> {
    resultsDone = Math.min(total, resultsDone + count);
    await options.setProgress?.(resultsDone, total);
  }

  const summary = summarize(branchKey.branch, summaries);
  await db
    .updateTable('scans')
    .set({
      status: 'processed',
      summary: JSON.stringify(summary),
      processed_at: now().toISOString(),
      log_gzip_base64: null,
      error_code: null,
      error_message: null,
    })
    .where('id', '=', scan.id)
    .execute();
  return summary;
}

function summarize(branch: string, runs: readonly RunSummary[]): ScanSummary {
  const sum = (pick: (run: RunSummary) => number) => runs.reduce((total, run) => total + pick(run), 0);
  return {
    results: sum((run) => run.results),
    open: sum((run) => (run.outcome === 'stale' ? 0 : run.findings)),
    new: sum((run) => run.opened),
    reopened: sum((run) => run.reopened),
    fixed: sum((run) => run.fixed),
    removed: sum((run) => run.removed),
    newInPullRequest: sum((run) => run.newInPullRequest),
    bySeverity: Object.fromEntries(
      severities.map((severity) => [severity, sum((run) => run.bySeverity[severity])]),
    ) as Record<FindingSeverity, number>,
    branch,
    runs,
  };
}

/** Records why a scan failed, in words safe to show. */
async function markFailed(db: Db, scan: Pick<Selectable<ScansTable>, 'id'>, error: unknown): Promise<void> {
  await db
    .updateTable('scans')
    .set({
      status: 'failed',
      error_code: error instanceof AppError ? error.code : 'processing_failed',
      error_message: safeErrorMessage(error),
    })
    .where('id', '=', scan.id)
    .execute();
}

/**
 * The `scan.process` job: processes the scan of its payload. A bad log fails the scan at once; any other error
 * is retried by the worker, and the scan is marked failed when no attempt is left.
 */
export const createScanProcessHandler =
  (
    ctx: Pick<ServiceContext, 'db' | 'config' | 'secrets' | 'scmShared' | 'githubApps'>,
    withFiles?: WithFiles,
  ): JobHandler =>
  async (job, context) => {
    const { scanId } = scanProcessPayload.parse(job.payload);
    const accountId = job.accountId;
    if (accountId === null) throw new AppError(400, 'invalid_job', 'A scan is processed in its account.');
    try {
      const outcome = await processScan(
        { db: ctx.db, withFiles: withFiles ?? connectionFiles(ctx) },
        accountId,
        scanId,
        {
          signal: context.signal,
          setProgress: (done, total) => context.setProgress(done, total),
        },
      );
      // A pull request's scan is then told on the pull request (once per scan).
      await enqueueCommentReconcile(ctx.db, accountId, scanId);
      return outcome;
    } catch (error) {
      // The worker retries only what may work the next time (see `decideAfterFailure`).
      const retried =
        !(error instanceof AppError) &&
        !(error instanceof ScmError && !error.retryable) &&
        job.attempts < job.maxAttempts;
      const lastAttempt = !retried;
      if (lastAttempt && !context.signal.aborted) await markFailed(ctx.db, { id: scanId }, error);
      throw error;
    }
  };
