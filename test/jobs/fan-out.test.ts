import { pino } from 'pino';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { insertConnection, newConnectionId } from '../../src/db/connections.js';
import { createFanOutHandler } from '../../src/jobs/fan-out.js';
import {
  createWorker,
  enqueueJob,
  listJobs,
  listSchedules,
  type Job,
  type JobContext,
} from '../../src/jobs/index.js';
import { registerServiceSchedules, scheduleJobKinds } from '../../src/jobs/service-schedules.js';
import { createTestDatabase, describeEachEngine, type TestDatabase } from '../helpers/database.js';
import { manualClock, silentLogger, twoAccounts } from './fixtures.js';

const HOUR = 3_600_000;

describeEachEngine('the service schedules and their fan-out', (engine) => {
  let database: TestDatabase;
  let acme: string;
  let beta: string;
  const connections: Record<'acmeOne' | 'acmeTwo' | 'betaOne' | 'pending', string> = {
    acmeOne: '',
    acmeTwo: '',
    betaOne: '',
    pending: '',
  };
  const add = async (accountId: string, target: string, withToken = true) => {
    const id = newConnectionId();
    await insertConnection(database.db, {
      id,
      accountId,
      kind: 'gitlab',
      name: target,
      baseUrl: 'https://gitlab.com',
      target,
      settings: {},
      tokenEncrypted: 'v1:k:sealed',
      caPem: null,
    });
    if (!withToken)
      await database.db
        .updateTable('connections')
        .set({ token_encrypted: null })
        .where('id', '=', id)
        .execute();
    return id;
  };
  beforeEach(async () => {
    database = await createTestDatabase(engine);
    ({ acme, beta } = await twoAccounts(database.db));
    connections.acmeOne = await add(acme, 'one');
    connections.acmeTwo = await add(acme, 'two');
    connections.betaOne = await add(beta, 'three');
    connections.pending = await add(beta, 'pending', false);
  });

  it('syncs a GitHub App connection (no token, a linked installation), but checks no token expiry for it', async () => {
    const app = await add(beta, 'octo-org', false);
    await database.db
      .insertInto('github_installations')
      .values({
        id: newConnectionId(),
        account_id: beta,
        connection_id: app,
        web_url: 'https://github.com',
        app_id: '1',
        installation_id: '2',
        target_id: '3',
        target_login: 'octo-org',
        target_type: 'Organization',
        repository_selection: 'all',
        allow_other_accounts: 0,
        linked_by_user_id: null,
        linked_by_github_user_id: '4',
        suspended_at: null,
        removed_at: null,
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
      })
      .execute();
    const sync = createFanOutHandler(database.db, {
      childKind: 'connection.sync',
      per: 'connection',
      maxAttempts: 5,
    });
    expect(await sync(await parentJob(), context())).toMatchObject({ targets: 4, enqueued: 4 });
    expect((await jobsOf(beta)).map((job) => job.connectionId).sort()).toEqual(
      [connections.betaOne, app].sort(),
    );
    const expiry = createFanOutHandler(database.db, {
      childKind: 'connection.token-expiry',
      per: 'token',
      maxAttempts: 3,
    });
    expect(await expiry(await parentJob(), context())).toMatchObject({ targets: 3, enqueued: 3 });
    // An uninstalled installation leaves nothing to sync.
    await database.db
      .updateTable('github_installations')
      .set({ removed_at: new Date().toISOString() })
      .execute();
    expect(await sync(await parentJob(), context())).toMatchObject({ targets: 3 });
  });
  afterEach(() => database.close());

  /** What a handler sees, without a worker: progress is recorded, nothing aborts. */
  const context = (progress: [number, number | undefined][] = []): JobContext => ({
    signal: new AbortController().signal,
    extendLease: () => Promise.resolve(),
    logger: pino({ level: 'silent' }),
    reportProgress: () => Promise.resolve(),
    setProgress: (done, total) => {
      progress.push([done, total]);
      return Promise.resolve();
    },
  });

  const parentJob = () => enqueueJob(database.db, { accountId: null, kind: 'schedule.x', payload: null });
  const jobsOf = async (accountId: string) => (await listJobs(database.db, accountId, { limit: 200 })).jobs;

  it('stores the six schedules, the sync and membership ones at the configured intervals', async () => {
    await registerServiceSchedules(database.db, { syncEveryMs: 30 * 60_000 });
    await registerServiceSchedules(database.db, { syncEveryMs: 2 * HOUR, membershipEveryMs: 15 * 60_000 });
    const schedules = await listSchedules(database.db);
    expect(schedules.map((s) => [s.name, s.kind, s.everyMs])).toEqual([
      ['connections.sync', scheduleJobKinds.syncConnections, 2 * HOUR],
      ['connections.token-expiry', scheduleJobKinds.checkTokenExpiry, 24 * HOUR],
      ['connections.webhook-health', scheduleJobKinds.checkWebhookHealth, HOUR],
      ['github.redeliver-failed', 'github.redeliver-failed', HOUR],
      ['housekeeping', 'instance.housekeeping', HOUR],
      ['membership.reconcile', scheduleJobKinds.reconcileMembership, 15 * 60_000],
    ]);
  });

  it('enqueues one job per connection with a token, in its own account, once per run', async () => {
    const handler = createFanOutHandler(database.db, {
      childKind: 'connection.sync',
      per: 'connection',
      maxAttempts: 5,
      payload: { reason: 'scheduled' },
    });
    const parent = await parentJob();
    const progress: [number, number | undefined][] = [];
    expect(await handler(parent, context(progress))).toEqual({ targets: 3, enqueued: 3, skipped: 0 });
    expect(progress.at(-1)).toEqual([3, 3]);
    // The same run again (its worker died after enqueueing): nothing twice.
    expect(await handler(parent, context())).toEqual({ targets: 3, enqueued: 0, skipped: 0 });
    const acmeJobs = await jobsOf(acme);
    expect(acmeJobs.map((job) => job.connectionId).sort()).toEqual(
      [connections.acmeOne, connections.acmeTwo].sort(),
    );
    expect(acmeJobs[0]).toMatchObject({ kind: 'connection.sync', maxAttempts: 5, status: 'queued' });
    expect(acmeJobs.map((job) => (job.payload as { reason: string }).reason)).toEqual([
      'scheduled',
      'scheduled',
    ]);
    expect((await jobsOf(beta)).map((job) => job.connectionId)).toEqual([connections.betaOne]);
  });

  it('leaves out a connection whose previous job of the kind is still queued or running', async () => {
    const handler = createFanOutHandler(database.db, {
      childKind: 'connection.sync',
      per: 'connection',
      maxAttempts: 5,
      skipWhileActive: true,
    });
    const manual = await enqueueJob(database.db, {
      accountId: acme,
      kind: 'connection.sync',
      payload: { connectionId: connections.acmeOne, reason: 'manual' },
    });
    expect(await handler(await parentJob(), context())).toEqual({ targets: 3, enqueued: 2, skipped: 1 });
    await database.db.updateTable('jobs').set({ status: 'succeeded' }).execute();
    expect(await handler(await parentJob(), context())).toEqual({ targets: 3, enqueued: 3, skipped: 0 });
    expect((await jobsOf(acme)).filter((job) => job.connectionId === connections.acmeOne)).toHaveLength(2);
    expect(manual.connectionId).toBe(connections.acmeOne);
  });

  it('enqueues one job per account with connections', async () => {
    const handler = createFanOutHandler(database.db, {
      childKind: 'account.webhook-health',
      per: 'account',
      maxAttempts: 3,
    });
    expect(await handler(await parentJob(), context())).toEqual({ targets: 2, enqueued: 2, skipped: 0 });
    expect((await jobsOf(acme)).map((job) => [job.kind, job.connectionId])).toEqual([
      ['account.webhook-health', null],
    ]);
  });

  it('enqueues one job per account whose membership a GitHub organization or GitLab group manages', async () => {
    const now = new Date().toISOString();
    await database.db
      .insertInto('membership_sources')
      .values({
        account_id: beta,
        connection_id: connections.betaOne,
        organization_external_id: '100',
        organization_name: 'three',
        role_mapping: null,
        last_reconciled_at: null,
        last_outcome: null,
        created_by: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const handler = createFanOutHandler(database.db, {
      childKind: 'membership.reconcile',
      per: 'membership-source',
      maxAttempts: 3,
    });
    expect(await handler(await parentJob(), context())).toEqual({ targets: 1, enqueued: 1, skipped: 0 });
    expect(await jobsOf(acme)).toEqual([]);
    expect((await jobsOf(beta)).map((job) => [job.kind, job.connectionId])).toEqual([
      ['membership.reconcile', null],
    ]);
  });

  it('runs a schedule slot through the worker: the instance job, then one child per connection', async () => {
    const clock = manualClock(new Date('2030-01-01T06:10:00.000Z'));
    await registerServiceSchedules(database.db, { syncEveryMs: 6 * HOUR });
    const synced: Job[] = [];
    const worker = createWorker({
      db: database.db,
      engine,
      logger: silentLogger(),
      now: () => clock.now(),
      handlers: {
        [scheduleJobKinds.syncConnections]: createFanOutHandler(database.db, {
          childKind: 'connection.sync',
          per: 'connection',
          maxAttempts: 5,
          skipWhileActive: true,
        }),
        'connection.sync': async (job) => void synced.push(job),
        [scheduleJobKinds.checkTokenExpiry]: async () => null,
        [scheduleJobKinds.checkWebhookHealth]: async () => null,
        'instance.housekeeping': async () => null,
      },
    });
    await worker.runUntilIdle();
    await worker.runUntilIdle();
    expect(synced.map((job) => job.connectionId).sort()).toEqual(
      [connections.acmeOne, connections.acmeTwo, connections.betaOne].sort(),
    );
    clock.advance(6 * HOUR);
    await worker.runUntilIdle();
    expect(synced).toHaveLength(6);
  });
});
