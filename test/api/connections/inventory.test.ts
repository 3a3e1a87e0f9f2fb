import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../helpers/api-client.js';
import type { TestService } from '../../helpers/service.js';
import { startKits, tokenKinds, type TokenKind, type TwinKit } from '../../helpers/twin-kits.js';
import {
  connectOk,
  expectError,
  listAllRepositories,
  loopbackEnv,
  startWithAdmin,
  waitForFirstSync,
  type ConnectionView,
  type RepositoryView,
} from './connections-api.js';

let service: TestService;
let admin: ApiClient;
let accountId: string;
let kits: Record<TokenKind, TwinKit>;
let closeKits: () => Promise<void>;
const connections = {} as Record<TokenKind, ConnectionView>;
let everything: RepositoryView[];

beforeAll(async () => {
  const started = await startKits();
  kits = started.kits;
  closeKits = started.close;
  ({ service, admin, accountId } = await startWithAdmin({ ...loopbackEnv, ...started.env }));
  for (const kind of tokenKinds)
    connections[kind] = await connectOk(admin, accountId, kits[kind].connectBody());
  for (const kind of tokenKinds) await waitForFirstSync(admin, accountId, connections[kind].id);
  everything = (await listAllRepositories(admin, accountId)).items;
});

afterAll(async () => {
  await service?.close();
  await closeKits?.();
});

const expectedTotal = () => tokenKinds.reduce((sum, kind) => sum + kits[kind].repositoryCount, 0);

const page = (query: Record<string, string>) =>
  admin.get<{ items: RepositoryView[]; nextCursor: string | null; total: number }>(
    `/api/v1/accounts/${accountId}/repositories?${new URLSearchParams(query)}`,
  );

describe('Projects: repositories of every connection', () => {
  it('walks every repository exactly once through nextCursor, in full-name order (case-insensitive)', async () => {
    const { items, total, pages } = await listAllRepositories(admin, accountId, { limit: '3' });
    expect(total).toBe(expectedTotal());
    expect(items).toHaveLength(total);
    expect(new Set(items.map((r) => r.id)).size).toBe(total);
    expect(pages).toBe(Math.ceil(total / 3) + (total % 3 === 0 ? 1 : 0));
    const names = items.map((r) => r.fullName);
    const binary = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    expect(names).toEqual(
      [...names].sort((a, b) => binary(a.toLowerCase(), b.toLowerCase()) || binary(a, b)),
    );
    expect(new Set(items.map((r) => r.id))).toEqual(new Set(everything.map((r) => r.id)));
  });

  it('answers the last page with nextCursor null and a foreign cursor with 400 invalid_cursor', async () => {
    const last = await page({ limit: String(expectedTotal() + 1) });
    expect(last.body.nextCursor).toBeNull();
    expect(last.body.items).toHaveLength(expectedTotal());
    expectError(await page({ cursor: 'not-a-cursor' }), 400, 'invalid_cursor');
  });

  it.each(tokenKinds)('filters by connectionId: %s', async (kind) => {
    const { items, total } = await listAllRepositories(admin, accountId, {
      connectionId: connections[kind].id,
      limit: '2',
    });
    expect(total).toBe(kits[kind].repositoryCount);
    expect(items).toHaveLength(total);
    expect(items.every((r) => r.connectionId === connections[kind].id)).toBe(true);
  });

  it('filters by q on the full name, case-insensitively, with wildcards taken literally', async () => {
    const { items, total } = await listAllRepositories(admin, accountId, { q: 'WebSite', limit: '2' });
    expect(total).toBe(tokenKinds.length);
    expect(items.every((r) => r.fullName.toLowerCase().includes('website'))).toBe(true);
    expect(new Set(items.map((r) => r.connectionId)).size).toBe(tokenKinds.length);
    expect((await page({ q: '%' })).body.total).toBe(0);
    expect((await page({ q: '_' })).body.total).toBe(0);
    expect((await page({ q: 'no-such-repository' })).body).toMatchObject({
      items: [],
      total: 0,
      nextCursor: null,
    });
  });

  it('filters by archived', async () => {
    const archived = await listAllRepositories(admin, accountId, { archived: 'true' });
    const active = await listAllRepositories(admin, accountId, { archived: 'false' });
    const expectedArchived = tokenKinds.reduce((sum, kind) => sum + kits[kind].archivedCount, 0);
    expect(archived.total).toBe(expectedArchived);
    expect(archived.items.every((r) => r.archived)).toBe(true);
    expect(active.total).toBe(expectedTotal() - expectedArchived);
    expect(active.items.every((r) => !r.archived)).toBe(true);
  });

  it('combines filters: q within one connection', async () => {
    const kind: TokenKind = 'azure-devops';
    const { items } = await listAllRepositories(admin, accountId, {
      q: 'legacy',
      connectionId: connections[kind].id,
    });
    expect(items.map((r) => [r.fullName, r.archived])).toEqual([['contoso/Shop/legacy', true]]);
  });

  it.each([
    [{ limit: '0' }],
    [{ limit: '501' }],
    [{ archived: 'yes' }],
    [{ connectionId: 'not-a-uuid' }],
    [{ unknown: 'x' }],
  ])('refuses a bad query %j with 400', async (query) => {
    expectError(await page(query), 400, 'validation_failed');
  });
});
