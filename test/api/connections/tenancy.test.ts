import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPerson, type ApiClient } from '../../helpers/api-client.js';
import type { TestService } from '../../helpers/service.js';
import { startKits, tokenKinds, type TokenKind, type TwinKit } from '../../helpers/twin-kits.js';
import {
  connect,
  connectionsPath,
  connectOk,
  expectError,
  listOrganizations,
  loopbackEnv,
  startWithAdmin,
  waitForFirstSync,
  type ConnectionView,
} from './connections-api.js';

let service: TestService;
let adminA: ApiClient;
let accountA: string;
let adminB: ApiClient;
let accountB: string;
let memberA: ApiClient;
let kits: Record<TokenKind, TwinKit>;
let closeKits: () => Promise<void>;
/** Account B's connection of each kind. */
const foreign = {} as Record<TokenKind, ConnectionView>;
/** Account A's own connection of each kind. */
const own = {} as Record<TokenKind, ConnectionView>;

beforeAll(async () => {
  const started = await startKits();
  kits = started.kits;
  closeKits = started.close;
  const setUp = await startWithAdmin({ ...loopbackEnv, ...started.env });
  service = setUp.service;
  adminA = setUp.admin;
  accountA = setUp.accountId;
  const other = await adminA.post<{ id: string }>('/api/v1/accounts', { name: 'Other tenant' });
  accountB = other.body.id;
  adminB = (await addPerson(adminA, service, accountB, 'bob@other.example', 'admin')).client;
  const self = await adminA.get<{ user: { id: string } }>('/api/v1/session');
  await adminA.delete(`/api/v1/accounts/${accountB}/members/${self.body.user.id}`);
  memberA = (await addPerson(adminA, service, accountA, 'mia@example.com', 'member')).client;
  for (const kind of tokenKinds) {
    foreign[kind] = await connectOk(adminB, accountB, kits[kind].connectBody());
    own[kind] = await connectOk(adminA, accountA, kits[kind].connectBody());
  }
  for (const kind of tokenKinds) {
    await waitForFirstSync(adminB, accountB, foreign[kind].id);
    await waitForFirstSync(adminA, accountA, own[kind].id);
  }
});

afterAll(async () => {
  await service?.close();
  await closeKits?.();
});

const routes = (account: string, id: string) =>
  [
    ['GET', `${connectionsPath(account)}/${id}`],
    ['PATCH', `${connectionsPath(account)}/${id}`, { name: 'Taken over' }],
    ['POST', `${connectionsPath(account)}/${id}/test`, {}],
    ['POST', `${connectionsPath(account)}/${id}/sync`, {}],
    ['DELETE', `${connectionsPath(account)}/${id}`],
  ] as const;

describe.each(tokenKinds)('%s: tenancy', (kind) => {
  it("answers another account's connection id with the same 404 as a random id, on every route (A1)", async () => {
    const id = foreign[kind].id;
    for (const [method, path, body] of routes(accountA, id)) {
      const theirs = await adminA.call(method, path, body);
      const random = await adminA.call(method, path.replace(id, randomUUID()), body);
      expect({ method, status: theirs.status }).toEqual({ method, status: 404 });
      expect(theirs.body).toEqual(random.body);
    }
    for (const [method, path, body] of routes(accountB, id)) {
      const theirs = await adminA.call(method, path, body);
      const random = await adminA.call(method, path.replace(accountB, randomUUID()), body);
      expect({ method, status: theirs.status }).toEqual({ method, status: 404 });
      expect(theirs.body).toEqual(random.body);
    }
    const kept = await adminB.get<ConnectionView>(`${connectionsPath(accountB)}/${id}`);
    expect(kept.status).toBe(200);
    expect(kept.body.name).toBe(foreign[kind].name);
  });

  it('keeps inventories apart: each account lists its own organization and repositories only', async () => {
    const orgsA = (await listOrganizations(adminA, accountA)).filter((o) => o.kind === kind);
    const orgsB = (await listOrganizations(adminB, accountB)).filter((o) => o.kind === kind);
    expect(orgsA.map((o) => o.connectionId)).toEqual([own[kind].id]);
    expect(orgsB.map((o) => o.connectionId)).toEqual([foreign[kind].id]);
    const leak = await adminA.get<{ items: unknown[] }>(
      `/api/v1/accounts/${accountA}/repositories?connectionId=${foreign[kind].id}`,
    );
    expect(leak.status).toBe(200);
    expect(leak.body.items).toEqual([]);
  });

  it('gives a plain member 403 on create, update, delete, test and sync, and changes nothing (A4)', async () => {
    const created = await connect(
      memberA,
      accountA,
      kits[kind].connectBody({ target: kits[kind].unknownTarget }),
    );
    expectError(created, 403, 'forbidden', [kits[kind].tokens.good]);
    for (const [method, path, body] of routes(accountA, own[kind].id).filter(([m]) => m !== 'GET')) {
      const answer = await memberA.call(method, path, body);
      expect({ method, path, status: answer.status }).toEqual({ method, path, status: 403 });
    }
    const seen = await memberA.get<ConnectionView>(`${connectionsPath(accountA)}/${own[kind].id}`);
    expect(seen.status).toBe(200);
    expect(seen.body.name).toBe(own[kind].name);
    expect(seen.text).not.toContain(kits[kind].tokens.good);
  });
});
