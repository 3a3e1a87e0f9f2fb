import { afterAll, expect, it } from 'vitest';
import { findApiToken } from '../../src/db/api-tokens.js';
import { ciBranch } from '../../src/onboarding/ci-template.js';
import { loopbackEnv } from '../api/connections/connections-api.js';
import { waitFor } from '../api/github/github-world.js';
import { adminPassword, ApiClient, setUpAdmin } from '../helpers/api-client.js';
import { startKit, type TwinKit } from '../helpers/twin-kits.js';
import type { GitLabTwin } from '../twins/gitlab/index.js';
import type { BulkRun, BulkStep } from './github-bulk-world.js';
import { restartableService } from './restartable-service.js';

const generated = 300;

/*
 * A run over 300 GitLab projects, the service stopped while the job is half-way and started again on the same
 * database: the job is taken up again and each project gets exactly one merge request, one token, one variable.
 */
let kit: TwinKit | undefined;
let service: ReturnType<typeof restartableService> | undefined;
afterAll(async () => {
  await service?.dispose();
  await kit?.close();
});

it(`finishes each of ${generated} repositories exactly once across a restart in the middle`, async () => {
  kit = await startKit('gitlab', { generatedRepositories: generated });
  const twin = kit.twin as GitLabTwin;
  // The kit's generated projects have a branch without files, which GitLab reports as an empty repository.
  for (let n = 1; n <= generated; n += 1) {
    await twin.push(`acme/bulk-${String(n).padStart(5, '0')}`, 'main', 'Initial commit', {
      'README.md': '# bulk\n',
    });
  }
  service = restartableService({ ...loopbackEnv, ...kit.env });
  let running = await service.start();
  const { client, session } = await setUpAdmin(running);
  const accountId = session.currentAccountId!;
  const base = `/api/v1/accounts/${accountId}`;
  const connected = await client.post<{ id: string }>(`${base}/connections`, kit.connectBody());
  expect(connected.status, connected.text).toBe(201);
  const connectionId = connected.body.id;
  await waitFor(async () => {
    const answer = await client.get<{ items: { id: string; lastSyncedAt: string | null }[] }>(
      `${base}/connections`,
    );
    return answer.body.items.find((c) => c.id === connectionId && c.lastSyncedAt !== null);
  }, 60_000);

  const started = await client.post<BulkRun>(`${base}/ci-jobs`, {
    all: true,
    filter: { connectionId, archived: 'false' },
    mode: 'pull-request',
  });
  expect(started.status, started.text).toBe(202);
  const runId = started.body.id;
  const eligible = started.body.total - started.body.counts.skipped;
  const firstSteps = (
    await client.get<{ items: BulkStep[] }>(`${base}/ci-jobs/${runId}/repositories?limit=3`)
  ).body.items;
  expect(eligible, JSON.stringify(firstSteps)).toBeGreaterThanOrEqual(generated);

  // Stop the service once about a third is done: the job is interrupted between (or in) repositories.
  await waitFor(async () => {
    const run = (await client.get<BulkRun>(`${base}/ci-jobs/${runId}`)).body;
    return run.counts.opened >= 100 ? run : undefined;
  }, 120_000);
  await service.stop();
  const beforeRestart = twin.log.length;

  running = await service.start();
  const again = new ApiClient(running.url);
  const signedIn = await again.post(`/api/v1/session`, {
    email: session.user.email,
    password: adminPassword,
  });
  expect(signedIn.status).toBe(200);
  const ended = await waitFor(async () => {
    const run = (await again.get<BulkRun>(`${base}/ci-jobs/${runId}`)).body;
    return run.status === 'succeeded' ? run : undefined;
  }, 240_000);
  expect(twin.log.length).toBeGreaterThan(beforeRestart);
  expect(ended.counts).toMatchObject({ pending: 0, failed: 0 });
  // The one in flight at the stop may have found its merge request already open.
  expect(ended.counts.opened + ended.counts.updated + ended.counts.present).toBe(eligible);
  expect(ended.counts.opened).toBeGreaterThanOrEqual(eligible - 1);

  const steps = (
    await again.get<{ items: BulkStep[] }>(`${base}/ci-jobs/${runId}/repositories?status=done&limit=500`)
  ).body.items;
  expect(steps).toHaveLength(eligible);
  const db = running.database.db;
  const tokens = await db
    .selectFrom('api_tokens')
    .select(['id', 'name'])
    .where('account_id', '=', accountId)
    .execute();
  expect(tokens).toHaveLength(eligible);
  expect(new Set(tokens.map((token) => token.name)).size).toBe(eligible);
  const pending = await db
    .selectFrom('ci_secrets')
    .select('scope_key')
    .where('pending_api_token_id', 'is not', null)
    .execute();
  expect(pending).toEqual([]);
  const seen = new Set<string>();
  for (const step of steps) {
    const project = twin.project(step.fullName);
    const open = [...project.mergeRequests.values()].filter(
      (mr) => mr.sourceBranch === ciBranch && mr.state === 'opened',
    );
    expect(open, step.fullName).toHaveLength(1);
    expect(step.pullRequestUrl).toContain(`/merge_requests/${open[0]!.iid}`);
    const variable = twin.ciVariable(step.fullName, 'SCM_CONNECT_API_TOKEN');
    const token = await findApiToken(db, variable!.value);
    expect(token, step.fullName).toMatchObject({ accountId, role: 'scan-upload' });
    seen.add(token!.id);
  }
  expect(seen.size).toBe(eligible);
}, 600_000);
