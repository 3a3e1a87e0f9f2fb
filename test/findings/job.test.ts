import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanProcessJobKind } from '../../src/findings/jobs.js';
import { enqueueJob, findJob } from '../../src/jobs/index.js';
import { setUpAdmin, type ApiClient } from '../helpers/api-client.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { sarifLog, seedRepository, sha, storeScan, type Seeded } from './fixtures.js';

async function settled(service: TestService, accountId: string, jobId: string) {
  for (let tries = 0; tries < 200; tries += 1) {
    const job = await findJob(service.database.db, accountId, jobId);
    if (job && (job.status === 'succeeded' || job.status === 'failed')) return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the job did not finish');
}

describe('the scan.process job', () => {
  let service: TestService;
  let seeded: Seeded;
  let admin: ApiClient;
  beforeAll(async () => {
    service = await startTestService();
    const { session, client } = await setUpAdmin(service);
    admin = client;
    seeded = await seedRepository(service.database.db, { accountId: session.accounts[0]!.id });
  });
  afterAll(() => service.close());

  it('processes a stored scan: findings, summary, progress; a connection without a token reads no file', async () => {
    const run = {
      tool: { driver: { name: 'eslint' } },
      results: [
        {
          ruleId: 'no-eval',
          message: { text: 'eval' },
          locations: [{ physicalLocation: { artifactLocation: { uri: 'a.js' }, region: { startLine: 1 } } }],
        },
      ],
    };
    const scanId = await storeScan(service.database.db, seeded, {
      commitSha: sha('job-1'),
      log: sarifLog(run),
    });
    const job = await enqueueJob(service.database.db, {
      accountId: seeded.accountId,
      kind: scanProcessJobKind,
      payload: { scanId },
    });
    const done = await settled(service, seeded.accountId, job.id);
    expect(done.status).toBe('succeeded');
    expect(done.progress).toEqual({ done: 1, total: 1 });
    const scan = await service.database.db
      .selectFrom('scans')
      .selectAll()
      .where('id', '=', scanId)
      .executeTakeFirstOrThrow();
    expect(scan).toMatchObject({ status: 'processed', log_gzip_base64: null });
    const summary = JSON.parse(scan.summary!);
    expect(summary).toMatchObject({ results: 1, open: 1, new: 1 });
    expect(summary.runs[0].notes[0]).toMatch(/could not be opened to read files/);
  });

  it('fails a scan with a bad log at once, saying why, without retrying', async () => {
    const scanId = await storeScan(service.database.db, seeded, {
      commitSha: sha('job-bad'),
      log: { version: '2.1.0', runs: [{ tool: { driver: {} } }] },
    });
    const job = await enqueueJob(service.database.db, {
      accountId: seeded.accountId,
      kind: scanProcessJobKind,
      payload: { scanId },
    });
    const done = await settled(service, seeded.accountId, job.id);
    expect(done).toMatchObject({ status: 'failed', attempts: 1 });
    const scan = await service.database.db
      .selectFrom('scans')
      .selectAll()
      .where('id', '=', scanId)
      .executeTakeFirstOrThrow();
    expect(scan).toMatchObject({ status: 'failed', error_code: 'invalid_log' });
    expect(scan.error_message).toMatch(/runs\[0\]\.tool\.driver\.name/);
  });

  it('runs after an upload through the scans API: the uploaded log becomes findings', async () => {
    const log = sarifLog({
      tool: { driver: { name: 'Semgrep', rules: [{ id: 'r1' }] } },
      automationDetails: { id: 'semgrep/pr/123' },
      results: [
        {
          ruleId: 'r1',
          message: { text: 'uploaded' },
          locations: [{ physicalLocation: { artifactLocation: { uri: 'x.py' }, region: { startLine: 4 } } }],
          fingerprints: { 'matchBasedId/v1': 'up-1' },
        },
      ],
    });
    const commit = sha('uploaded');
    const uploaded = await admin.call<{ scan: { id: string } }>(
      'POST',
      `/api/v1/accounts/${seeded.accountId}/scans?repository=${encodeURIComponent(seeded.fullName)}&commit=${commit}&branch=main`,
      JSON.stringify(log),
      { 'content-type': 'application/sarif+json' },
    );
    expect(uploaded.status, uploaded.text).toBe(202);
    const scanId = uploaded.body.scan.id;
    let scan: { status: string; summary?: { open?: number } } = { status: 'queued' };
    for (
      let tries = 0;
      tries < 200 && (scan.status === 'queued' || scan.status === 'processing');
      tries += 1
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      scan = (await admin.get<typeof scan>(`/api/v1/accounts/${seeded.accountId}/scans/${scanId}`)).body;
    }
    expect(scan).toMatchObject({ status: 'processed', summary: { open: 1 } });
    const listed = await admin.get<{ items: { category: string; message: string }[] }>(
      `/api/v1/accounts/${seeded.accountId}/findings?scan=${scanId}`,
    );
    expect(listed.body.items).toMatchObject([{ category: 'semgrep/pr', message: 'uploaded' }]);
  });
});
