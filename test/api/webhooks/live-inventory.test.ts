import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BitbucketCloudTwin } from '../../twins/bitbucket-cloud/index.js';
import type { GitLabTwin } from '../../twins/gitlab/index.js';
import { startKit, type TwinKit } from '../../helpers/twin-kits.js';
import {
  connectOk,
  connectionsPath,
  getConnection,
  listAllRepositories,
  loopbackEnv,
  newAccount,
  startWithAdmin,
  syncNow,
  waitForFirstSync,
  type ConnectionView,
  type TestReportView,
} from '../connections/connections-api.js';
import type { ApiClient } from '../../helpers/api-client.js';
import type { TestService } from '../../helpers/service.js';

/*
 * The whole loop against a twin that really sends hooks: Connect registers scm-connect's hook on the Bitbucket
 * Cloud workspace, the twin delivers signed events as repositories change, and the inventory follows within
 * moments, with no Sync now. Removing the connection removes the hook.
 */

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`not within 20 s: ${what}`);
    await sleep(50);
  }
}

/** Waits until the account has no job queued or running (the delivery's job and the sync it queued). */
async function settledJobs(admin: ApiClient, accountId: string): Promise<void> {
  await eventually(
    async () =>
      (await admin.get<{ items: unknown[] }>(`/api/v1/accounts/${accountId}/jobs?status=queued,running`)).body
        .items.length,
    (active) => active === 0,
    'the jobs finished',
  );
}

/** The service on a port chosen first, so that its public address (where the twins deliver) is known. */
async function startWithPublicUrl(kit: TwinKit) {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const started = await startWithAdmin({
    ...loopbackEnv,
    ...kit.env,
    SCM_CONNECT_PORT: String(port),
    SCM_CONNECT_PUBLIC_URL: publicUrl,
  });
  return { ...started, publicUrl };
}

describe('webhooks keep the inventory current', () => {
  let kit: TwinKit;
  let twin: BitbucketCloudTwin;
  let service: TestService;
  let admin: ApiClient;
  let publicUrl: string;

  beforeAll(async () => {
    kit = await startKit('bitbucket-cloud');
    twin = kit.twin as BitbucketCloudTwin;
    ({ service, admin, publicUrl } = await startWithPublicUrl(kit));
  });
  afterAll(async () => {
    await service?.close();
    await kit?.close();
  });

  const names = async (accountId: string) =>
    (await listAllRepositories(admin, accountId)).items.map((repository) => repository.name).sort();
  const hooksToUs = () => twin.workspace('acme').hooks.filter((hook) => hook.url.startsWith(publicUrl));

  it('registers the hook on connect, follows created, renamed and deleted repositories, and removes the hook', async () => {
    const accountId = await newAccount(admin, 'Live inventory');
    const connection = await connectOk(admin, accountId, kit.connectBody());
    expect(connection.webhook).toMatchObject({ status: 'registered', problem: null, lastDeliveryAt: null });
    expect(hooksToUs()).toHaveLength(1);
    expect(hooksToUs()[0]!.url).toMatch(
      new RegExp(`^${publicUrl}/webhooks/bitbucket-cloud/[A-Za-z0-9_-]{43}$`),
    );
    await waitForFirstSync(admin, accountId, connection.id);
    const before = await names(accountId);

    twin.createRepository('acme', { slug: 'billing', name: 'billing' });
    await eventually(
      () => names(accountId),
      (now) => now.includes('billing'),
      'billing listed',
    );

    twin.renameRepository('acme', 'billing', 'invoicing');
    const renamed = await eventually(
      () => names(accountId),
      (now) => now.includes('invoicing') && !now.includes('billing'),
      'billing renamed',
    );
    expect(renamed).toEqual([...before, 'invoicing'].sort());

    // An old delivery arriving late (the create, after the rename) leaves what a fresh read gives.
    await twin.idle();
    const created = twin.deliveries.find((delivery) => delivery.eventKey === 'repo:created')!;
    await twin.deliverHook('acme', 'invoicing', 'repo:created', JSON.parse(created.body));
    await twin.idle();
    await settledJobs(admin, accountId);
    expect(await names(accountId)).toEqual([...before, 'invoicing'].sort());

    twin.deleteRepository('acme', 'invoicing');
    await eventually(
      () => names(accountId),
      (now) => !now.includes('invoicing'),
      'invoicing gone',
    );
    await twin.idle();
    const ours = twin.deliveries.filter((delivery) => delivery.url.startsWith(publicUrl));
    expect(ours.map((delivery) => delivery.eventKey)).toEqual(
      expect.arrayContaining(['repo:created', 'repo:updated', 'repo:deleted']),
    );
    expect(ours.every((delivery) => delivery.status === 202)).toBe(true);

    const view = await getConnection(admin, accountId, connection.id);
    expect(view.webhook?.lastDeliveryAt).not.toBeNull();
    expect(view.webhook?.warning).toBeNull();

    const report = await admin.post<TestReportView>(`${connectionsPath(accountId)}/${connection.id}/test`);
    const row = report.body.capabilities.find((line) => line.id === 'receive-webhooks');
    expect(row).toMatchObject({ status: 'ok' });
    expect(row?.message).toContain('registered');

    expect((await admin.delete(`${connectionsPath(accountId)}/${connection.id}`)).status).toBe(204);
    expect(hooksToUs()).toHaveLength(0);
  });

  it('warns when a sync finds changes the hook never reported', async () => {
    const accountId = await newAccount(admin, 'Silent hook');
    const connection = await connectOk(admin, accountId, kit.connectBody());
    await waitForFirstSync(admin, accountId, connection.id);
    await syncNow(admin, accountId, connection.id);
    // Someone deletes the hook on Bitbucket; a repository appears that no delivery reports.
    const workspaceHooks = twin.workspace('acme').hooks;
    const [ours] = hooksToUs();
    workspaceHooks.splice(workspaceHooks.indexOf(ours!), 1);
    twin.createRepository('acme', { slug: 'unreported', name: 'unreported' });
    await twin.idle();
    expect((await syncNow(admin, accountId, connection.id)).status).toBe('succeeded');
    const silent: ConnectionView = await getConnection(admin, accountId, connection.id);
    expect(silent.webhook?.warning).toMatch(/no webhook delivery reported/);
    twin.deleteRepository('acme', 'unreported');
    expect((await admin.delete(`${connectionsPath(accountId)}/${connection.id}`)).status).toBe(204);
  });
});

describe('GitLab group hooks keep the inventory current', () => {
  let kit: TwinKit;
  let twin: GitLabTwin;
  let service: TestService;
  let admin: ApiClient;
  let accountId: string;
  let publicUrl: string;

  beforeAll(async () => {
    kit = await startKit('gitlab');
    twin = kit.twin as GitLabTwin;
    ({ service, admin, accountId, publicUrl } = await startWithPublicUrl(kit));
  });
  afterAll(async () => {
    await service?.close();
    await kit?.close();
  });

  it('follows projects created and deleted in the group, with the X-Gitlab-Token checked', async () => {
    const connection = await connectOk(admin, accountId, kit.connectBody());
    expect(connection.webhook).toMatchObject({ status: 'registered', problem: null });
    const hooks = twin.group('acme').hooks.filter((hook) => hook.url.startsWith(publicUrl));
    expect(hooks).toHaveLength(1);
    await waitForFirstSync(admin, accountId, connection.id);
    const names = async () => (await listAllRepositories(admin, accountId)).items.map((r) => r.name);

    const created = await twin.createProject('acme', { path: 'ledger', name: 'ledger' });
    expect(created.map((delivery) => delivery.status)).toEqual([202]);
    await eventually(names, (now) => now.includes('ledger'), 'ledger listed');
    const deleted = await twin.deleteProject('acme/ledger');
    expect(deleted.map((delivery) => delivery.status)).toEqual([202]);
    await eventually(names, (now) => !now.includes('ledger'), 'ledger gone');

    // A hook whose token was changed on GitLab is refused, and the connection shows the refusal.
    hooks[0]!.token = 'not-the-secret';
    const refused = await twin.createProject('acme', { path: 'refused', name: 'refused' });
    expect(refused.map((delivery) => delivery.status)).toEqual([401]);
    const view = await getConnection(admin, accountId, connection.id);
    expect(view.webhook?.lastFailure?.message).toMatch(/X-Gitlab-Token/);

    expect((await admin.delete(`${connectionsPath(accountId)}/${connection.id}`)).status).toBe(204);
    expect(twin.group('acme').hooks.filter((hook) => hook.url.startsWith(publicUrl))).toHaveLength(0);
  });
});

describe('without a public address', () => {
  let kit: TwinKit;
  let service: TestService;
  let admin: ApiClient;
  let accountId: string;

  beforeAll(async () => {
    kit = await startKit('bitbucket-cloud');
    ({ service, admin, accountId } = await startWithAdmin({ ...loopbackEnv, ...kit.env }));
  });
  afterAll(async () => {
    await service?.close();
    await kit?.close();
  });

  it('connects all the same, and says on the connection and in Test connection why no hook is registered', async () => {
    const connection = await connectOk(admin, accountId, kit.connectBody());
    expect(connection.webhook).toMatchObject({
      status: 'not_registered',
      problem: { code: 'public_url_missing' },
    });
    expect(connection.webhook?.problem?.message).toContain('SCM_CONNECT_PUBLIC_URL');
    expect((kit.twin as BitbucketCloudTwin).workspace('acme').hooks).toHaveLength(0);
    const report = await admin.post<TestReportView>(`${connectionsPath(accountId)}/${connection.id}/test`);
    const row = report.body.capabilities.find((line) => line.id === 'receive-webhooks');
    expect(row).toMatchObject({ status: 'warn', code: 'public_url_missing' });
    expect(report.body.ok).toBe(true);
  });
});
