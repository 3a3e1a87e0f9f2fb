import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCanary, type Canary } from '../../../src/scm/http/testing/canary.js';
import { addPerson } from '../../helpers/api-client.js';
import { ManifestBrowser } from './manifest-world.js';
import { waitFor, octoAdmin } from './github-world.js';
import {
  addEnterprise,
  registerApp,
  startEnterpriseWorld,
  type EnterpriseWorld,
} from './enterprise-world.js';

interface ConnectionBody {
  id: string;
  kind: string;
  name: string;
  status: string;
  baseUrl: string;
  lastSyncedAt: string | null;
  organizations: { name: string }[];
  webhook: { status: string; lastDeliveryAt: string | null; problem: { code: string } | null } | null;
  github: {
    app: { appId: string; slug: string; installUrl: string; settingsUrl: string } | null;
    installations: { installationId: string; account: { login: string } }[];
  } | null;
}

const connectionOf = async (world: EnterpriseWorld, id: string) =>
  (
    await world.admin.get<{ items: ConnectionBody[] }>(`/api/v1/accounts/${world.accountId}/connections`)
  ).body.items.find((c) => c.id === id)!;

describe('GitHub Enterprise Server: add, register the app, install it on the owner org, then further orgs', () => {
  let world: EnterpriseWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it('goes from the entry to a connected app whose further organizations join the same connection', async () => {
    world = await startEnterpriseWorld();
    const id = await addEnterprise(world);
    const pending = await connectionOf(world, id);
    expect(pending).toMatchObject({
      kind: 'github-enterprise',
      name: 'acme',
      status: 'pending',
      baseUrl: world.twin.webUrl,
      github: { app: null, installations: [] },
      webhook: { status: 'not_registered', problem: { code: 'github_app_not_registered' } },
    });

    // Register app: the manifest goes to the owner org, the person names the app on the instance.
    const { callback, answer, person } = await registerApp(world, id);
    expect(`${callback.origin}${callback.pathname}`).toBe(`${world.publicUrl}/github/manifest`);
    expect(answer.status).toBe(302);
    const install = new URL(answer.headers.get('location')!);
    const app = world.twin.state.appBySlug(install.pathname.split('/')[2]!)!;
    expect(install.pathname).toBe(`/github-apps/${app.slug}/installations/new`);
    expect(app).toMatchObject({ name: 'scm-connect for Acme', owner: 'acme', public: true });
    expect(app.webhookUrl).toMatch(new RegExp(`^${world.publicUrl}/webhooks/github/[A-Za-z0-9_-]{43}$`));
    expect(app.callbackUrls).toEqual([`${world.publicUrl}/github/setup/${id}`]);
    const registered = await connectionOf(world, id);
    expect(registered.github?.app).toMatchObject({
      appId: String(app.id),
      slug: app.slug,
      installUrl: `${world.twin.webUrl}/github-apps/${app.slug}/installations/new`,
    });
    expect(registered.webhook).toMatchObject({ status: 'registered', problem: null });

    // Install on the owner org; GitHub sends the person back to the connection's own setup URL.
    const back = await person.installOnGitHub(install.href, octoAdmin, 'acme');
    expect(`${back.origin}${back.pathname}`).toBe(`${world.publicUrl}/github/setup/${id}`);
    const linked = await person.visit(back);
    expect(linked.status).toBe(303);
    expect(linked.headers.get('location')).toBe('/settings?github=linked');
    // Installing an Enterprise Server app changes no one's credentials: the session goes on.
    expect((await world.admin.get('/api/v1/session')).status).toBe(200);
    const connected = await waitFor(async () => {
      const connection = await connectionOf(world!, id);
      return connection.status === 'connected' && connection.lastSyncedAt ? connection : undefined;
    });
    expect(connected.organizations.map((o) => o.name)).toEqual(['acme']);
    await world.twin.webhooks.idle();

    // A further organization installs the app through its public link, outside scm-connect: GitHub's
    // `installation` event (signed with the app's secret) links it to the same connection.
    const further = await person.installOnGitHub(registered.github!.app!.installUrl, octoAdmin, 'acme-labs');
    expect((await person.visit(further)).headers.get('location')).toBe('/settings?github=installed');
    await world.twin.webhooks.idle();
    const both = await waitFor(async () => {
      const connection = await connectionOf(world!, id);
      return connection.organizations.length === 2 && connection.lastSyncedAt ? connection : undefined;
    });
    expect(both.organizations.map((o) => o.name).sort()).toEqual(['acme', 'acme-labs']);
    expect(both.github?.installations.map((i) => i.account.login)).toEqual(['acme', 'acme-labs']);
    const repositories = await waitFor(async () => {
      const { items } = (
        await world!.admin.get<{ items: { fullName: string }[] }>(
          `/api/v1/accounts/${world!.accountId}/repositories?limit=100`,
        )
      ).body;
      return items.some((r) => r.fullName.startsWith('acme-labs/')) ? items : undefined;
    });
    expect(repositories.map((r) => r.fullName).sort()).toEqual([
      'acme-labs/experiments',
      'acme/legacy-cms',
      'acme/payments',
      'acme/web-shop',
    ]);

    // Test connection: the instance's version, the app, both installations.
    const report = (
      await world.admin.post<{
        ok: boolean;
        reachable: { message: string };
        target: { message: string };
        serverVersion?: string;
      }>(`/api/v1/accounts/${world.accountId}/connections/${id}/test`)
    ).body;
    expect(report.ok).toBe(true);
    expect(JSON.stringify(report)).toContain('3.17.2');
    expect(report.target.message).toContain('acme-labs');
  });

  it('refuses an address that is not a GitHub Enterprise Server, a blocked one, and a second entry for one instance', async () => {
    world = await startEnterpriseWorld();
    const add = (baseUrl: string) =>
      world!.admin.post<{ code: string; message: string }>(
        `/api/v1/accounts/${world!.accountId}/connections`,
        {
          kind: 'github-enterprise',
          organization: 'acme',
          baseUrl,
        },
      );
    const notGhes = await add(`${world.twin.webUrl}/nothing-here`);
    expect(notGhes.status).toBe(422);
    expect(notGhes.body.code).toBe('not_github_enterprise');
    for (const blocked of ['http://169.254.169.254', 'http://10.0.0.8', 'http://[::1]:9']) {
      const answer = await add(blocked);
      expect(answer.status, blocked).toBe(400);
      expect(answer.body.code, blocked).toMatch(/ssrf_blocked|blocked/);
    }
    expect((await add(world.twin.webUrl)).status).toBe(201);
    const again = await add(`${world.twin.webUrl}/`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('duplicate_connection');
    const rows = await world.service.database.db.selectFrom('connections').select('id').execute();
    expect(rows).toHaveLength(1);
    // Another account may connect the same instance, with an app of its own.
    const other = await world.admin.post<{ id: string }>('/api/v1/accounts', { name: 'Other tenant' });
    const second = await world.admin.post<{ id: string }>(`/api/v1/accounts/${other.body.id}/connections`, {
      kind: 'github-enterprise',
      organization: 'acme-labs',
      baseUrl: world.twin.webUrl,
    });
    expect(second.status).toBe(201);
    const { answer } = await registerApp(world, rows[0]!.id);
    expect(answer.status).toBe(302);
    // The first account's app does not stand in the way of the second's.
    const start = await world.admin.post(
      `/api/v1/accounts/${other.body.id}/connections/${second.body.id}/github-enterprise/app`,
      {},
    );
    expect(start.status).toBe(200);
  });

  it('converts nothing for a wrong or reused state (I11), and keeps the app’s secrets encrypted and unseen (I12)', async () => {
    world = await startEnterpriseWorld();
    const id = await addEnterprise(world);
    const conversions = () => world!.twin.count('/api/v3/app-manifests/', 'POST');
    const browser = new ManifestBrowser(world, world.admin);
    const handOff = await browser.handOff(
      await browser.start({}, `/api/v1/accounts/${world.accountId}/connections/${id}/github-enterprise/app`),
    );
    const callback = await browser.registerOnGitHub(handOff, 'scm-connect for Acme');
    const forged = new URL(callback);
    forged.searchParams.set('state', 'not-the-flows-state');
    const refused = await browser.arrive(forged);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { code: string }).code).toBe('invalid_state');
    expect(conversions()).toBe(0);

    const accepted = await browser.visit(callback);
    expect(accepted.status).toBe(302);
    expect(conversions()).toBe(1);
    const replay = await browser.arrive(callback);
    expect(replay.status).toBe(400);
    expect(conversions()).toBe(1);

    // I12: what GitHub handed out once is stored encrypted, bound to its row, and shown nowhere.
    const app = [...world.twin.state.apps.values()][0]!;
    const row = await world.service.database.db
      .selectFrom('github_apps')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ account_id: world.accountId, connection_id: id, app_id: String(app.id) });
    for (const secret of [app.privateKeyPem, app.webhookSecret!, app.clientSecret]) {
      expect(JSON.stringify(row)).not.toContain(secret.slice(0, 40));
    }
    expect(row.private_key_encrypted).toMatch(/^v1:/);
    const endpoint = await world.service.database.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(endpoint.secret_encrypted).not.toContain(app.webhookSecret!);
    const listed = await world.admin.get(`/api/v1/accounts/${world.accountId}/connections`);
    for (const secret of [app.privateKeyPem.slice(40, 80), app.webhookSecret!, app.clientSecret]) {
      expect(listed.text).not.toContain(secret);
    }
  });

  it('lets only the account’s admins register its app, and no other account see the entry', async () => {
    world = await startEnterpriseWorld();
    const id = await addEnterprise(world);
    const { client: member } = await addPerson(
      world.admin,
      world.service,
      world.accountId,
      'm@acme.test',
      'member',
    );
    const path = `/api/v1/accounts/${world.accountId}/connections/${id}/github-enterprise/app`;
    expect((await member.post(path, {})).status).toBe(403);
    const other = await member.post<{ id: string }>('/api/v1/accounts', { name: 'Other' });
    const foreign = `/api/v1/accounts/${other.body.id}/connections/${id}/github-enterprise/app`;
    expect((await member.post(foreign, {})).status).toBe(404);
    expect(
      (await member.post(`/api/v1/accounts/${other.body.id}/connections/${id}/github-enterprise/install`, {}))
        .status,
    ).toBe(404);
    // Installing before the app is registered says what to do first.
    const early = await world.admin.post<{ code: string }>(
      `/api/v1/accounts/${world.accountId}/connections/${id}/github-enterprise/install`,
      {},
    );
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('github_app_missing');
  });
});

describe('GitHub Enterprise Server: the SSRF cases on the instance URL and on the code conversion', () => {
  let world: EnterpriseWorld;
  let canary: Canary;
  beforeAll(async () => {
    world = await startEnterpriseWorld();
    canary = await startCanary({ hosts: ['127.0.0.1'] });
  });
  afterAll(async () => {
    await world.close();
    await canary.close();
  });

  const add = (baseUrl: string) =>
    world.admin.post<{ code: string; message: string }>(`/api/v1/accounts/${world.accountId}/connections`, {
      kind: 'github-enterprise',
      organization: 'acme',
      baseUrl,
    });

  it.each([
    ['S1 metadata', 'http://169.254.169.254/', 'ssrf_blocked'],
    ['S2 metadata IPv6', 'http://[fd00:ec2::254]/', 'ssrf_blocked'],
    // 127.0.0.1 is allowlisted here (the twins listen there); the other loopback addresses are not.
    ['S3 IPv6 loopback', 'http://[::1]/', 'ssrf_blocked'],
    ['S3 any address', 'http://0.0.0.0/', 'ssrf_blocked'],
    ['S6 private', 'http://192.168.1.1/', 'ssrf_blocked'],
    ['S6 carrier-grade NAT', 'http://100.64.0.1/', 'ssrf_blocked'],
    ['S9 no such name', 'http://foobar.invalid/', 'dns_resolution_failed'],
    ['S10 a file', 'file:///etc/passwd', 'scheme_not_allowed'],
    ['S10 scheme-relative', '//evil.example', 'invalid_base_url'],
  ])('%s: %s is refused with %s and nothing is stored', async (_case, baseUrl, code) => {
    const answer = await add(baseUrl);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe(code);
    expect(await world.service.database.db.selectFrom('connections').select('id').execute()).toEqual([]);
  });

  it('S13: an instance that redirects its /api/v3/meta to the metadata address is refused, nothing followed', async () => {
    world.twin.faults.next(
      { kind: 'redirect', location: `http://127.0.0.1:${canary.port}/latest/meta-data/` },
      1,
      '/api/v3/meta',
    );
    const answer = await add(world.twin.webUrl);
    expect(answer.status).toBe(502);
    expect(answer.body.code).toBe('redirect_blocked');
    expect(canary.connections()).toBe(0);
  });

  it('S13: a conversion answered with a redirect stores no app and follows nothing', async () => {
    const added = await add(world.twin.webUrl);
    expect(added.status).toBe(201);
    const id = (added.body as unknown as { id: string }).id;
    const browser = new ManifestBrowser(world, world.admin);
    const handOff = await browser.handOff(
      await browser.start({}, `/api/v1/accounts/${world.accountId}/connections/${id}/github-enterprise/app`),
    );
    const callback = await browser.registerOnGitHub(handOff, 'scm-connect redirected');
    world.twin.faults.next(
      { kind: 'redirect', location: `http://127.0.0.1:${canary.port}/latest/meta-data/`, status: 307 },
      1,
      '/api/v3/app-manifests/',
    );
    const answer = await browser.arrive(callback);
    expect(answer.status).toBe(502);
    expect(((await answer.json()) as { code: string }).code).toBe('redirect_blocked');
    expect(canary.connections()).toBe(0);
    expect(await world.service.database.db.selectFrom('github_apps').select('id').execute()).toEqual([]);
  });
});
