import type { Db } from '../db/database.js';
import { enqueueJobOnce } from './jobs.js';
import type { JobHandler } from './worker.js';

/** An instance job that enqueues one job per connection (or per account) of every account. */
export interface FanOut {
  /** The kind of the job enqueued for each target. */
  readonly childKind: string;
  /**
   * `connection`: every connection that can talk to its SCM (a stored token, or a linked GitHub App
   * installation); `token`: every connection with a stored token (what expires); `account`: every account with
   * a connection; `membership-source`: every account whose membership GitHub or GitLab manages.
   */
  readonly per: 'connection' | 'token' | 'account' | 'membership-source';
  readonly maxAttempts: number;
  /** Leaves out a connection that has a job of `childKind` queued or running already (a sync still going). */
  readonly skipWhileActive?: boolean;
  /** Added to each child's payload (a connection's child also gets its `connectionId`). */
  readonly payload?: Readonly<Record<string, unknown>>;
}

export interface FanOutResult {
  readonly targets: number;
  readonly enqueued: number;
  readonly skipped: number;
}

interface Target {
  readonly accountId: string;
  readonly connectionId?: string;
}

const progressEvery = 100;

/**
 * The handler of a schedule that covers every account. Each child's idempotency key names the target and this
 * job, so a run that is repeated (its worker died) enqueues nothing twice, and each slot of the schedule
 * enqueues each target once whatever the number of workers.
 */
export const createFanOutHandler =
  (db: Db, fanOut: FanOut): JobHandler =>
  async (job, context): Promise<FanOutResult> => {
    const targets = await listTargets(db, fanOut.per);
    const active = fanOut.skipWhileActive ? await connectionsWithActiveJob(db, fanOut.childKind) : undefined;
    let enqueued = 0;
    let skipped = 0;
    for (const [index, target] of targets.entries()) {
      context.signal.throwIfAborted();
      if (target.connectionId && active?.has(target.connectionId)) skipped += 1;
      else {
        const { created } = await enqueueJobOnce(db, {
          accountId: target.accountId,
          kind: fanOut.childKind,
          payload: {
            ...fanOut.payload,
            ...(target.connectionId ? { connectionId: target.connectionId } : {}),
          },
          idempotencyKey: `${fanOut.childKind}:${target.connectionId ?? target.accountId}:${job.id}`,
          maxAttempts: fanOut.maxAttempts,
        });
        if (created) enqueued += 1;
      }
      if ((index + 1) % progressEvery === 0) await context.setProgress(index + 1, targets.length);
    }
    await context.setProgress(targets.length, targets.length);
    return { targets: targets.length, enqueued, skipped };
  };

async function listTargets(db: Db, per: FanOut['per']): Promise<Target[]> {
  if (per === 'membership-source') {
    const rows = await db
      .selectFrom('membership_sources')
      .select('account_id')
      .orderBy('account_id')
      .execute();
    return rows.map((row) => ({ accountId: row.account_id }));
  }
  if (per === 'account') {
    const rows = await db
      .selectFrom('connections')
      .select('account_id')
      .distinct()
      .orderBy('account_id')
      .execute();
    return rows.map((row) => ({ accountId: row.account_id }));
  }
  const rows = await db
    .selectFrom('connections')
    .select(['id', 'account_id'])
    .where((eb) =>
      per === 'token'
        ? eb('token_encrypted', 'is not', null)
        : eb.or([
            eb('token_encrypted', 'is not', null),
            eb.exists(
              eb
                .selectFrom('github_installations as i')
                .select('i.id')
                .whereRef('i.connection_id', '=', 'connections.id')
                .where('i.removed_at', 'is', null),
            ),
          ]),
    )
    .orderBy('account_id')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({ accountId: row.account_id, connectionId: row.id }));
}

async function connectionsWithActiveJob(db: Db, kind: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('jobs')
    .select('connection_id')
    .distinct()
    .where('kind', '=', kind)
    .where('status', 'in', ['queued', 'running'])
    .where('connection_id', 'is not', null)
    .execute();
  return new Set(rows.map((row) => row.connection_id!));
}
