import { randomUUID } from 'node:crypto';
import { badRequest, conflict, notFound } from '../core/errors.js';
import { nowIso } from '../core/tokens.js';
import type { Db } from '../db/database.js';
import { recordAudit } from '../db/audit.js';
import {
  findRun,
  findRunRow,
  insertBulkCiRun,
  moveRun,
  setRunJob,
  type BulkCiRunView,
} from '../db/bulk-ci.js';
import type { BulkCiMode } from '../db/schema.js';
import { cancelJob, enqueueJobOnce } from '../jobs/index.js';
import { bulkCiJobKind } from './bulk-job.js';
import { readCiJobSettings } from './settings.js';
import { resolveSelection, skipMessages, type RepositorySelection } from './selection.js';

export interface StartBulkCiRun {
  readonly accountId: string;
  readonly actorUserId: string | null;
  readonly selection: RepositorySelection;
  readonly mode: BulkCiMode;
  /** The address the CI job uploads scans to. */
  readonly serviceUrl: string;
}

/** Runs are worked on by one job at a time; a run's job is retried this many times before the run fails. */
const jobAttempts = 8;

/**
 * Starts a bulk run: the run, one step per selected repository (the ineligible ones already `skipped` with their
 * reason) and its durable job, in one transaction, so a crash leaves either all of it or nothing.
 */
export async function startBulkCiRun(db: Db, input: StartBulkCiRun): Promise<BulkCiRunView> {
  const repositories = await resolveSelection(db, input.accountId, input.selection);
  if (repositories.length === 0) {
    throw badRequest('empty_selection', 'No repository matches the selection: select at least one.');
  }
  const { settings } = await readCiJobSettings(db, input.accountId);
  const runId = randomUUID();
  await db.transaction().execute(async (tx) => {
    await insertBulkCiRun(
      tx,
      {
        id: runId,
        account_id: input.accountId,
        created_by: input.actorUserId,
        mode: input.mode,
        status: 'queued',
        settings: JSON.stringify(settings),
        service_url: input.serviceUrl,
        job_id: null,
        created_at: nowIso(),
        started_at: null,
        finished_at: null,
      },
      repositories.map((repository, position) => ({
        repository_id: repository.id,
        connection_id: repository.connectionId,
        full_name: repository.fullName,
        system: repository.system ?? null,
        position,
        status: repository.skip ? 'skipped' : 'pending',
        reason: repository.skip ?? null,
        message: repository.skip ? skipMessages[repository.skip] : null,
      })),
    );
    const { job } = await enqueueJobOnce(tx, {
      accountId: input.accountId,
      kind: bulkCiJobKind,
      payload: { runId },
      idempotencyKey: runId,
      maxAttempts: jobAttempts,
    });
    await setRunJob(tx, runId, job.id);
    await recordAudit(tx, {
      accountId: input.accountId,
      actorUserId: input.actorUserId,
      action: 'ci-job.run-started',
      target: runId,
      details: {
        mode: input.mode,
        repositories: repositories.length,
        skipped: repositories.filter((repository) => repository.skip).length,
      },
    });
  });
  return (await findRun(db, input.accountId, runId))!;
}

/** Cancels a queued or running run: repositories not started stay pending. 409 once it ended. */
export async function cancelBulkCiRun(
  db: Db,
  accountId: string,
  runId: string,
  actorUserId: string | null,
): Promise<BulkCiRunView> {
  const run = await findRunRow(db, accountId, runId);
  if (!run) throw notFound('run');
  const moved = await db.transaction().execute(async (tx) => {
    if (!(await moveRun(tx, runId, ['queued', 'running'], 'cancelled', { finishedAt: nowIso() })))
      return false;
    if (run.job_id) await cancelJob(tx, accountId, run.job_id);
    await recordAudit(tx, { accountId, actorUserId, action: 'ci-job.run-cancelled', target: runId });
    return true;
  });
  if (!moved) throw conflict('run_finished', 'The run has ended already: there is nothing to cancel.');
  return (await findRun(db, accountId, runId))!;
}

/**
 * Queues an ended run again: its pending and failed repositories are worked on, the done ones left as they are.
 * 409 while it is queued or running.
 */
export async function resumeBulkCiRun(
  db: Db,
  accountId: string,
  runId: string,
  actorUserId: string | null,
): Promise<BulkCiRunView> {
  const run = await findRunRow(db, accountId, runId);
  if (!run) throw notFound('run');
  const resumed = await db.transaction().execute(async (tx) => {
    const ended = ['succeeded', 'failed', 'cancelled'] as const;
    if (!(await moveRun(tx, runId, ended, 'queued', { finishedAt: null, resumed: true }))) return false;
    const { job } = await enqueueJobOnce(tx, {
      accountId,
      kind: bulkCiJobKind,
      payload: { runId },
      idempotencyKey: `${runId}:resume:${run.resumes + 1}`,
      maxAttempts: jobAttempts,
    });
    await setRunJob(tx, runId, job.id);
    await recordAudit(tx, { accountId, actorUserId, action: 'ci-job.run-resumed', target: runId });
    return true;
  });
  if (!resumed) throw conflict('run_active', 'The run is queued or running already; cancel it first.');
  return (await findRun(db, accountId, runId))!;
}
