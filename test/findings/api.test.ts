import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpAdmin, type ApiClient, type SessionBody } from '../helpers/api-client.js';
import { startTestService, type TestService } from '../helpers/service.js';
import {
  process as processStored,
  sarifLog,
  seedRepository,
  sha,
  storeScan,
  type Seeded,
} from './fixtures.js';
import { semgrepRun, trivyRun } from './logs.js';

interface Item {
  id: string;
  ruleId: string;
  severity: string;
  state: string;
  branch: string;
  tool: string;
  message: string;
  ignored: { reason: string; note: string | null; by: { id: string; name: string } | null } | null;
  location: {
    path: string | null;
    url: string | null;
    defaultBranchUrl: string | null;
    unlinkedReason: string | null;
  } | null;
  repository: { id: string; fullName: string; connectionId: string; kind: string };
  rule: { name: string | null; helpUri: string | null; tags: string[] } | null;
}
interface Page {
  items: Item[];
  nextCursor: string | null;
}

const main1 = sha('api-main-1');
const prCommit = sha('api-pr');

describe('findings API', () => {
  let service: TestService;
  let admin: ApiClient;
  let session: SessionBody;
  let accountId: string;
  let acme: Seeded;
  let beta: Seeded;
  let prScanId: string;
  const base = () => `/api/v1/accounts/${accountId}/findings`;

  beforeAll(async () => {
    service = await startTestService({}, { workerPollMs: 60_000 });
    ({ client: admin, session } = await setUpAdmin(service));
    accountId = session.accounts[0]!.id;
    const db = service.database.db;
    acme = await seedRepository(db, { accountId, fullName: 'acme/api' });
    await db
      .updateTable('repositories')
      .set({ tags: '["payments","pci"]' })
      .where('id', '=', acme.repositoryId)
      .execute();
    beta = await seedRepository(db, { name: 'Beta', fullName: 'beta/secret' });
    const ids = ['sql-1', 'sql-2', 'hash-1', 'hash-2', 'formula-1'];
    await processStored(
      db,
      acme,
      await storeScan(db, acme, { commitSha: main1, log: sarifLog(semgrepRun(ids), trivyRun) }),
    );
    prScanId = await storeScan(db, acme, {
      commitSha: prCommit,
      branch: 'feature/login',
      pullRequestNumber: 12,
      baseBranch: 'main',
      log: sarifLog(semgrepRun(['sql-1', 'sql-new'])),
    });
    await processStored(db, acme, prScanId);
    await processStored(
      db,
      beta,
      await storeScan(db, beta, { commitSha: main1, log: sarifLog(semgrepRun(['sql-1'])) }),
    );
  });
  afterAll(() => service.close());

  it('lists the account’s findings, most severe first, with links at the commit and on the default branch', async () => {
    const answer = await admin.get<Page>(`${base()}?branch=main&limit=200`);
    expect(answer.status).toBe(200);
    const items = answer.body.items;
    expect(items.map((item) => item.severity)).toEqual([
      'critical',
      'critical',
      'high',
      'medium',
      'medium',
      'low',
    ]);
    expect(items.every((item) => item.repository.fullName === 'acme/api')).toBe(true);
    const sql = items.find((item) => item.ruleId === 'sql-injection')!;
    expect(sql).toMatchObject({
      tool: 'Semgrep',
      state: 'open',
      ignored: null,
      repository: { id: acme.repositoryId, connectionId: acme.connectionId, kind: 'gitlab-self-managed' },
      rule: {
        name: 'SqlInjection',
        helpUri: 'https://semgrep.dev/r/sql-injection',
        tags: ['security', 'cwe-89'],
      },
    });
    expect(sql.location!.url).toMatch(
      new RegExp(`^https://gitlab\\.example\\.com/acme/api/-/blob/${main1}/src/sql-[12]\\.py#L10-12$`),
    );
    expect(sql.location!.defaultBranchUrl).toMatch(
      /^https:\/\/gitlab\.example\.com\/acme\/api\/-\/blob\/main\/src\/sql-[12]\.py$/,
    );
    const trivy = items.find((item) => item.tool === 'Trivy')!;
    expect(trivy.location).toBeNull();
  });

  it('filters by severity (repeated), rule, tool, state, branch, repository, connection, tag, text and scan', async () => {
    const count = async (query: string) =>
      (await admin.get<Page>(`${base()}?limit=200&${query}`)).body.items.length;
    expect(await count('severity=critical&severity=low&branch=main')).toBe(3);
    expect(await count('ruleId=weak-hash')).toBe(2);
    expect(await count('tool=Trivy')).toBe(1);
    expect(await count('state=open&branch=main')).toBe(6);
    expect(await count('state=fixed')).toBe(0);
    expect(await count('branch=feature%2Flogin')).toBe(2);
    expect(await count(`repositoryId=${acme.repositoryId}`)).toBe(8);
    expect(await count(`connectionId=${acme.connectionId}`)).toBe(8);
    expect(await count('tag=pci')).toBe(8);
    expect(await count('tag=other')).toBe(0);
    expect(await count('q=OPENSSL')).toBe(1);
    expect(await count('q=src%2Fhash')).toBe(2);
    expect(await count(`scan=${prScanId}`)).toBe(2);
    const fresh = await admin.get<Page>(`${base()}?scan=${prScanId}&newInPullRequest=true`);
    expect(fresh.body.items.map((item) => item.location?.path)).toEqual(['src/sql-new.py']);
    const bad = await admin.get<{ code: string; message: string }>(`${base()}?severity=urgent`);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/severity/);
  });

  it('pages with an opaque cursor in a stable order, each finding once', async () => {
    const seen: string[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const answer: { status: number; body: Page } = await admin.get<Page>(
        `${base()}?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(answer.status).toBe(200);
      seen.push(...answer.body.items.map((item) => item.id));
      cursor = answer.body.nextCursor;
      pages += 1;
    }
    const all = (await admin.get<Page>(`${base()}?limit=200`)).body.items.map((item) => item.id);
    expect(seen).toEqual(all);
    expect(new Set(seen).size).toBe(8);
    expect(pages).toBe(3);
    const bad = await admin.get<{ code: string }>(`${base()}?cursor=not-a-cursor`);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_cursor');
  });

  it('shows one finding with the rule’s help, related locations, code flow steps linked, history and scans', async () => {
    const sql = (await admin.get<Page>(`${base()}?ruleId=sql-injection&branch=main`)).body.items[0]!;
    const answer = await admin.get<{
      rule: { helpMarkdown: string; fullDescription: string };
      relatedLocations: { message: string; location: { url: string } }[];
      codeFlows: { steps: { message: string; location: { url: string } }[] }[];
      history: { kind: string }[];
      scans: { id: string }[];
    }>(`${base()}/${sql.id}`);
    expect(answer.status).toBe(200);
    expect(answer.body.rule).toMatchObject({
      helpMarkdown: 'Use **parameters**.',
      fullDescription: 'A query is built from user input.',
    });
    expect(answer.body.relatedLocations[0]).toMatchObject({
      message: 'the input',
      location: { url: `https://gitlab.example.com/acme/api/-/blob/${main1}/src/input.py#L3` },
    });
    expect(answer.body.codeFlows[0]!.steps.map((step) => step.message)).toEqual(['source', 'sink']);
    expect(answer.body.codeFlows[0]!.steps[0]!.location.url).toContain('/src/input.py#L3');
    expect(answer.body.history.map((event) => event.kind)).toEqual(['opened']);
    expect(answer.body.scans).toHaveLength(1);
  });

  it('ignores with a reason and reopens; the ignore holds for later scans and is audited', async () => {
    const hash = (await admin.get<Page>(`${base()}?ruleId=weak-hash&branch=main`)).body.items.find(
      (item) => item.location?.path === 'src/hash-2.py',
    )!;
    const ignored = await admin.post<Item>(`${base()}/${hash.id}/triage`, {
      action: 'ignore',
      reason: 'acceptable_risk',
      note: 'Only used for cache keys',
    });
    expect(ignored.status).toBe(200);
    expect(ignored.body.ignored).toMatchObject({
      reason: 'acceptable_risk',
      note: 'Only used for cache keys',
      by: { id: session.user.id, name: session.user.name },
    });
    expect((await admin.get<Page>(`${base()}?state=ignored`)).body.items.map((item) => item.id)).toEqual([
      hash.id,
    ]);
    expect((await admin.get<Page>(`${base()}?state=open&branch=main&limit=200`)).body.items).toHaveLength(5);

    const audit = await service.database.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'finding.ignored')
      .where('target', '=', hash.id)
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ account_id: accountId, actor_user_id: session.user.id });

    // A later scan of main that no longer reports it: fixed, and still ignored.
    const db = service.database.db;
    await processStored(
      db,
      acme,
      await storeScan(db, acme, {
        commitSha: sha('api-main-2'),
        log: sarifLog(semgrepRun(['sql-1', 'sql-2', 'hash-1', 'formula-1']), trivyRun),
      }),
    );
    const after = (
      await admin.get<{ state: string; ignored: unknown; history: { kind: string }[] }>(
        `${base()}/${hash.id}`,
      )
    ).body;
    expect(after).toMatchObject({ state: 'fixed', ignored: { reason: 'acceptable_risk' } });

    const bad = await admin.post<{ code: string; message: string }>(`${base()}/${hash.id}/triage`, {
      action: 'ignore',
      reason: 'because',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/reason/);

    const reopened = await admin.post<Item>(`${base()}/${hash.id}/triage`, {
      action: 'reopen',
      note: 'Used for passwords now',
    });
    expect(reopened.status).toBe(200);
    expect(reopened.body.ignored).toBeNull();
    const history = (
      await admin.get<{ history: { kind: string; note: string | null; by: { id: string } | null }[] }>(
        `${base()}/${hash.id}`,
      )
    ).body.history;
    expect(history.map((event) => event.kind)).toEqual(['opened', 'ignored', 'fixed', 'unignored']);
    expect(history[3]).toMatchObject({ note: 'Used for passwords now', by: { id: session.user.id } });
    const again = await admin.post<{ code: string }>(`${base()}/${hash.id}/triage`, { action: 'reopen' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('not_ignored');
  });

  it('keeps tenants apart: another account’s findings and ids answer 404', async () => {
    const theirs = await service.database.db
      .selectFrom('findings')
      .select('id')
      .where('account_id', '=', beta.accountId)
      .executeTakeFirstOrThrow();
    expect((await admin.get(`${base()}/${theirs.id}`)).status).toBe(404);
    expect(
      (await admin.post(`${base()}/${theirs.id}/triage`, { action: 'ignore', reason: 'other' })).status,
    ).toBe(404);
    expect((await admin.get(`/api/v1/accounts/${beta.accountId}/findings`)).status).toBe(404);
    expect((await admin.get(`/api/v1/accounts/${beta.accountId}/findings/export?format=csv`)).status).toBe(
      404,
    );
    const listed = (await admin.get<Page>(`${base()}?limit=200`)).body.items;
    expect(listed.some((item) => item.id === theirs.id)).toBe(false);
    const untouched = await service.database.db
      .selectFrom('findings')
      .select('ignored_reason')
      .where('id', '=', theirs.id)
      .executeTakeFirstOrThrow();
    expect(untouched.ignored_reason).toBeNull();
  });

  it('refuses scan-upload tokens', async () => {
    const created = await admin.post<{ secret: string }>(`/api/v1/accounts/${accountId}/tokens`, {
      name: 'ci',
      role: 'scan-upload',
    });
    expect(created.status).toBe(201);
    const { ApiClient } = await import('../helpers/api-client.js');
    const ci = new ApiClient(service.url);
    ci.bearer = created.body.secret;
    expect((await ci.get(base())).status).toBe(403);
  });
});
