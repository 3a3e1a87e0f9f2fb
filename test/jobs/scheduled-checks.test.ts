import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueJob, findJob, listJobs, type Job } from '../../src/jobs/index.js';
import { scheduleJobKinds } from '../../src/jobs/service-schedules.js';
import type { ApiClient } from '../helpers/api-client.js';
import type { TestService } from '../helpers/service.js';
import { demoGitLabScenario, startGitLabTwin, type GitLabTwin } from '../twins/gitlab/index.js';
import {
  connectOk,
  getConnection,
  loopbackEnv,
  startWithAdmin,
  waitForFirstSync,
} from '../api/connections/connections-api.js';
import { eventually } from './processes/process-env.js';

const dayMs = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * dayMs).toISOString().slice(0, 10);

/** The service's schedules, run as their slot would run them: the instance job, then its children. */
describe('the scheduled checks and syncs of every connection', () => {
  let twin: GitLabTwin;
  let service: TestService;
  let admin: ApiClient;
  let accountId: string;
  let expiring: string;
  let lasting: string;

  beforeAll(async () => {
    twin = await startGitLabTwin(demoGitLabScenario());
    twin.addToken({ value: 'glpat-expires-soon', user: 'alice', scopes: ['api'], expiresAt: inDays(10) });
    twin.addToken({ value: 'glpat-expires-later', user: 'alice', scopes: ['api'], expiresAt: inDays(90) });
    ({ service, admin, accountId } = await startWithAdmin(loopbackEnv));
    const soon = await connectOk(admin, accountId, {
      kind: 'gitlab-self-managed',
      baseUrl: twin.url,
      group: 'acme',
      token: 'glpat-expires-soon',
    });
    const other = await admin.post<{ id: string }>('/api/v1/accounts', { name: 'Second' });
    const later = await connectOk(admin, other.body.id, {
      kind: 'gitlab-self-managed',
      baseUrl: twin.url,
      group: 'acme',
      token: 'glpat-expires-later',
    });
    await waitForFirstSync(admin, accountId, soon.id);
    await waitForFirstSync(admin, other.body.id, later.id);
    expiring = soon.id;
    lasting = later.id;
  }, 60_000);

  afterAll(async () => {
    await service?.close();
    await twin?.close();
  });

  /** Queues the schedule's instance job, as its slot would, and waits for it and every job it fanned out. */
  async function runSchedule(kind: string): Promise<Job> {
    const db = service.database.db;
    const parent = await enqueueJob(db, { accountId: null, kind, payload: null });
    await eventually(async () => (await findJob(db, null, parent.id))?.status === 'succeeded');
    const children = () =>
      db.selectFrom('jobs').select('status').where('idempotency_key', 'like', `%:${parent.id}`).execute();
    await eventually(async () => (await children()).every((child) => child.status === 'succeeded'));
    return (await findJob(db, null, parent.id))!;
  }

  const childrenOf = async (account: string, parent: Job) =>
    (await listJobs(service.database.db, account, { limit: 200 })).jobs.filter((job) =>
      job.idempotencyKey?.endsWith(`:${parent.id}`),
    );

  it('checks every token daily and stores the warning 14 days ahead on the connection', async () => {
    const parent = await runSchedule(scheduleJobKinds.checkTokenExpiry);
    expect(parent.result).toEqual({ targets: 2, enqueued: 2, skipped: 0 });
    const [check] = await childrenOf(accountId, parent);
    expect(check).toMatchObject({
      kind: 'connection.token-expiry',
      connectionId: expiring,
      status: 'succeeded',
      result: { connectionId: expiring, status: 'warn', fix: expect.stringContaining('new token') },
    });
    const soon = await getConnection(admin, accountId, expiring);
    expect(soon.lastTest).toMatchObject({ status: 'warn', tokenExpiry: { status: 'warn' } });
    expect(JSON.stringify(soon.lastTest)).toContain('expires in');
    const secondAccount = (
      await service.database.db
        .selectFrom('connections')
        .select('account_id')
        .where('id', '=', lasting)
        .executeTakeFirstOrThrow()
    ).account_id;
    const later = await getConnection(admin, secondAccount, lasting);
    expect(later.lastTest).toMatchObject({ tokenExpiry: { status: 'ok' } });
  });

  it('syncs every connection on schedule', async () => {
    const before = (await getConnection(admin, accountId, expiring)).lastSyncedAt;
    const parent = await runSchedule(scheduleJobKinds.syncConnections);
    expect(parent.result).toEqual({ targets: 2, enqueued: 2, skipped: 0 });
    const [sync] = await childrenOf(accountId, parent);
    expect(sync).toMatchObject({
      kind: 'connection.sync',
      connectionId: expiring,
      payload: { connectionId: expiring, reason: 'scheduled' },
      status: 'succeeded',
      progress: { done: expect.any(Number), total: null },
    });
    const after = await getConnection(admin, accountId, expiring);
    expect(after.syncError).toBeNull();
    expect(after.lastSyncedAt! > before!).toBe(true);
  });

  it('records hourly, per connection, what is known of its webhook endpoint', async () => {
    const parent = await runSchedule(scheduleJobKinds.checkWebhookHealth);
    expect(parent.result).toEqual({ targets: 2, enqueued: 2, skipped: 0 });
    const [health] = await childrenOf(accountId, parent);
    expect(health).toMatchObject({ kind: 'account.webhook-health', connectionId: null, status: 'succeeded' });
    expect(health?.result).toMatchObject({
      connections: [
        {
          connectionId: expiring,
          endpoint: 'missing',
          lastDeliveryAt: null,
          // Registering needs the address the SCM delivers to.
          message: expect.stringContaining('SCM_CONNECT_PUBLIC_URL'),
        },
      ],
    });
  });
});
