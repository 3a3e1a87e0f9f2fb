import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findApiToken } from '../../src/db/api-tokens.js';
import { ApiClient } from '../helpers/api-client.js';
import { waitFor } from '../api/github/github-world.js';
import { sarif } from '../api/scans/sarif-fixtures.js';
import { startGitHubBulkWorld, type BulkRun, type GitHubBulkWorld } from './github-bulk-world.js';

const writes = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const branch = 'scm-connect/add-scan-job';

/*
 * Bulk runs over GitHub repositories through the instance's app installed on `acme`: pull requests, direct
 * commits, the Actions secret sealed to each repository (the twin opens it) holding a token that uploads scans.
 */
describe('bulk CI runs on GitHub', () => {
  let world: GitHubBulkWorld;
  const base = () => `/api/v1/accounts/${world.accountId}`;
  const repo = (name: string) => world.twin.state.requireRepo(name);
  const openPulls = (name: string) =>
    [...world.twin.state.pulls.values()].filter(
      (pull) => pull.repoId === repo(name).id && pull.head === branch && pull.state === 'open',
    );
  const secretOf = (name: string) =>
    world.twin.state.actionsSecrets.get(repo(name).id)?.secrets.get('SCM_CONNECT_API_TOKEN')?.value;
  const scmWrites = () =>
    world.twin.log.filter((r) => writes.has(r.method) && !r.path.endsWith('/access_tokens')).length;

  beforeAll(async () => {
    world = await startGitHubBulkWorld([
      { name: 'svc-a' },
      { name: 'svc-b' },
      { name: 'svc-c' },
      { name: 'svc-d' },
      { name: 'guarded', protection: 'classic' },
      { name: 'spoon', fork: true },
      { name: 'blank', empty: true },
      ...Array.from({ length: 6 }, (_, n) => ({ name: `slow-${n}` })),
    ]);
  }, 120_000);
  afterAll(() => world?.close());

  it('opens a pull request per repository and stores a working upload token; a second run changes nothing', async () => {
    const names = ['acme/web-shop', 'acme/payments', 'acme/svc-a', 'acme/svc-b'];
    const run = await world.startRun(
      [...names, 'acme/legacy-cms', 'acme/spoon', 'acme/blank'],
      'pull-request',
    );
    // GitHub names a default branch even for an empty repository: that one fails when its branch is read.
    expect(run.counts).toMatchObject({ pending: 5, skipped: 2 });
    const ended = await world.waitForEnd(run.id);
    expect(ended).toMatchObject({
      status: 'succeeded',
      counts: { opened: 4, skipped: 2, failed: 1, pending: 0 },
    });

    const steps = await world.steps(run.id);
    expect(
      Object.fromEntries(steps.filter((s) => s.status === 'skipped').map((s) => [s.fullName, s.reason])),
    ).toEqual({
      'acme/legacy-cms': 'archived',
      'acme/spoon': 'fork',
    });
    expect(steps.find((s) => s.fullName === 'acme/blank')).toMatchObject({
      status: 'failed',
      reason: 'repository_empty',
      fix: expect.any(String),
      secret: null,
    });
    for (const name of names) {
      const step = steps.find((s) => s.fullName === name)!;
      expect(step).toMatchObject({ status: 'done', outcome: 'opened', secret: 'created', commitUrl: null });
      const pulls = openPulls(name);
      expect(pulls).toHaveLength(1);
      expect(step.pullRequestUrl).toBe(`${world.twin.webUrl}/${name}/pull/${pulls[0]!.number}`);
      // The twin opens the sealed secret: it is a live scan-upload token of this account.
      const token = await findApiToken(world.service.database.db, secretOf(name)!);
      expect(token).toMatchObject({ accountId: world.accountId, role: 'scan-upload' });
    }
    const tokens = await world.service.database.db
      .selectFrom('api_tokens')
      .select('name')
      .where('account_id', '=', world.accountId)
      .execute();
    expect(tokens.map((t) => t.name).sort()).toEqual(names.map((name) => `CI: ${name}`).sort());

    // What the CI job does with it: upload a scan.
    const ci = new ApiClient(world.service.url);
    ci.bearer = secretOf('acme/web-shop');
    const uploaded = await ci.call(
      'POST',
      `${base()}/scans?repository=acme/web-shop&commit=${'a'.repeat(40)}&branch=main`,
      sarif({ tool: 'ci-tool' }),
      { 'content-type': 'application/sarif+json' },
    );
    expect(uploaded.status, uploaded.text).toBe(202);

    // The review of a new run shows which repositories already have the job, and through which pull request.
    const review = await world.api.post<{
      alreadyDone: { fullName: string; outcome: string; pullRequestUrl: string | null }[];
    }>(`${base()}/ci-jobs/review`, {
      repositoryIds: [...names, 'acme/blank'].map((name) => world.ids[name]),
    });
    expect(review.status, review.text).toBe(200);
    expect(review.body.alreadyDone.map((item) => item.fullName).sort()).toEqual([...names].sort());
    for (const item of review.body.alreadyDone) {
      expect(item.outcome).toBe('opened');
      expect(item.pullRequestUrl).toMatch(/\/pull\/\d+$/);
    }

    const before = scmWrites();
    const second = await world.startRun(names, 'pull-request');
    const again = await world.waitForEnd(second.id);
    expect(again).toMatchObject({ status: 'succeeded', counts: { present: 4, opened: 0, failed: 0 } });
    for (const step of await world.steps(second.id)) {
      expect(step).toMatchObject({ outcome: 'unchanged', secret: 'present' });
    }
    expect(scmWrites()).toBe(before);
    for (const name of names) expect(openPulls(name)).toHaveLength(1);
  });

  it('commits directly where allowed; a protected default branch fails with the rule to change', async () => {
    const run = await world.startRun(['acme/svc-c', 'acme/guarded'], 'direct');
    const ended = await world.waitForEnd(run.id);
    expect(ended).toMatchObject({ status: 'succeeded', counts: { committed: 1, failed: 1 } });
    const [committed, refused] = await world.steps(run.id);
    expect(committed).toMatchObject({ fullName: 'acme/svc-c', outcome: 'committed', pullRequestUrl: null });
    expect(committed!.commitUrl).toMatch(new RegExp(`^${world.twin.webUrl}/acme/svc-c/commit/[0-9a-f]{40}$`));
    expect(refused).toMatchObject({ fullName: 'acme/guarded', status: 'failed', reason: 'branch_protected' });
    expect(refused!.fix).toEqual(expect.any(String));
    expect(refused!.message).not.toMatch(/documentation_url|\{/);
    const commits = [...(repo('acme/guarded').git?.commits.values() ?? [])];
    expect(commits.filter((commit) => commit.message.includes('scm-connect'))).toEqual([]);
  });

  it('waits out an SCM outage instead of failing the repository', async () => {
    world.twin.faults.next({ kind: 'status', status: 503 }, 2, '/repos/acme/svc-d/contents');
    const run = await world.startRun(['acme/svc-d'], 'pull-request');
    const ended = await world.waitForEnd(run.id);
    expect(ended.counts).toMatchObject({ opened: 1, failed: 0 });
  });

  it('cancels between repositories and a resume finishes only the rest', async () => {
    const names = Array.from({ length: 6 }, (_, n) => `acme/slow-${n}`);
    world.twin.faults.latencyMs = 60;
    try {
      const run = await world.startRun(names, 'pull-request');
      await waitFor(async () => {
        const now = (await world.api.get<BulkRun>(`${base()}/ci-jobs/${run.id}`)).body;
        return now.counts.opened >= 1 ? now : undefined;
      }, 30_000);
      const cancelled = await world.api.post<BulkRun>(`${base()}/ci-jobs/${run.id}/cancel`);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.status).toBe('cancelled');
      // The repository being worked on when it was cancelled finishes; nothing starts after it.
      const stopped = await waitFor(async () => {
        const steps = await world.steps(run.id);
        return steps.some((s) => s.status === 'running') ? undefined : steps;
      }, 30_000);
      const doneFirst = stopped.filter((s) => s.status === 'done').map((s) => s.fullName);
      expect(doneFirst.length).toBeGreaterThanOrEqual(1);
      expect(doneFirst.length).toBeLessThan(names.length);
      expect(
        stopped.filter((s) => s.status === 'pending').length,
        JSON.stringify(stopped.map((s) => [s.status, s.reason])),
      ).toBe(names.length - doneFirst.length);
      const pullsBefore = world.twin.state.pulls.size;

      world.twin.faults.latencyMs = 0;
      const resumed = await world.api.post<BulkRun>(`${base()}/ci-jobs/${run.id}/resume`);
      expect(resumed.status).toBe(202);
      const ended = await world.waitForEnd(run.id);
      expect(ended).toMatchObject({ status: 'succeeded', counts: { opened: names.length, pending: 0 } });
      expect(world.twin.state.pulls.size - pullsBefore).toBe(names.length - doneFirst.length);
      for (const name of names) expect(openPulls(name)).toHaveLength(1);
    } finally {
      world.twin.faults.latencyMs = 0;
    }
  });
});
