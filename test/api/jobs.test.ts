import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobsTable } from '../../src/db/schema.js';
import { enqueueJob, type Job } from '../../src/jobs/index.js';
import { ApiClient, addPerson, setUpAdmin } from '../helpers/api-client.js';
import { startTestService, type TestService } from '../helpers/service.js';

interface JobView {
  id: string;
  kind: string;
  connectionId: string | null;
  status: string;
  progress: { done: number; total: number | null } | null;
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  lastError: string | null;
  error: { message: string; fix: string | null } | null;
  result?: unknown;
}
interface JobPage {
  items: JobView[];
  nextCursor: string | null;
}

describe('the jobs API (Activity)', () => {
  let service: TestService;
  let admin: ApiClient;
  let member: ApiClient;
  let accountId: string;
  let otherAccount: string;
  let otherJob: Job;
  const connectionA = randomUUID();
  const connectionB = randomUUID();
  const jobsPath = (account = accountId) => `/api/v1/accounts/${account}/jobs`;

  const enqueue = (kind: string, payload: unknown = {}, account = accountId) =>
    enqueueJob(service.database.db, { accountId: account, kind, payload });
  const setRow = (id: string, changes: Partial<Omit<JobsTable, 'id'>>) =>
    service.database.db.updateTable('jobs').set(changes).where('id', '=', id).execute();

  beforeAll(async () => {
    // No built-in worker: the jobs stay as the test puts them.
    service = await startTestService({ SCM_CONNECT_WORKER: 'false' });
    const setUp = await setUpAdmin(service);
    admin = setUp.client;
    accountId = setUp.session.currentAccountId!;
    member = (await addPerson(admin, service, accountId, 'dev@example.com', 'member')).client;
    const other = await admin.post<{ id: string }>('/api/v1/accounts', { name: 'Other tenant' });
    otherAccount = other.body.id;
    await addPerson(admin, service, otherAccount, 'bob@other.example', 'admin');
    await admin.delete(`/api/v1/accounts/${otherAccount}/members/${setUp.session.user.id}`);
    otherJob = await enqueue('connection.sync', { connectionId: randomUUID() }, otherAccount);
  });
  afterAll(() => service?.close());

  it('runs no worker in a service started with SCM_CONNECT_WORKER=false', () => {
    expect(service.background).toBeUndefined();
  });

  it('lists newest first with kind, connection and status filters, a page at a time', async () => {
    const syncA = await enqueue('connection.sync', { connectionId: connectionA, reason: 'manual' });
    const checkA = await enqueue('connection.token-expiry', { connectionId: connectionA });
    const syncB = await enqueue('connection.sync', { connectionId: connectionB });
    const health = await enqueue('account.webhook-health');
    await setRow(syncB.id, {
      status: 'failed',
      last_error: 'GitLab refused the token. Fix: Create a new token.',
    });
    // Distinct creation times (in the future, so these come before every other job of the file), in order.
    for (const [index, job] of [syncA, checkA, syncB, health].entries()) {
      await setRow(job.id, { created_at: `2099-01-01T00:00:0${index}.000Z` });
    }

    const all = await member.get<JobPage>(`${jobsPath()}?limit=4`);
    expect(all.status).toBe(200);
    expect(all.body.items.map((job) => job.id)).toEqual([health.id, syncB.id, checkA.id, syncA.id]);
    expect(all.body.items[3]).toMatchObject({
      kind: 'connection.sync',
      connectionId: connectionA,
      status: 'queued',
    });
    expect(all.body.items[3]).not.toHaveProperty('result');
    expect(all.body.items[0]?.connectionId).toBeNull();

    const byConnection = await member.get<JobPage>(`${jobsPath()}?connectionId=${connectionA}`);
    expect(byConnection.body.items.map((job) => job.id)).toEqual([checkA.id, syncA.id]);
    const syncs = await member.get<JobPage>(`${jobsPath()}?kind=connection.sync`);
    expect(syncs.body.items.map((job) => job.id)).toEqual([syncB.id, syncA.id]);
    const failed = await member.get<JobPage>(`${jobsPath()}?status=failed`);
    expect(failed.body.items).toEqual([
      expect.objectContaining({
        id: syncB.id,
        lastError: 'GitLab refused the token. Fix: Create a new token.',
        error: { message: 'GitLab refused the token.', fix: 'Create a new token.' },
      }),
    ]);
    const several = await member.get<JobPage>(`${jobsPath()}?status=failed,queued&kind=connection.sync`);
    expect(several.body.items.map((job) => job.id)).toEqual([syncB.id, syncA.id]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: JobPage } = await member.get<JobPage>(
        `${jobsPath()}?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.items.map((job) => job.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.body.items.map((job) => job.id));
  });

  it('refuses a cursor it did not give and an unknown status, saying what to send', async () => {
    const forged = Buffer.from(`2030-01-01T00:00:00.000Z|not-an-id`).toString('base64url');
    for (const cursor of ['garbage', forged, Buffer.from('x|y|z').toString('base64url')]) {
      const answer = await admin.get<{ code: string; message: string }>(`${jobsPath()}?cursor=${cursor}`);
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('invalid_cursor');
      expect(answer.body.message).toContain('nextCursor');
    }
    const status = await admin.get<{ code: string; message: string }>(`${jobsPath()}?status=done`);
    expect(status.status).toBe(400);
    expect(status.body.message).toContain('queued, running, succeeded, failed, cancelled');
  });

  it('shows progress, start and the result of one job', async () => {
    const job = await enqueue('connection.sync', { connectionId: connectionA });
    await setRow(job.id, {
      status: 'running',
      attempts: 1,
      started_at: '2030-01-01T10:00:00.000Z',
      progress_done: 1500,
      progress_total: null,
    });
    const running = await member.get<JobView>(`${jobsPath()}/${job.id}`);
    expect(running.body).toMatchObject({
      status: 'running',
      attempts: 1,
      startedAt: '2030-01-01T10:00:00.000Z',
      progress: { done: 1500, total: null },
      result: null,
    });
  });

  it('retries a failed job and cancels a queued one, for admins only', async () => {
    const failed = await enqueue('connection.sync', { connectionId: connectionA });
    await setRow(failed.id, {
      status: 'failed',
      attempts: 5,
      last_error: 'The SCM did not answer.',
      finished_at: new Date().toISOString(),
    });
    expect((await member.post(`${jobsPath()}/${failed.id}/retry`)).status).toBe(403);
    const retried = await admin.post<JobView>(`${jobsPath()}/${failed.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'queued', attempts: 0, lastError: null, finishedAt: null });

    const again = await admin.post<{ code: string; message: string }>(`${jobsPath()}/${failed.id}/retry`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'job_not_retryable' });
    expect(again.body.message).toContain('queued');

    expect((await member.post(`${jobsPath()}/${failed.id}/cancel`)).status).toBe(403);
    const cancelled = await admin.post<JobView>(`${jobsPath()}/${failed.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    // A cancelled job can be queued again too.
    expect((await admin.post<JobView>(`${jobsPath()}/${failed.id}/retry`)).body.status).toBe('queued');

    const done = await enqueue('connection.sync', { connectionId: connectionA });
    await setRow(done.id, { status: 'succeeded', finished_at: new Date().toISOString() });
    const late = await admin.post<{ code: string; message: string }>(`${jobsPath()}/${done.id}/cancel`);
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: 'job_finished' });
  });

  it("answers another account's jobs with 404, like jobs that do not exist", async () => {
    const missing = randomUUID();
    for (const [method, suffix] of [
      ['GET', ''],
      ['POST', '/retry'],
      ['POST', '/cancel'],
    ] as const) {
      const foreign = await admin.call(
        method,
        `${jobsPath()}/${otherJob.id}${suffix}`,
        method === 'POST' ? {} : undefined,
      );
      const random = await admin.call(
        method,
        `${jobsPath()}/${missing}${suffix}`,
        method === 'POST' ? {} : undefined,
      );
      expect([foreign.status, foreign.body]).toEqual([404, random.body]);
      const crossed = await admin.call(
        method,
        `${jobsPath(otherAccount)}/${otherJob.id}${suffix}`,
        method === 'POST' ? {} : undefined,
      );
      expect(crossed.status).toBe(404);
    }
    expect((await admin.get(jobsPath(otherAccount))).status).toBe(404);
    const list = await admin.get<JobPage>(`${jobsPath()}?limit=200`);
    expect(list.body.items.map((job) => job.id)).not.toContain(otherJob.id);
    const [row] = await service.database.db
      .selectFrom('jobs')
      .select('status')
      .where('id', '=', otherJob.id)
      .execute();
    expect(row?.status).toBe('queued');
  });
});
