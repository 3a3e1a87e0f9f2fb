import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPerson, setUpAdmin, type ApiClient, type SessionBody } from '../helpers/api-client.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { bulkCiWorker } from '../onboarding/manual-worker.js';
import { seedConnection, type SeededConnection } from '../onboarding/seed.js';

interface Run {
  id: string;
  status: string;
  mode: string;
  total: number;
  createdBy: { id: string; email: string } | null;
  finishedAt: string | null;
  counts: Record<'pending' | 'opened' | 'updated' | 'present' | 'committed' | 'skipped' | 'failed', number>;
}
interface Step {
  repositoryId: string;
  fullName: string;
  system: string | null;
  status: string;
  reason: string | null;
  message: string | null;
  fix: string | null;
}

/*
 * The bulk CI API without any SCM: connections stored without a token (their repositories fail with why) and a
 * Bitbucket Data Center one (skipped: no CI system). The service runs no worker; the test runs the `ci.bulk`
 * jobs when it wants them to run.
 */
describe('bulk CI API', () => {
  let service: TestService;
  let admin: ApiClient;
  let session: SessionBody;
  let accountId: string;
  let gitlab: SeededConnection;
  let azure: SeededConnection;
  let datacenter: SeededConnection;
  let worker: ReturnType<typeof bulkCiWorker>;
  const base = () => `/api/v1/accounts/${accountId}`;

  beforeAll(async () => {
    service = await startTestService({ SCM_CONNECT_WORKER: 'false' });
    ({ client: admin, session } = await setUpAdmin(service));
    accountId = session.currentAccountId!;
    const db = service.database.db;
    gitlab = await seedConnection(db, accountId, 'gitlab-self-managed', [
      { fullName: 'acme/api' },
      { fullName: 'acme/old', archived: true },
      { fullName: 'acme/blank', defaultBranch: null },
      { fullName: 'acme/api-fork', fork: true },
      { fullName: 'acme/skip-me', excluded: true },
      { fullName: '-2+3/calc' },
    ]);
    azure = await seedConnection(db, accountId, 'azure-devops', [{ fullName: 'contoso/Shop/website' }]);
    datacenter = await seedConnection(db, accountId, 'bitbucket-data-center', [{ fullName: 'SHOP/legacy' }]);
    worker = bulkCiWorker(service);
  });
  afterAll(async () => {
    await worker.close();
    await service.close();
  });

  describe('CI job settings', () => {
    it('answers the defaults until an admin saves, then what was saved', async () => {
      const fresh = await admin.get<Record<string, unknown>>(`${base()}/ci-settings`);
      expect(fresh.status).toBe(200);
      expect(fresh.body).toMatchObject({
        image: 'semgrep/semgrep',
        secretName: 'SCM_CONNECT_API_TOKEN',
        triggers: { pullRequests: true, defaultBranchPushes: true, schedule: true },
        updatedAt: null,
      });
      const { updatedAt: _updatedAt, uploadImage, uploadCommand, ...rest } = fresh.body;
      // A client that knows only the contract's fields leaves the upload fields as they are.
      const saved = await admin.put<Record<string, unknown>>(`${base()}/ci-settings`, {
        ...rest,
        image: 'registry.acme.test/scanner:2',
        triggers: { pullRequests: true, defaultBranchPushes: false, schedule: false },
      });
      expect(saved.status).toBe(200);
      expect(saved.body).toMatchObject({
        image: 'registry.acme.test/scanner:2',
        uploadImage,
        uploadCommand,
        triggers: { pullRequests: true, defaultBranchPushes: false, schedule: false },
      });
      expect(saved.body.updatedAt).toEqual(expect.any(String));
      const read = await admin.get(`${base()}/ci-settings`);
      expect(read.body).toEqual(saved.body);
    });

    it('refuses bad settings with a 400 naming the field', async () => {
      const current = (await admin.get<Record<string, unknown>>(`${base()}/ci-settings`)).body;
      const { updatedAt: _updatedAt, ...body } = current;
      const cases: [Record<string, unknown>, string][] = [
        [{ ...body, image: 'semgrep; rm -rf /' }, 'body.image'],
        [{ ...body, secretName: 'lower case' }, 'body.secretName'],
        [
          { ...body, triggers: { pullRequests: false, defaultBranchPushes: false, schedule: false } },
          'body.triggers',
        ],
        [{ ...body, scanCommand: 'two\nlines' }, 'body.scanCommand'],
        [{ ...body, surprise: true }, 'body'],
      ];
      for (const [sent, field] of cases) {
        const answer = await admin.put<{ code: string; message: string }>(`${base()}/ci-settings`, sent);
        expect(answer.status, JSON.stringify(sent)).toBe(400);
        expect(answer.body.code).toBe('validation_failed');
        expect(answer.body.message.startsWith(field)).toBe(true);
      }
      expect((await admin.get(`${base()}/ci-settings`)).body).toEqual(current);
    });

    it('lets members read the settings and runs but not change or start anything', async () => {
      const { client: member } = await addPerson(admin, service, accountId, 'member@example.com', 'member');
      expect((await member.get(`${base()}/ci-settings`)).status).toBe(200);
      expect((await member.get(`${base()}/ci-jobs`)).status).toBe(200);
      const settings = (await member.get<Record<string, unknown>>(`${base()}/ci-settings`)).body;
      const { updatedAt: _updatedAt, ...body } = settings;
      expect((await member.put(`${base()}/ci-settings`, body)).status).toBe(403);
      const selection = { repositoryIds: [gitlab.ids['acme/api']] };
      expect((await member.post(`${base()}/ci-jobs/review`, selection)).status).toBe(403);
      expect((await member.post(`${base()}/ci-jobs`, { ...selection, mode: 'direct' })).status).toBe(403);
    });
  });

  it('reviews a selection: who is skipped and why, and the file of each CI system', async () => {
    const ids = [
      ...Object.values(gitlab.ids),
      azure.ids['contoso/Shop/website']!,
      datacenter.ids['SHOP/legacy']!,
    ];
    const answer = await admin.post<{
      total: number;
      eligible: number;
      skipped: { fullName: string; reason: string; message: string }[];
      systems: { system: string; label: string; path: string; content: string; repositories: number }[];
    }>(`${base()}/ci-jobs/review`, { repositoryIds: ids });
    expect(answer.status).toBe(200);
    expect(answer.body.total).toBe(8);
    expect(answer.body.eligible).toBe(3);
    expect(Object.fromEntries(answer.body.skipped.map((skip) => [skip.fullName, skip.reason]))).toEqual({
      'acme/old': 'archived',
      'acme/blank': 'empty',
      'acme/api-fork': 'fork',
      'acme/skip-me': 'excluded',
      'SHOP/legacy': 'no_ci_system',
    });
    expect(answer.body.skipped.every((skip) => skip.message.length > 10)).toBe(true);
    const systems = Object.fromEntries(answer.body.systems.map((s) => [s.system, s]));
    expect(Object.keys(systems).sort()).toEqual(['azure-pipelines', 'gitlab-ci']);
    expect(systems['gitlab-ci']).toMatchObject({ path: '.gitlab-ci.yml', repositories: 2 });
    expect(systems['azure-pipelines']).toMatchObject({ path: 'azure-pipelines.yml', repositories: 1 });
    // The saved settings are what the files say.
    expect(systems['gitlab-ci']!.content).toContain('registry.acme.test/scanner:2');
    expect(systems['gitlab-ci']!.content).toContain(service.url.replace('http://', ''));
  });

  it('reviews "all that match" with the listing’s filters, and refuses more than 1,000 repositories', async () => {
    const filtered = await admin.post<{ total: number; eligible: number }>(`${base()}/ci-jobs/review`, {
      all: true,
      filter: { connectionId: gitlab.connectionId, archived: 'false', excluded: 'false', q: 'acme/' },
    });
    expect(filtered.status).toBe(200);
    expect(filtered.body).toMatchObject({ total: 3, eligible: 1 }); // api, blank (empty), api-fork (fork)

    const many = await seedConnection(
      service.database.db,
      accountId,
      'gitlab',
      Array.from({ length: 1001 }, (_, n) => ({ fullName: `bulk/repo-${n}` })),
    );
    const tooMany = await admin.post<{ code: string }>(`${base()}/ci-jobs`, {
      all: true,
      filter: { connectionId: many.connectionId },
      mode: 'pull-request',
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.code).toBe('too_many_repositories');
    const ids = Object.values(many.ids);
    const byIds = await admin.post<{ code: string; message: string }>(`${base()}/ci-jobs/review`, {
      repositoryIds: ids,
    });
    expect(byIds.status).toBe(400);
    expect(byIds.body.message).toContain('repositoryIds');
    const fine = await admin.post<{ total: number }>(`${base()}/ci-jobs/review`, {
      all: true,
      filter: { connectionId: many.connectionId, q: 'repo-1' },
    });
    expect(fine.status).toBe(200);
    expect(fine.body.total).toBe(112); // repo-1, repo-10…19, repo-100…199, repo-1000
    const runs = (await admin.get<{ items: Run[] }>(`${base()}/ci-jobs`)).body.items;
    expect(runs).toEqual([]);
  });

  it('refuses bad input with 400s', async () => {
    const ok = gitlab.ids['acme/api']!;
    const bad: unknown[] = [
      {},
      { repositoryIds: [], mode: 'direct' },
      { repositoryIds: ['not-an-id'], mode: 'direct' },
      { repositoryIds: [ok] },
      { repositoryIds: [ok], mode: 'sideways' },
      { repositoryIds: [ok], all: true, mode: 'direct' },
      { all: false, mode: 'direct' },
      { all: true, filter: { archived: 'maybe' }, mode: 'direct' },
    ];
    for (const body of bad) {
      const answer = await admin.post<{ code: string }>(`${base()}/ci-jobs`, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
    }
    const noMatch = await admin.post<{ code: string }>(`${base()}/ci-jobs`, {
      all: true,
      filter: { q: 'nothing-matches-this' },
      mode: 'direct',
    });
    expect(noMatch.status).toBe(400);
    expect(noMatch.body.code).toBe('empty_selection');
    const cursor = await admin.get(
      `${base()}/ci-jobs/00000000-0000-4000-8000-000000000000/repositories?cursor=zz`,
    );
    expect([400, 404]).toContain(cursor.status);
  });

  it('runs: skipped ones are skipped at once, the others fail with why; cancel, resume, list and CSV', async () => {
    const ids = [
      gitlab.ids['acme/api']!,
      gitlab.ids['acme/old']!,
      gitlab.ids['-2+3/calc']!,
      datacenter.ids['SHOP/legacy']!,
    ];
    const started = await admin.post<Run>(`${base()}/ci-jobs`, { repositoryIds: ids, mode: 'pull-request' });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({
      status: 'queued',
      mode: 'pull-request',
      total: 4,
      createdBy: { id: session.user.id, email: session.user.email },
      counts: { pending: 2, skipped: 2, failed: 0 },
    });
    const runId = started.body.id;
    expect((await admin.post<{ code: string }>(`${base()}/ci-jobs/${runId}/resume`)).body.code).toBe(
      'run_active',
    );

    await worker.runUntilIdle();
    const ended = (await admin.get<Run>(`${base()}/ci-jobs/${runId}`)).body;
    expect(ended).toMatchObject({ status: 'succeeded', counts: { pending: 0, skipped: 2, failed: 2 } });
    expect(ended.finishedAt).not.toBeNull();

    const steps = (
      await admin.get<{ items: Step[]; nextCursor: string | null }>(
        `${base()}/ci-jobs/${runId}/repositories?limit=3`,
      )
    ).body;
    expect(steps.items.map((step) => [step.fullName, step.status, step.reason])).toEqual([
      ['acme/api', 'failed', 'not_connected'],
      ['acme/old', 'skipped', 'archived'],
      ['-2+3/calc', 'failed', 'not_connected'],
    ]);
    expect(steps.items[0]!.system).toBe('gitlab-ci');
    const rest = (
      await admin.get<{ items: Step[]; nextCursor: string | null }>(
        `${base()}/ci-jobs/${runId}/repositories?limit=3&cursor=${steps.nextCursor}`,
      )
    ).body;
    expect(rest.items.map((step) => [step.fullName, step.system, step.reason])).toEqual([
      ['SHOP/legacy', null, 'no_ci_system'],
    ]);
    expect(rest.nextCursor).toBeNull();
    const failed = (
      await admin.get<{ items: Step[] }>(`${base()}/ci-jobs/${runId}/repositories?status=failed`)
    ).body.items;
    expect(failed).toHaveLength(2);

    expect((await admin.post<{ code: string }>(`${base()}/ci-jobs/${runId}/cancel`)).body.code).toBe(
      'run_finished',
    );
    const resumed = await admin.post<Run>(`${base()}/ci-jobs/${runId}/resume`);
    expect(resumed.status).toBe(202);
    expect(resumed.body.status).toBe('queued');
    const cancelled = await admin.post<Run>(`${base()}/ci-jobs/${runId}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    await worker.runUntilIdle();
    expect((await admin.get<Run>(`${base()}/ci-jobs/${runId}`)).body.status).toBe('cancelled');
    expect((await admin.post<Run>(`${base()}/ci-jobs/${runId}/resume`)).status).toBe(202);
    await worker.runUntilIdle();
    const again = (await admin.get<Run>(`${base()}/ci-jobs/${runId}`)).body;
    expect(again).toMatchObject({ status: 'succeeded', counts: { failed: 2, skipped: 2 } });

    const list = (await admin.get<{ items: Run[] }>(`${base()}/ci-jobs`)).body.items;
    expect(list.map((run) => run.id)).toContain(runId);

    const csv = await admin.get<string>(`${base()}/ci-jobs/${runId}/repositories.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('repository,system,status,outcome,pull_request_url,commit_url,reason,message,fix');
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(/^acme\/api,gitlab-ci,failed,,,,not_connected,/);
    // A cell a spreadsheet would run as a formula is text.
    expect(lines[3]!.startsWith("'-2+3/calc,gitlab-ci,failed")).toBe(true);
    expect(lines[4]).toMatch(/^SHOP\/legacy,,skipped,,,,no_ci_system,/);
  });

  it('answers 404 for another account’s runs and repositories', async () => {
    const started = await admin.post<Run>(`${base()}/ci-jobs`, {
      repositoryIds: [datacenter.ids['SHOP/legacy']],
      mode: 'direct',
    });
    expect(started.status).toBe(202);
    const runId = started.body.id;
    // A second tenant with a repository of its own.
    const created = await admin.post<{ id: string }>('/api/v1/accounts', { name: 'Other tenant' });
    expect(created.status).toBe(201);
    const otherId = created.body.id;
    const other = await seedConnection(service.database.db, otherId, 'gitlab', [{ fullName: 'other/app' }]);
    const theirRepository = other.ids['other/app']!;

    expect((await admin.post(`${base()}/ci-jobs/review`, { repositoryIds: [theirRepository] })).status).toBe(
      404,
    );
    expect((await admin.get(`${base()}/ci-jobs/review/${theirRepository}`)).status).toBe(404);
    expect(
      (await admin.post(`${base()}/ci-jobs`, { repositoryIds: [theirRepository], mode: 'direct' })).status,
    ).toBe(404);
    const otherBase = `/api/v1/accounts/${otherId}`;
    for (const path of [
      `/ci-jobs/${runId}`,
      `/ci-jobs/${runId}/repositories`,
      `/ci-jobs/${runId}/repositories.csv`,
    ]) {
      expect((await admin.get(`${otherBase}${path}`)).status, path).toBe(404);
    }
    expect((await admin.post(`${otherBase}/ci-jobs/${runId}/cancel`)).status).toBe(404);
    expect((await admin.post(`${otherBase}/ci-jobs/${runId}/resume`)).status).toBe(404);
    expect((await admin.get<{ items: Run[] }>(`${otherBase}/ci-jobs`)).body.items).toEqual([]);

    const review = await admin.get<{ code: string }>(`${base()}/ci-jobs/review/${gitlab.ids['acme/old']}`);
    expect(review.status).toBe(409);
    expect(review.body.code).toBe('repository_not_eligible');
  });
});
