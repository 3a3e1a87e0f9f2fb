import { afterEach, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../helpers/api-client.js';
import {
  devDana,
  octoAdmin,
  Person,
  signInAgain,
  startGitHubWorld,
  waitFor,
  type GitHubWorld,
} from './github-world.js';

interface ConnectionBody {
  id: string;
  kind: string;
  name: string;
  status: string;
  statusReason: { code: string; message: string } | null;
  lastSyncedAt: string | null;
  repositoryCount: number;
  organizations: { name: string; webUrl: string }[];
  webhook: { status: string; lastDeliveryAt: string | null } | null;
  github: { installations: { installationId: string; removedAt: string | null }[] } | null;
}

interface RepositoryBody {
  items: { name: string; fullName: string; externalId: string }[];
}

const connectionsOf = async (client: ApiClient, accountId: string) =>
  (await client.get<{ items: ConnectionBody[] }>(`/api/v1/accounts/${accountId}/connections`)).body.items;

const repositoryNames = async (client: ApiClient, accountId: string) =>
  (await client.get<RepositoryBody>(`/api/v1/accounts/${accountId}/repositories?limit=100`)).body.items
    .map((repo) => repo.fullName)
    .sort();

/** Waits for the first sync of the account's only GitHub connection and answers it. */
async function syncedConnection(client: ApiClient, accountId: string): Promise<ConnectionBody> {
  return waitFor(async () => {
    const [connection] = (await connectionsOf(client, accountId)).filter((c) => c.kind === 'github');
    return connection?.lastSyncedAt ? connection : undefined;
  });
}

describe('Connect to GitHub, end to end through the GitHub twin', () => {
  let world: GitHubWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it('links All repositories of an organization, signs the person out, and lists it after they sign in', async () => {
    world = await startGitHubWorld();
    const person = new Person(world, world.admin);
    const installUrl = await person.startInstall(world.accountId);
    expect(installUrl).toMatch(
      new RegExp(`^${world.twin.webUrl}/apps/acme-scanner/installations/new\\?state=`),
    );

    const back = await person.installOnGitHub(installUrl, octoAdmin, 'acme');
    expect(`${back.origin}${back.pathname}`).toBe(`${world.publicUrl}/github/setup`);
    expect(back.searchParams.get('setup_action')).toBe('install');
    expect(back.searchParams.get('code')).toBeTruthy();

    const answer = await person.visit(back);
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/login?reason=github-linked');
    // Every session of the person ended, not only this browser's.
    expect((await world.admin.get('/api/v1/session')).status).toBe(401);

    const again = await signInAgain(world);
    const connection = await syncedConnection(again, world.accountId);
    expect(connection).toMatchObject({
      kind: 'github',
      name: 'acme',
      status: 'connected',
      repositoryCount: 3,
      organizations: [{ name: 'acme', webUrl: `${world.twin.webUrl}/acme` }],
      webhook: { status: 'registered' },
    });
    expect(await repositoryNames(again, world.accountId)).toEqual([
      'acme/legacy-cms',
      'acme/payments',
      'acme/web-shop',
    ]);
    const audit = await world.service.database.db
      .selectFrom('audit_events')
      .select(['action', 'details'])
      .where('account_id', '=', world.accountId)
      .where('action', '=', 'connection.created')
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.details!)).toMatchObject({ kind: 'github', gitHubUserId: '1001' });
  });

  it('links Only select repositories, and a later change of the selection on GitHub refreshes the inventory', async () => {
    world = await startGitHubWorld();
    const person = new Person(world, world.admin);
    const back = await person.installOnGitHub(await person.startInstall(world.accountId), octoAdmin, 'acme', {
      repositories: ['web-shop'],
    });
    expect((await person.visit(back)).status).toBe(303);
    const again = await signInAgain(world);
    await syncedConnection(again, world.accountId);
    expect(await repositoryNames(again, world.accountId)).toEqual(['acme/web-shop']);

    // The owner adds a repository on GitHub: `installation_repositories` reaches the app's webhook, and the
    // setup URL is visited again with `setup_action=update`.
    const updater = new Person(world, again);
    const update = await updater.installOnGitHub(
      await updater.startInstall(world.accountId),
      octoAdmin,
      'acme (installed)',
      { repositories: ['web-shop', 'payments'] },
    );
    expect(update.searchParams.get('setup_action')).toBe('update');
    const updated = await updater.visit(update);
    expect(updated.status).toBe(303);
    expect(updated.headers.get('location')).toBe('/settings?github=updated');
    // An update changes no credentials: the session goes on.
    expect((await again.get('/api/v1/session')).status).toBe(200);
    await world.twin.webhooks.idle();
    await waitFor(async () => {
      const names = await repositoryNames(again, world!.accountId);
      return names.length === 2 ? names : undefined;
    });
    expect(await repositoryNames(again, world.accountId)).toEqual(['acme/payments', 'acme/web-shop']);
    const connection = (await connectionsOf(again, world.accountId))[0]!;
    expect(connection.webhook?.lastDeliveryAt).toBeTruthy();
  });

  it('a member asks an owner to install the app; the owner’s approval on GitHub links it to that account', async () => {
    world = await startGitHubWorld();
    const member = new Person(world, world.admin);
    const back = await member.installOnGitHub(
      await member.startInstall(world.accountId),
      devDana,
      'acme (request approval from an owner)',
    );
    expect(back.searchParams.get('setup_action')).toBe('request');
    expect(back.searchParams.get('installation_id')).toBeNull();
    const answer = await member.visit(back);
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/settings?github=requested');
    expect(await connectionsOf(world.admin, world.accountId)).toEqual([]);
    const requests = await world.admin.get<{ items: { login: string }[] }>(
      `/api/v1/accounts/${world.accountId}/github/requests`,
    );
    expect(requests.body.items.map((request) => request.login)).toEqual(['dev-dana']);

    // An owner installs it on GitHub, with no flow of scm-connect: GitHub names dev-dana as the requester.
    const owner = new Person(world, world.admin);
    await owner.installOnGitHub(world.twin.installUrl('acme-scanner'), octoAdmin, 'acme');
    await world.twin.webhooks.idle();
    const connection = await syncedConnection(world.admin, world.accountId);
    expect(connection.name).toBe('acme');
    expect(
      (await world.admin.get<{ items: unknown[] }>(`/api/v1/accounts/${world.accountId}/github/requests`))
        .body.items,
    ).toEqual([]);
  });

  it('an installation nobody here asked for links to no account, however it is delivered', async () => {
    world = await startGitHubWorld();
    const owner = new Person(world, world.admin);
    await owner.installOnGitHub(world.twin.installUrl('acme-scanner'), octoAdmin, 'acme-labs');
    await world.twin.webhooks.idle();
    const deliveries = [...world.twin.state.deliveries.values()].filter((d) => d.event === 'installation');
    expect(deliveries.map((d) => d.statusCode)).toEqual([202]);
    expect(await connectionsOf(world.admin, world.accountId)).toEqual([]);
  });

  it('an uninstall on GitHub marks the connection with what to do', async () => {
    world = await startGitHubWorld();
    const person = new Person(world, world.admin);
    const back = await person.installOnGitHub(await person.startInstall(world.accountId), octoAdmin, 'acme');
    await person.visit(back);
    const again = await signInAgain(world);
    const { id } = await syncedConnection(again, world.accountId);

    const installation = world.twin.state.installationFor(3001, 'acme')!;
    await world.twin.uninstall(installation.id);
    await world.twin.webhooks.idle();
    const marked = await waitFor(async () => {
      const connection = (await connectionsOf(again, world!.accountId)).find((c) => c.id === id);
      return connection?.status === 'needs_attention' ? connection : undefined;
    });
    expect(marked.statusReason).toMatchObject({ code: 'installation_removed' });
    expect(marked.statusReason!.message).toContain('uninstalled from acme');

    // Installed again with Connect to GitHub: the same connection comes back, not a second one.
    const reinstaller = new Person(world, again);
    const reinstalled = await reinstaller.installOnGitHub(
      await reinstaller.startInstall(world.accountId),
      octoAdmin,
      'acme',
    );
    expect((await reinstaller.visit(reinstalled)).status).toBe(303);
    const restored = await signInAgain(world);
    const connections = await waitFor(async () => {
      const all = await connectionsOf(restored, world!.accountId);
      return all[0]?.status === 'connected' ? all : undefined;
    });
    expect(connections.map((c) => c.id)).toEqual([id]);
    expect(
      connections[0]!.github?.installations.map((i) => [i.installationId, i.removedAt === null]),
    ).toEqual([
      [String(installation.id), false],
      [expect.any(String), true],
    ]);
  });
});

describe('Test connection and the installation’s state on GitHub', () => {
  let world: GitHubWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  interface Report {
    ok: boolean;
    status: string;
    reachable: { status: string };
    target: { status: string; message: string };
    identity?: { login: string };
    capabilities: { id: string; status: string; message: string; fix?: string }[];
  }

  it('reports a linked installation, a suspension with what to do, and the recovery after unsuspending', async () => {
    world = await startGitHubWorld();
    const person = new Person(world, world.admin);
    await person.visit(
      await person.installOnGitHub(await person.startInstall(world.accountId), octoAdmin, 'acme'),
    );
    const admin = await signInAgain(world);
    const { id } = await syncedConnection(admin, world.accountId);
    const test = async () =>
      (await admin.post<Report>(`/api/v1/accounts/${world!.accountId}/connections/${id}/test`)).body;

    const healthy = await test();
    expect(healthy.ok).toBe(true);
    expect(healthy.identity?.login).toBe('acme-scanner[bot]');
    const hooks = healthy.capabilities.find((row) => row.id === 'receive-webhooks')!;
    // The app's event for the new installation came before the link: nothing delivered for it yet.
    expect(hooks).toMatchObject({ status: 'ok' });
    expect(hooks.message).toContain('no delivery received yet');

    const installation = world.twin.state.installationFor(3001, 'acme')!;
    await world.twin.suspend(installation.id);
    await world.twin.webhooks.idle();
    const marked = await waitFor(async () => {
      const connection = (await connectionsOf(admin, world!.accountId)).find((c) => c.id === id);
      return connection?.status === 'needs_attention' ? connection : undefined;
    });
    expect(marked.statusReason).toMatchObject({ code: 'installation_suspended' });
    const suspended = await test();
    expect(suspended.ok).toBe(false);
    const failing = [suspended.reachable, suspended.target, ...suspended.capabilities].filter(
      (row) => row.status === 'fail',
    );
    expect(failing.length).toBeGreaterThan(0);

    await world.twin.unsuspend(installation.id);
    await world.twin.webhooks.idle();
    await waitFor(async () => {
      const connection = (await connectionsOf(admin, world!.accountId)).find((c) => c.id === id);
      return connection?.status === 'connected' ? connection : undefined;
    });
    const recovered = await test();
    expect(recovered.ok).toBe(true);
    expect(recovered.capabilities.find((row) => row.id === 'receive-webhooks')!.message).toContain(
      'last delivery received',
    );
  });
});
