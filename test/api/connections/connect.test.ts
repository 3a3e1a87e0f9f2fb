import { beforeAll, describe, expect, it } from 'vitest';
import { capabilityIds } from '../../../src/scm/provider.js';
import { hostileRepositoryName, tokenKinds, type TwinKit } from '../../helpers/twin-kits.js';
import {
  connect,
  connectionsPath,
  connectOk,
  expectError,
  getConnection,
  listAllRepositories,
  listOrganizations,
  newAccount,
  useServiceWithKits,
  syncNow,
  waitForFirstSync,
  type ConnectionView,
  type RepositoryView,
  type TestReportView,
} from './connections-api.js';

const world = useServiceWithKits();

const byId = (items: readonly RepositoryView[]) => new Map(items.map((repo) => [repo.id, repo]));

describe.each(tokenKinds)('%s: connect, sync, test, update, remove', (kind) => {
  let kit: TwinKit;
  let accountId: string;
  let connection: ConnectionView;
  let firstListing: RepositoryView[];
  const path = () => `${connectionsPath(accountId)}/${connection.id}`;

  beforeAll(async () => {
    kit = world.kits[kind];
    accountId = await newAccount(world.admin, `Connect ${kind}`);
  });

  it('connects (201) and never shows the token: hasToken only, in the answer, the list and the item (K1)', async () => {
    const answer = await connect(world.admin, accountId, kit.connectBody());
    expect(answer.status, answer.text).toBe(201);
    connection = answer.body;
    expect(connection).toMatchObject({ kind, target: kit.target, hasToken: true });
    expect(connection.tokenUpdatedAt).not.toBeNull();
    const list = await world.admin.get<{ items: ConnectionView[] }>(connectionsPath(accountId));
    const item = await world.admin.get<ConnectionView>(path());
    expect(list.body.items.map((c) => c.id)).toEqual([connection.id]);
    expect(list.body.items[0]!.hasToken).toBe(true);
    for (const text of [answer.text, list.text, item.text]) {
      expect(text).not.toContain(kit.tokens.good);
      expect(text).not.toMatch(/"(token|tokenEncrypted|token_encrypted|secret)"/);
    }
  });

  it('lists the organization of the connection', async () => {
    const organizations = await listOrganizations(world.admin, accountId);
    expect(organizations).toHaveLength(1);
    expect(organizations[0]).toMatchObject({ connectionId: connection.id, kind, name: kit.target });
    expect(organizations[0]!.webUrl).toMatch(/^https?:\/\//);
  });

  it('syncs every repository of the target once, and nothing outside it', async () => {
    const synced = await waitForFirstSync(world.admin, accountId, connection.id);
    expect(synced.syncError).toBeNull();
    const { items, total } = await listAllRepositories(world.admin, accountId);
    expect(total).toBe(kit.repositoryCount);
    expect(items).toHaveLength(kit.repositoryCount);
    expect(new Set(items.map((r) => r.id)).size).toBe(items.length);
    expect(new Set(items.map((r) => r.fullName)).size).toBe(items.length);
    expect(items.every((r) => r.connectionId === connection.id)).toBe(true);
    expect(items.filter((r) => r.archived)).toHaveLength(kit.archivedCount);
    expect(items.map((r) => r.fullName)).not.toContain(kit.outsiderFullName);
    expect(items.map((r) => r.name)).toContain(kit.renameFrom);
    const organizations = await listOrganizations(world.admin, accountId);
    expect(organizations[0]!.repositoryCount).toBe(kit.repositoryCount);
    expect((await getConnection(world.admin, accountId, connection.id)).repositoryCount).toBe(
      kit.repositoryCount,
    );
    firstListing = items;
  });

  it('returns a repository named like markup as the plain text it is, in JSON (S26)', async () => {
    const answer = await world.admin.get<{ items: RepositoryView[] }>(
      `/api/v1/accounts/${accountId}/repositories?limit=500`,
    );
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    const hostile = answer.body.items.filter((r) => r.name === hostileRepositoryName);
    expect(hostile).toHaveLength(1);
    // Stored and answered byte for byte: neither turned into entities nor stripped.
    expect(answer.text).not.toContain('&lt;');
  });

  it('keeps ids stable: a rename on the SCM is an update on the next sync, not a new repository', async () => {
    const before = firstListing.find((r) => r.name === kit.renameFrom)!;
    kit.renameRepository();
    try {
      const job = await syncNow(world.admin, accountId, connection.id);
      expect(job.status, job.lastError ?? '').toBe('succeeded');
      const { items, total } = await listAllRepositories(world.admin, accountId);
      expect(total).toBe(kit.repositoryCount);
      expect([...byId(items).keys()].sort()).toEqual([...byId(firstListing).keys()].sort());
      const renamed = byId(items).get(before.id)!;
      expect(renamed.name).toBe(kit.renameTo);
      expect(renamed.fullName).not.toBe(before.fullName);
      expect(items.map((r) => r.name)).not.toContain(kit.renameFrom);
    } finally {
      kit.restoreRepository();
    }
  });

  it('refuses the same target twice (409 duplicate_connection) and keeps one connection', async () => {
    const again = await connect(world.admin, accountId, kit.connectBody({ name: 'Second try' }));
    expectError(again, 409, 'duplicate_connection', [kit.tokens.good]);
    const list = await world.admin.get<{ items: ConnectionView[] }>(connectionsPath(accountId));
    expect(list.body.items).toHaveLength(1);
    expect(await listOrganizations(world.admin, accountId)).toHaveLength(1);
  });

  it('tests the connection: a report with every capability row, kept as lastTest', async () => {
    const answer = await world.admin.post<TestReportView>(`${path()}/test`);
    expect(answer.status, answer.text).toBe(200);
    const report = answer.body;
    expect(report.reachable.status).toBe('ok');
    expect(report.target.status).toBe('ok');
    expect(report.capabilities.map((row) => row.id)).toEqual([...capabilityIds]);
    for (const row of report.capabilities) {
      expect(row.label.length).toBeGreaterThan(0);
      if (row.status === 'fail') expect(row.fix, row.id).toBeTruthy();
    }
    expect(answer.text).not.toContain(kit.tokens.good);
    const stored = await getConnection(world.admin, accountId, connection.id);
    expect(stored.lastTest).toEqual(report);
  });

  it('PATCH without a token keeps the stored token working (K10)', async () => {
    const renamed = await world.admin.patch<ConnectionView>(path(), { name: 'Renamed connection' });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Renamed connection', hasToken: true });
    expect(renamed.body.tokenUpdatedAt).toBe(connection.tokenUpdatedAt);
    const report = await world.admin.post<TestReportView>(`${path()}/test`);
    expect(report.body.reachable.status).toBe('ok');
    expect(report.body.target.status).toBe('ok');
  });

  it('PATCH with a bad token is refused (422) and the old token still works (K10)', async () => {
    const refused = await world.admin.patch(path(), { token: kit.tokens.bad });
    expectError(refused, 422, 'invalid_credentials', [kit.tokens.bad, kit.tokens.good]);
    const stored = await getConnection(world.admin, accountId, connection.id);
    expect(stored.tokenUpdatedAt).toBe(connection.tokenUpdatedAt);
    const report = await world.admin.post<TestReportView>(`${path()}/test`);
    expect(report.body.reachable.status).toBe('ok');
    expect(report.body.target.status).toBe('ok');
    expect(report.body.status).not.toBe('fail');
  });

  it('PATCH with another good token replaces it', async () => {
    const rotated = await world.admin.patch<ConnectionView>(path(), { token: kit.tokens.other });
    expect(rotated.status, rotated.text).toBe(200);
    expect(rotated.text).not.toContain(kit.tokens.other);
    expect(rotated.body.hasToken).toBe(true);
    expect(rotated.body.tokenUpdatedAt).not.toBe(connection.tokenUpdatedAt);
    const job = await syncNow(world.admin, accountId, connection.id);
    expect(job.status, job.lastError ?? '').toBe('succeeded');
  });

  it('completes a sync through 5xx and 429 + Retry-After answers, with every repository once', async () => {
    const mark = kit.twin.log.length;
    kit.twin.faults
      .next({ kind: 'status', status: 503 })
      .next({ kind: 'rate-limit', retryAfterSeconds: 1 })
      .every(3, { kind: 'status', status: 502, body: { message: 'Bad gateway (injected)' } });
    let job;
    try {
      job = await syncNow(world.admin, accountId, connection.id);
    } finally {
      kit.twin.faults.clear();
    }
    expect(job.status, job.lastError ?? '').toBe('succeeded');
    const faults = kit.twin.log.slice(mark).map((r) => r.fault);
    expect(faults).toContain('status');
    expect(faults).toContain('rate-limit');
    const { items, total } = await listAllRepositories(world.admin, accountId);
    expect(total).toBe(kit.repositoryCount);
    expect([...byId(items).keys()].sort()).toEqual([...byId(firstListing).keys()].sort());
  });

  it('removes the connection (204) with its organizations and repositories', async () => {
    const removed = await world.admin.delete(path());
    expect(removed.status, removed.text).toBe(204);
    expect((await world.admin.get(path())).status).toBe(404);
    expect((await world.admin.get<{ items: unknown[] }>(connectionsPath(accountId))).body.items).toEqual([]);
    expect(await listOrganizations(world.admin, accountId)).toEqual([]);
    expect((await listAllRepositories(world.admin, accountId)).total).toBe(0);
  });
});

describe('connect flow across kinds', () => {
  it('connects all five kinds into one account side by side', async () => {
    const accountId = await newAccount(world.admin, 'All kinds');
    const created = [];
    for (const kind of tokenKinds)
      created.push(await connectOk(world.admin, accountId, world.kits[kind].connectBody()));
    const organizations = await listOrganizations(world.admin, accountId);
    expect(organizations.map((o) => o.kind).sort()).toEqual([...tokenKinds].sort());
    for (const c of created) await waitForFirstSync(world.admin, accountId, c.id);
    const { total } = await listAllRepositories(world.admin, accountId);
    expect(total).toBe(tokenKinds.reduce((sum, kind) => sum + world.kits[kind].repositoryCount, 0));
  });
});
