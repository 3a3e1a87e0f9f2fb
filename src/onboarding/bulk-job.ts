import { z } from 'zod';
import type { ServiceContext } from '../context.js';
import { findConnectionRow } from '../db/connections.js';
import { findRun, findRunRow, moveRun, stepsToWork, type BulkCiStepRow } from '../db/bulk-ci.js';
import { withRowProvider } from '../connections/stored-provider.js';
import type { JobHandler } from '../jobs/index.js';
import { decideAfterFailure } from '../jobs/retry-policy.js';
import { nowIso } from '../core/tokens.js';
import { failUntried, runStep, type RunScope } from './run-step.js';
import { parseCiJobSettings } from './settings.js';
import { stepProblemOf } from './step-errors.js';

export const bulkCiJobKind = 'ci.bulk';

const payloadSchema = z.object({ runId: z.string() });

/** Connections worked on at once; each connection's repositories go one at a time (its SCM's pace). */
const defaultLanes = 4;
/** Progress is written every this many repositories. */
const progressEvery = 10;

type Ctx = Pick<ServiceContext, 'db' | 'config' | 'secrets' | 'scmShared' | 'githubApps'>;

export interface BulkCiHandlerOptions {
  readonly lanes?: number;
  /** See {@link RunScope.maxSleepMs}. */
  readonly maxSleepMs?: number;
}

export interface BulkCiJobResult {
  readonly runId: string;
  readonly status: string;
  readonly counts?: Record<string, number>;
}

/**
 * The `ci.bulk` job: works through a run's pending, interrupted and failed repositories in order, several
 * connections at once and one repository at a time per connection, checking between repositories whether the
 * run was cancelled. Run again after a crash, it continues with what is not done: a done step is never redone,
 * and one interrupted half-way converges because the writers are idempotent.
 */
export function createBulkCiHandler(ctx: Ctx, options: BulkCiHandlerOptions = {}): JobHandler {
  const { db } = ctx;
  return async (job, context): Promise<BulkCiJobResult> => {
    const { runId } = payloadSchema.parse(job.payload);
    const accountId = job.accountId ?? '';
    const run = await findRunRow(db, accountId, runId);
    // A job left from before a resume, or a run already ended: nothing to do.
    if (!run || run.job_id !== job.id || !['queued', 'running'].includes(run.status)) {
      return { runId, status: run?.status ?? 'missing' };
    }
    await moveRun(db, runId, ['queued', 'running'], 'running', { startedAt: nowIso() });
    const steps = await stepsToWork(db, runId);
    const stop = new AbortController();
    const scope: RunScope = {
      db,
      runId,
      accountId,
      mode: run.mode,
      settings: parseCiJobSettings(JSON.parse(run.settings) as unknown),
      serviceUrl: run.service_url,
      createdBy: run.created_by,
      signal: AbortSignal.any([context.signal, stop.signal]),
      logger: context.logger,
      ...(options.maxSleepMs === undefined ? {} : { maxSleepMs: options.maxSleepMs }),
    };
    const before = await findRun(db, accountId, runId);
    const total = before ? before.total - before.counts.skipped : steps.length;
    let done = total - steps.length;
    let cancelled = false;
    const stillWanted = async () => {
      if (cancelled) return false;
      const current = await findRunRow(db, accountId, runId);
      cancelled = !current || current.status !== 'running' || current.job_id !== job.id;
      return !cancelled;
    };
    const afterStep = async () => {
      done += 1;
      if (done % progressEvery === 0) await context.setProgress(done, total);
    };
    await context.setProgress(done, total);

    const lanes = byConnection(steps);
    let next = 0;
    const workLanes = async () => {
      for (let lane = lanes[next++]; lane; lane = lanes[next++]) {
        await workLane(ctx, scope, lane, stillWanted, afterStep);
        if (cancelled || scope.signal.aborted) return;
      }
    };
    try {
      await Promise.all(
        Array.from({ length: Math.min(options.lanes ?? defaultLanes, lanes.length) }, workLanes),
      );
    } catch (error) {
      stop.abort(error);
      const decision = decideAfterFailure(error, {
        attempts: job.attempts,
        maxAttempts: job.maxAttempts,
        now: new Date(),
      });
      if (!context.signal.aborted && decision.action === 'fail') {
        await moveRun(db, runId, ['running'], 'failed', { finishedAt: nowIso() });
      }
      throw error;
    }
    if (cancelled) return { runId, status: 'cancelled' };
    await context.setProgress(done, total);
    await moveRun(db, runId, ['running'], 'succeeded', { finishedAt: nowIso() });
    const view = await findRun(db, accountId, runId);
    return { runId, status: view?.status ?? 'succeeded', ...(view ? { counts: { ...view.counts } } : {}) };
  };
}

/** The steps grouped by connection, each group in position order, groups in the order their first step comes. */
function byConnection(steps: readonly BulkCiStepRow[]): BulkCiStepRow[][] {
  const groups = new Map<string, BulkCiStepRow[]>();
  for (const step of steps) {
    const group = groups.get(step.connection_id);
    if (group) group.push(step);
    else groups.set(step.connection_id, [step]);
  }
  return [...groups.values()];
}

/** One connection's steps, one at a time, with one provider for all of them. */
async function workLane(
  ctx: Ctx,
  scope: RunScope,
  steps: readonly BulkCiStepRow[],
  stillWanted: () => Promise<boolean>,
  afterStep: () => Promise<void>,
): Promise<void> {
  const first = steps[0];
  if (!first) return;
  const row = await findConnectionRow(ctx.db, scope.accountId, first.connection_id);
  const failAll = async (problem: ReturnType<typeof stepProblemOf>) => {
    for (const step of steps) {
      if (!(await stillWanted())) return;
      await failUntried(scope, step, problem);
      await afterStep();
    }
  };
  if (!row) {
    await failAll({
      reason: 'connection_removed',
      message: 'The connection of this repository was removed.',
      fix: 'Connect the source code manager again, then add the CI job in a new run.',
    });
    return;
  }
  let worked = 0;
  try {
    await withRowProvider(ctx, row, async (provider) => {
      for (const step of steps) {
        scope.signal.throwIfAborted();
        if (!(await stillWanted())) return;
        await runStep(scope, provider, step);
        worked += 1;
        await afterStep();
      }
    });
  } catch (error) {
    // The provider could not be made (token unreadable, installation gone): the rest of the lane fails with why.
    if (scope.signal.aborted || worked > 0 || isRetryableAfter(error)) throw error;
    await failAll(stepProblemOf(error));
  }
}

const isRetryableAfter = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && 'retryAt' in error && error.retryAt instanceof Date;
