import type { Insertable, Selectable } from 'kysely';
import type { Db } from './database.js';
import type {
  BulkCiMode,
  BulkCiOutcome,
  BulkCiRunStatus,
  BulkCiRunsTable,
  BulkCiStepStatus,
  BulkCiStepsTable,
} from './schema.js';
import { nowIso } from '../core/tokens.js';

export type BulkCiRunRow = Selectable<BulkCiRunsTable>;
export type BulkCiStepRow = Selectable<BulkCiStepsTable>;
export type NewBulkCiStep = Omit<Insertable<BulkCiStepsTable>, 'run_id' | 'account_id' | 'updated_at'>;

/** How many repositories of a run are where: `present` counts `unchanged` pull requests too. */
export interface BulkCiCounts {
  readonly pending: number;
  readonly opened: number;
  readonly updated: number;
  readonly present: number;
  readonly committed: number;
  readonly skipped: number;
  readonly failed: number;
}

export interface BulkCiRunView {
  readonly id: string;
  readonly status: BulkCiRunStatus;
  readonly mode: BulkCiMode;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly createdBy: { readonly id: string; readonly email: string } | null;
  readonly total: number;
  readonly counts: BulkCiCounts;
}

// ---------------------------------------------------------------------------------------------------------------
// Settings

/** The stored JSON of an account's CI job settings and when they were saved; undefined until an admin saves. */
export async function readCiJobSettingsRow(
  db: Db,
  accountId: string,
): Promise<{ settings: unknown; updatedAt: string } | undefined> {
  const row = await db
    .selectFrom('ci_job_settings')
    .select(['settings', 'updated_at'])
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (!row) return undefined;
  try {
    return { settings: JSON.parse(row.settings) as unknown, updatedAt: row.updated_at };
  } catch {
    return { settings: undefined, updatedAt: row.updated_at };
  }
}

/** Saves an account's settings whole (the caller checked them). */
export async function writeCiJobSettings(
  db: Db,
  accountId: string,
  settings: object,
  actorUserId: string | null,
): Promise<void> {
  const stored = { settings: JSON.stringify(settings), updated_at: nowIso(), updated_by: actorUserId };
  await db
    .insertInto('ci_job_settings')
    .values({ account_id: accountId, ...stored })
    .onConflict((oc) => oc.column('account_id').doUpdateSet(stored))
    .execute();
}

// ---------------------------------------------------------------------------------------------------------------
// Runs

/** Writes a run and its steps (call inside the transaction that also enqueues its job). */
export async function insertBulkCiRun(
  db: Db,
  run: Insertable<BulkCiRunsTable>,
  steps: readonly NewBulkCiStep[],
): Promise<void> {
  await db.insertInto('bulk_ci_runs').values(run).execute();
  const now = nowIso();
  // Chunks keep each statement under SQLite's and PostgreSQL's bound-parameter limits.
  for (let at = 0; at < steps.length; at += 200) {
    await db
      .insertInto('bulk_ci_steps')
      .values(
        steps
          .slice(at, at + 200)
          .map((step) => ({ ...step, run_id: run.id, account_id: run.account_id, updated_at: now })),
      )
      .execute();
  }
}

export async function setRunJob(db: Db, runId: string, jobId: string): Promise<void> {
  await db.updateTable('bulk_ci_runs').set({ job_id: jobId }).where('id', '=', runId).execute();
}

/** The run of the account; undefined for another account's. */
export const findRunRow = (db: Db, accountId: string, runId: string): Promise<BulkCiRunRow | undefined> =>
  db
    .selectFrom('bulk_ci_runs')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', runId)
    .executeTakeFirst();

const zeroCounts = (): Record<keyof BulkCiCounts, number> => ({
  pending: 0,
  opened: 0,
  updated: 0,
  present: 0,
  committed: 0,
  skipped: 0,
  failed: 0,
});

/** Where a step's (status, outcome) is counted. */
function countOf(status: BulkCiStepStatus, outcome: BulkCiOutcome | null): keyof BulkCiCounts {
  if (status === 'pending' || status === 'running') return 'pending';
  if (status === 'skipped' || status === 'failed') return status;
  if (outcome === 'unchanged' || outcome === 'present' || outcome === null) return 'present';
  return outcome;
}

async function countsOf(db: Db, runIds: readonly string[]): Promise<Map<string, BulkCiCounts>> {
  const counts = new Map<string, Record<keyof BulkCiCounts, number>>();
  if (runIds.length === 0) return counts;
  const rows = await db
    .selectFrom('bulk_ci_steps')
    .select((eb) => ['run_id', 'status', 'outcome', eb.fn.countAll<string | number>().as('n')])
    .where('run_id', 'in', runIds)
    .groupBy(['run_id', 'status', 'outcome'])
    .execute();
  for (const row of rows) {
    const tally = counts.get(row.run_id) ?? zeroCounts();
    tally[countOf(row.status, row.outcome)] += Number(row.n);
    counts.set(row.run_id, tally);
  }
  return counts;
}

async function toViews(db: Db, rows: readonly BulkCiRunRow[]): Promise<BulkCiRunView[]> {
  const counts = await countsOf(
    db,
    rows.map((row) => row.id),
  );
  const userIds = [...new Set(rows.map((row) => row.created_by).filter((id): id is string => id !== null))];
  const users =
    userIds.length === 0
      ? []
      : await db.selectFrom('users').select(['id', 'email']).where('id', 'in', userIds).execute();
  const emails = new Map(users.map((user) => [user.id, user.email]));
  return rows.map((row) => {
    const tally = counts.get(row.id) ?? zeroCounts();
    const email = row.created_by === null ? undefined : emails.get(row.created_by);
    return {
      id: row.id,
      status: row.status,
      mode: row.mode,
      createdAt: row.created_at,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      createdBy: row.created_by !== null && email !== undefined ? { id: row.created_by, email } : null,
      total: Object.values(tally).reduce((sum, n) => sum + n, 0),
      counts: tally,
    };
  });
}

export async function findRun(db: Db, accountId: string, runId: string): Promise<BulkCiRunView | undefined> {
  const row = await findRunRow(db, accountId, runId);
  return row && (await toViews(db, [row]))[0];
}

/** The account's newest runs, newest first. */
export async function listRuns(db: Db, accountId: string, limit = 50): Promise<BulkCiRunView[]> {
  const rows = await db
    .selectFrom('bulk_ci_runs')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return toViews(db, rows);
}

/** Moves a run from one of `from` to `to`; false when it was in none of them (someone else moved it first). */
export async function moveRun(
  db: Db,
  runId: string,
  from: readonly BulkCiRunStatus[],
  to: BulkCiRunStatus,
  extra: { startedAt?: string; finishedAt?: string | null; resumed?: boolean } = {},
): Promise<boolean> {
  const result = await db
    .updateTable('bulk_ci_runs')
    .set((eb) => ({
      status: to,
      ...(extra.startedAt === undefined
        ? {}
        : { started_at: eb.fn.coalesce('started_at', eb.val(extra.startedAt)) }),
      ...(extra.finishedAt === undefined ? {} : { finished_at: extra.finishedAt }),
      ...(extra.resumed ? { resumes: eb('resumes', '+', 1) } : {}),
    }))
    .where('id', '=', runId)
    .where('status', 'in', [...from])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Steps

export interface StepPage {
  readonly items: BulkCiStepRow[];
  /** The position to continue after; null on the last page. */
  readonly nextAfter: number | null;
}

export async function listSteps(
  db: Db,
  accountId: string,
  runId: string,
  filter: { status?: BulkCiStepStatus | undefined; limit: number; afterPosition?: number | undefined },
): Promise<StepPage> {
  const rows = await db
    .selectFrom('bulk_ci_steps')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('run_id', '=', runId)
    .$if(filter.status !== undefined, (qb) => qb.where('status', '=', filter.status!))
    .$if(filter.afterPosition !== undefined, (qb) => qb.where('position', '>', filter.afterPosition!))
    .orderBy('position')
    .limit(filter.limit + 1)
    .execute();
  const items = rows.slice(0, filter.limit);
  return { items, nextAfter: rows.length > filter.limit ? (items.at(-1)?.position ?? null) : null };
}

/** The last thing an earlier run did to each of `repositoryIds` that has the job now (or a pull request proposing it). */
export async function lastDoneSteps(
  db: Db,
  accountId: string,
  repositoryIds: readonly string[],
): Promise<Map<string, BulkCiStepRow>> {
  const last = new Map<string, BulkCiStepRow>();
  for (let at = 0; at < repositoryIds.length; at += 500) {
    const rows = await db
      .selectFrom('bulk_ci_steps')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('repository_id', 'in', repositoryIds.slice(at, at + 500))
      .where('status', '=', 'done')
      .orderBy('updated_at', 'desc')
      .execute();
    for (const row of rows) if (!last.has(row.repository_id)) last.set(row.repository_id, row);
  }
  return last;
}

/** What a (re)started job still has to do: pending, failed and interrupted steps, in position order. */
export const stepsToWork = (db: Db, runId: string): Promise<BulkCiStepRow[]> =>
  db
    .selectFrom('bulk_ci_steps')
    .selectAll()
    .where('run_id', '=', runId)
    .where('status', 'in', ['pending', 'running', 'failed'])
    .orderBy('position')
    .execute();

export async function findStep(
  db: Db,
  runId: string,
  repositoryId: string,
): Promise<BulkCiStepRow | undefined> {
  return db
    .selectFrom('bulk_ci_steps')
    .selectAll()
    .where('run_id', '=', runId)
    .where('repository_id', '=', repositoryId)
    .executeTakeFirst();
}

/** Marks a step running (one more attempt); false when it is done or skipped already. */
export async function startStep(db: Db, runId: string, repositoryId: string): Promise<boolean> {
  const result = await db
    .updateTable('bulk_ci_steps')
    .set((eb) => ({
      status: 'running',
      attempts: eb('attempts', '+', 1),
      reason: null,
      message: null,
      fix: null,
      updated_at: nowIso(),
    }))
    .where('run_id', '=', runId)
    .where('repository_id', '=', repositoryId)
    .where('status', 'in', ['pending', 'running', 'failed'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** What a finished step did: the CI file's outcome and links, and the secret. */
export interface StepResult {
  readonly outcome: BulkCiOutcome;
  readonly pullRequestUrl: string | null;
  readonly commitUrl: string | null;
  readonly secret: 'created' | 'present';
}

export async function finishStep(
  db: Db,
  runId: string,
  repositoryId: string,
  result: StepResult,
): Promise<void> {
  await db
    .updateTable('bulk_ci_steps')
    .set({
      status: 'done',
      outcome: result.outcome,
      pull_request_url: result.pullRequestUrl,
      commit_url: result.commitUrl,
      secret: result.secret,
      updated_at: nowIso(),
    })
    .where('run_id', '=', runId)
    .where('repository_id', '=', repositoryId)
    .execute();
}

/** A failed step: a resume does it again (the writers converge). */
export async function failStep(
  db: Db,
  runId: string,
  repositoryId: string,
  problem: { reason: string; message: string; fix: string | null },
): Promise<void> {
  await db
    .updateTable('bulk_ci_steps')
    .set({
      status: 'failed',
      outcome: null,
      pull_request_url: null,
      commit_url: null,
      secret: null,
      reason: problem.reason,
      message: problem.message,
      fix: problem.fix,
      updated_at: nowIso(),
    })
    .where('run_id', '=', runId)
    .where('repository_id', '=', repositoryId)
    .execute();
}

/** A step interrupted (cancel, shutdown) goes back to pending. */
export async function releaseStep(db: Db, runId: string, repositoryId: string): Promise<void> {
  await db
    .updateTable('bulk_ci_steps')
    .set({ status: 'pending', updated_at: nowIso() })
    .where('run_id', '=', runId)
    .where('repository_id', '=', repositoryId)
    .where('status', '=', 'running')
    .execute();
}

// ---------------------------------------------------------------------------------------------------------------
// CI secrets

export interface CiSecretPlace {
  readonly accountId: string;
  readonly connectionId: string;
  readonly scopeKey: string;
  readonly secretName: string;
}

const placeOf = (db: Db, place: CiSecretPlace) =>
  db
    .selectFrom('ci_secrets')
    .where('ci_secrets.account_id', '=', place.accountId)
    .where('ci_secrets.connection_id', '=', place.connectionId)
    .where('ci_secrets.scope_key', '=', place.scopeKey)
    .where('ci_secrets.secret_name', '=', place.secretName);

/**
 * The token believed stored in `place` when it still exists and no replacement is half-way; undefined when a
 * new secret must be made.
 */
export async function currentCiSecretToken(db: Db, place: CiSecretPlace): Promise<string | undefined> {
  const row = await placeOf(db, place)
    .leftJoin('api_tokens', 'api_tokens.id', 'ci_secrets.api_token_id')
    .select(['ci_secrets.pending_api_token_id as pending', 'api_tokens.id as tokenId'])
    .executeTakeFirst();
  if (!row || row.pending !== null) return undefined;
  return row.tokenId ?? undefined;
}

/**
 * Records `tokenId` as about to be stored in `place` (in the transaction that created it); a replacement left
 * half-way by an earlier run is revoked, as this one overwrites whatever it stored.
 */
export async function beginCiSecret(db: Db, place: CiSecretPlace, tokenId: string): Promise<void> {
  const row = await placeOf(db, place).select('pending_api_token_id as pending').executeTakeFirst();
  if (row?.pending) await revokeToken(db, place.accountId, row.pending);
  await db
    .insertInto('ci_secrets')
    .values({
      account_id: place.accountId,
      connection_id: place.connectionId,
      scope_key: place.scopeKey,
      secret_name: place.secretName,
      api_token_id: null,
      pending_api_token_id: tokenId,
      created_at: nowIso(),
    })
    .onConflict((oc) =>
      oc
        .columns(['connection_id', 'scope_key', 'secret_name'])
        .doUpdateSet({ pending_api_token_id: tokenId }),
    )
    .execute();
}

/** The pending token is now stored in `place`: it becomes the current one and the token it replaces is revoked. */
export async function confirmCiSecret(db: Db, place: CiSecretPlace, tokenId: string): Promise<void> {
  const row = await placeOf(db, place).select('api_token_id as previous').executeTakeFirst();
  if (row?.previous && row.previous !== tokenId) await revokeToken(db, place.accountId, row.previous);
  await db
    .updateTable('ci_secrets')
    .set({ api_token_id: tokenId, pending_api_token_id: null, created_at: nowIso() })
    .where('account_id', '=', place.accountId)
    .where('connection_id', '=', place.connectionId)
    .where('scope_key', '=', place.scopeKey)
    .where('secret_name', '=', place.secretName)
    .execute();
}

const revokeToken = (db: Db, accountId: string, tokenId: string) =>
  db.deleteFrom('api_tokens').where('account_id', '=', accountId).where('id', '=', tokenId).execute();
