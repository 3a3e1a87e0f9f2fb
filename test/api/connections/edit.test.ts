import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfManagedKinds, startKit, type SelfManagedKind, type TwinKit } from '../../helpers/twin-kits.js';
import {
  startBitbucketDataCenterTwin,
  type BitbucketDataCenterTwin,
} from '../../twins/bitbucket-data-center/index.js';
import { startGitLabTwin, type GitLabTwin } from '../../twins/gitlab/index.js';
import { testCaPem } from '../../twins/server/twin-server.js';
import {
  connectionsPath,
  connectOk,
  expectError,
  getConnection,
  listAllRepositories,
  listOrganizations,
  newAccount,
  syncNow,
  useServiceWithKits,
  waitForFirstSync,
  type ConnectionView,
  type TestReportView,
} from './connections-api.js';

const world = useServiceWithKits();

/** Per kind: the same instance at another address, the same behind TLS, and another instance (other ids). */
const moved = {} as Record<SelfManagedKind, TwinKit>;
const movedTls = {} as Record<SelfManagedKind, TwinKit>;
const stranger = {} as Record<SelfManagedKind, { baseUrl: string; close(): Promise<void> }>;

/** An instance whose group / project has the kit's name and token but another id: not the one connected. */
async function startStranger(kind: SelfManagedKind): Promise<GitLabTwin | BitbucketDataCenterTwin> {
  if (kind === 'gitlab-self-managed') {
    return startGitLabTwin({
      users: [{ id: 11, username: 'alice', name: 'Alice Owner' }],
      tokens: [{ value: 'glpat-kit-good-api', user: 'alice', scopes: ['api'] }],
      groups: [{ id: 9100, path: 'acme', members: [{ user: 'alice', accessLevel: 50 }], projects: [] }],
    });
  }
  return startBitbucketDataCenterTwin({
    version: '9.4.2',
    users: [{ name: 'alice', displayName: 'Alice Admin' }],
    tokens: [
      {
        value: 'bbdc-kit-good',
        scope: { type: 'project', projectKey: 'SHOP' },
        permissions: ['PROJECT_ADMIN', 'REPO_ADMIN'],
      },
    ],
    projects: [{ key: 'SHOP', id: 9177, members: [{ user: 'alice', permission: 'PROJECT_ADMIN' }] }],
  });
}

beforeAll(async () => {
  await Promise.all(
    selfManagedKinds.map(async (kind) => {
      const other = await startStranger(kind);
      stranger[kind] = {
        baseUrl: 'baseUrl' in other ? other.baseUrl : other.url,
        close: () => other.close(),
      };
      [moved[kind], movedTls[kind]] = await Promise.all([startKit(kind), startKit(kind, { tls: true })]);
    }),
  );
});

afterAll(async () => {
  await Promise.all(
    selfManagedKinds.flatMap((kind) => [
      moved[kind]?.close(),
      movedTls[kind]?.close(),
      stranger[kind]?.close(),
    ]),
  );
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.each(selfManagedKinds)('%s: Edit', (kind) => {
  let kit: TwinKit;
  let accountId: string;
  let connection: ConnectionView;
  const path = () => `${connectionsPath(accountId)}/${connection.id}`;
  const current = () => getConnection(world.admin, accountId, connection.id);

  /** A refused edit leaves every field as it was. */
  const expectUnchanged = async (before: ConnectionView) => {
    const after = await current();
    for (const field of ['name', 'baseUrl', 'tokenUpdatedAt', 'hasCaCertificate', 'status'] as const) {
      expect(after[field], field).toEqual(before[field]);
    }
  };

  beforeAll(async () => {
    kit = world.kits[kind];
    accountId = await newAccount(world.admin, `Edit ${kind}`);
    connection = await connectOk(world.admin, accountId, kit.connectBody());
    connection = await waitForFirstSync(world.admin, accountId, connection.id);
  });

  it('moves the connection to the instance at its new URL, checked first, and syncs from there', async () => {
    const target = moved[kind];
    const before = target.twin.log.length;
    const edited = await world.admin.patch<ConnectionView>(path(), { baseUrl: `${target.baseUrl}/` });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.body).toMatchObject({ baseUrl: target.baseUrl, status: 'connected' });
    expect(edited.body.tokenUpdatedAt).toBe(connection.tokenUpdatedAt);
    expect(target.twin.log.length).toBeGreaterThan(before);
    const job = await syncNow(world.admin, accountId, connection.id);
    expect(job.status, job.lastError ?? '').toBe('succeeded');
    const { items } = await listAllRepositories(world.admin, accountId);
    expect(items).toHaveLength(kit.repositoryCount);
    expect(items.every((repo) => repo.webUrl.startsWith(target.twin.url))).toBe(true);
    const [organization] = await listOrganizations(world.admin, accountId);
    expect(organization!.webUrl.startsWith(target.twin.url)).toBe(true);
    connection = await current();
  });

  it('refuses a URL where nothing answers (502) and changes nothing, not even the name sent with it', async () => {
    const before = await current();
    const refused = await world.admin.patch(path(), {
      baseUrl: `http://127.0.0.1:${await closedPort()}`,
      name: 'Never saved',
    });
    expectError(refused, 502, 'upstream_unreachable', [kit.tokens.good]);
    await expectUnchanged(before);
  });

  it('refuses a URL with a token the instance refuses (422), and the old URL and token still work', async () => {
    const before = await current();
    const refused = await world.admin.patch(path(), { baseUrl: kit.baseUrl, token: kit.tokens.bad });
    expectError(refused, 422, 'invalid_credentials', [kit.tokens.bad, kit.tokens.good]);
    await expectUnchanged(before);
    const report = await world.admin.post<TestReportView>(`${path()}/test`);
    expect(report.body.ok, report.text).toBe(true);
  });

  it('refuses an instance whose target is another one (422 target_changed)', async () => {
    const before = await current();
    const refused = await world.admin.patch(path(), { baseUrl: stranger[kind].baseUrl });
    const body = expectError(refused, 422, 'target_changed', [kit.tokens.good]);
    expect(body.message).toContain(kit.target);
    await expectUnchanged(before);
  });

  it('refuses the URL of a connection of the same target that exists already (409)', async () => {
    const twin = await connectOk(world.admin, accountId, kit.connectBody());
    try {
      const before = await current();
      const refused = await world.admin.patch(path(), { baseUrl: kit.baseUrl });
      expectError(refused, 409, 'duplicate_connection', [kit.tokens.good]);
      await expectUnchanged(before);
    } finally {
      await world.admin.delete(`${connectionsPath(accountId)}/${twin.id}`);
    }
  });

  it('refuses a TLS instance without its CA, then takes URL, token, CA and name in one edit', async () => {
    const target = movedTls[kind];
    const before = await current();
    const all = { baseUrl: target.baseUrl, token: target.tokens.other, name: 'Behind TLS' };
    expectError(await world.admin.patch(path(), all), 502, 'tls_verification_failed', [target.tokens.other]);
    await expectUnchanged(before);
    const edited = await world.admin.patch<ConnectionView>(path(), { ...all, caPem: testCaPem() });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.body).toMatchObject({
      baseUrl: target.baseUrl,
      name: 'Behind TLS',
      hasCaCertificate: true,
      status: 'connected',
    });
    expect(edited.body.tokenUpdatedAt).not.toBe(before.tokenUpdatedAt);
    expect(edited.text).not.toContain(target.tokens.other);
    expect(edited.text).not.toContain('BEGIN CERTIFICATE');
    const job = await syncNow(world.admin, accountId, connection.id);
    expect(job.status, job.lastError ?? '').toBe('succeeded');
  });
});

describe('a cloud connection', () => {
  it('has no URL to change: 400 naming the field', async () => {
    const accountId = await newAccount(world.admin, 'Edit cloud');
    const connection = await connectOk(world.admin, accountId, world.kits.gitlab.connectBody());
    const refused = await world.admin.patch(`${connectionsPath(accountId)}/${connection.id}`, {
      baseUrl: 'https://gitlab.example.com',
    });
    expect(expectError(refused, 400, 'validation_failed').message).toContain('baseUrl');
    expect((await getConnection(world.admin, accountId, connection.id)).baseUrl).toBe(connection.baseUrl);
  });
});
