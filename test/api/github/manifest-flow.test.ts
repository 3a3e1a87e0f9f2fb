import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { neededAppEvents, neededAppPermissions } from '../../../src/scm/github/app-credentials.js';
import { addPerson, adminPassword, ApiClient } from '../../helpers/api-client.js';
import { ManifestBrowser, signIn, startManifestWorld, type ManifestWorld } from './manifest-world.js';

interface GitHubAppView {
  configured: boolean;
  source: 'environment' | 'registered' | null;
  appId: string | null;
  slug: string | null;
  name: string | null;
  owner: string | null;
  htmlUrl: string | null;
  installUrl: string | null;
  permissions: Record<string, string> | null;
  events: string[] | null;
  createdAt: string | null;
  canCreate: boolean;
}

describe('Create the GitHub App through the GitHub twin', () => {
  let world: ManifestWorld;
  let browser: ManifestBrowser;
  const conversions = () => world.twin.count('/app-manifests/', 'POST');

  beforeAll(async () => {
    world = await startManifestWorld();
    browser = new ManifestBrowser(world, world.admin);
  });
  afterAll(() => world.close());

  it('shows a signed-in person that there is no app; only an instance admin may create one', async () => {
    const none = await world.admin.get<GitHubAppView>('/api/v1/github-app');
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ configured: false, source: null, appId: null, canCreate: true });
    expect(world.session.user.instanceAdmin).toBe(true);

    const bob = await addPerson(world.admin, world.service, world.accountId, 'bob@acme.test', 'admin');
    expect(bob.session.user.instanceAdmin).toBe(false);
    expect((await bob.client.get<GitHubAppView>('/api/v1/github-app')).body.canCreate).toBe(false);
    const refused = await bob.client.post<{ code: string; message: string }>('/api/v1/github-app/manifest');
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/instance admin/);
    expect(refused.headers.getSetCookie().join()).not.toContain('scm_github_manifest_nonce');

    const token = await world.admin.post<{ secret: string }>(`/api/v1/accounts/${world.accountId}/tokens`, {
      name: 'ci',
      role: 'admin',
    });
    const script = new ApiClient(world.service.url);
    script.bearer = token.body.secret;
    expect((await script.get<GitHubAppView>('/api/v1/github-app')).body).toMatchObject({ canCreate: false });
    expect((await script.post('/api/v1/github-app/manifest')).status).toBe(403);
  });

  it('refuses a start without the CSRF token, or with an owner that is not a login', async () => {
    const noCsrf = await world.admin.post('/api/v1/github-app/manifest', {}, { 'x-csrf-token': 'wrong' });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body).toMatchObject({ code: 'csrf_failed' });
    const badOwner = await world.admin.post('/api/v1/github-app/manifest', { organization: '../x' });
    expect(badOwner.status).toBe(400);
    expect(badOwner.body).toMatchObject({ code: 'validation_failed' });
  });

  it('answers the hand-off page: its form may go only to GitHub, and only for the session that started', async () => {
    const started = await world.admin.post<{ url: string; formTarget: string; manifest: unknown }>(
      '/api/v1/github-app/manifest',
      { organization: 'acme' },
    );
    expect(started.status).toBe(200);
    browser.keepNonce(started.headers);
    expect(started.body.url).toMatch(/^\/github\/manifest\/start\?state=[\w-]+$/);
    const state = new URL(started.body.url, world.service.url).searchParams.get('state')!;
    expect(started.body.formTarget).toBe(
      `${world.twin.webUrl}/organizations/acme/settings/apps/new?state=${state}`,
    );
    expect(started.body.manifest).toMatchObject({
      url: world.publicUrl,
      hook_attributes: { url: `${world.publicUrl}/webhooks/github`, active: true },
      redirect_url: `${world.publicUrl}/github/manifest`,
      callback_urls: [`${world.publicUrl}/github/setup`],
      setup_url: `${world.publicUrl}/github/setup`,
      setup_on_update: true,
      request_oauth_on_install: true,
      public: true,
      default_permissions: neededAppPermissions,
      default_events: neededAppEvents,
    });
    const cookie = started.headers.getSetCookie().find((c) => c.startsWith('scm_github_manifest_nonce='))!;
    expect(cookie).toMatch(/Path=\/github\/manifest/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);

    const handOff = await browser.handOff(started.body.url);
    expect(handOff.status).toBe(200);
    expect(handOff.headers.get('content-security-policy')).toBe(
      `default-src 'none'; form-action ${world.twin.webUrl}; base-uri 'none'; frame-ancestors 'none'`,
    );
    expect(handOff.headers.get('x-scm-connect-form-policy')).toBeNull();
    expect(handOff.headers.get('cache-control')).toBe('no-store');
    expect(handOff.action).toBe(started.body.formTarget);
    expect(JSON.parse(handOff.manifest)).toEqual(started.body.manifest);
    expect(handOff.html).toContain('Continue to GitHub');

    // Another person's browser, or no session, gets no form.
    const other = new ManifestBrowser(world, await signIn(world, 'bob@acme.test', adminPassword));
    const foreign = await other.handOff(started.body.url);
    expect(foreign.status).toBe(400);
    expect(foreign.html).toContain('data-code="invalid_state"');
    expect(foreign.action).toBe('');
    const anonymous = await fetch(new URL(started.body.url, world.service.url), {
      headers: { accept: 'application/json' },
    });
    expect(anonymous.status).toBe(401);
    // The global policy still holds on every other page.
    expect(anonymous.headers.get('content-security-policy')).toContain("form-action 'self'");
  });

  describe('a state that is not this flow’s converts nothing (I11)', () => {
    const expectRefused = async (response: Response) => {
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'invalid_state', message: expect.any(String) });
    };
    const unusedCode = (back: URL) => {
      const code = back.searchParams.get('code')!;
      expect(world.twin.state.manifestCodes.get(code)?.used).toBe(false);
    };
    const callback = (back: URL, state: string | null) => {
      const url = new URL('/github/manifest', world.service.url);
      url.searchParams.set('code', back.searchParams.get('code')!);
      if (state !== null) url.searchParams.set('state', state);
      return url;
    };

    it('wrong or missing state', async () => {
      const back = await browser.throughGitHub('scm-connect wrong-state');
      expect(`${back.origin}${back.pathname}`).toBe(`${world.publicUrl}/github/manifest`);
      const before = conversions();
      await expectRefused(await browser.arrive(callback(back, 'not-the-state')));
      await expectRefused(await browser.arrive(callback(back, null)));
      await expectRefused(await browser.arrive(callback(back, '')));
      await expectRefused(await browser.arrive(callback(back, 'x'.repeat(300))));
      expect(conversions()).toBe(before);
      unusedCode(back);
    });

    it('expired state', async () => {
      const back = await browser.throughGitHub('scm-connect expired');
      await world.service.database.db
        .updateTable('github_flow_states')
        .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
        .execute();
      const before = conversions();
      await expectRefused(await browser.arrive(back));
      expect(conversions()).toBe(before);
      unusedCode(back);
    });

    it('a state of another session of the same person, or without the flow’s nonce cookie', async () => {
      const back = await browser.throughGitHub('scm-connect other-session');
      const elsewhere = await signIn(world, 'admin@acme.test', adminPassword);
      const before = conversions();
      await expectRefused(await browser.arrive(back, { session: elsewhere }));
      // The state is used up by the attempt: the right session cannot finish with it either.
      await expectRefused(await browser.arrive(back));
      const noNonce = await browser.throughGitHub('scm-connect no-nonce');
      await expectRefused(await browser.arrive(noNonce, { withNonce: false }));
      expect(conversions()).toBe(before);
      unusedCode(back);
      unusedCode(noNonce);
    });

    it('answers a page that says what to do when a browser arrives', async () => {
      const back = await browser.throughGitHub('scm-connect page');
      const page = await browser.visit(callback(back, 'forged'));
      expect(page.status).toBe(400);
      const html = await page.text();
      expect(html).toContain('data-code="invalid_state"');
      expect(html).toContain('Start Create the GitHub App again');
      const signedOut = await fetch(back, { redirect: 'manual', headers: { accept: 'text/html' } });
      expect(signedOut.status).toBe(401);
      expect(await signedOut.text()).toContain('Sign in to scm-connect');
    });
  });

  describe('a registered app', () => {
    let back: URL;
    let registered: GitHubAppView;

    it('is stored from GitHub’s redirect and shown by id, slug, permissions and events', async () => {
      back = await browser.throughGitHub('Acme scm-connect');
      const before = conversions();
      const finished = await browser.visit(back);
      expect(finished.status).toBe(303);
      expect(finished.headers.get('location')).toBe('/settings?github_app=created');
      expect(finished.headers.getSetCookie().join()).toMatch(/scm_github_manifest_nonce=;/);
      expect(conversions()).toBe(before + 1);

      const onTwin = world.twin.state.appBySlug('acme-scm-connect')!;
      expect(onTwin).toMatchObject({
        webhookUrl: `${world.publicUrl}/webhooks/github`,
        setupUrl: `${world.publicUrl}/github/setup`,
        callbackUrls: [`${world.publicUrl}/github/setup`],
        requestOauthOnInstall: true,
        setupOnUpdate: true,
        public: true,
      });

      const answer = await world.admin.get<GitHubAppView>('/api/v1/github-app');
      registered = answer.body;
      expect(registered).toEqual({
        configured: true,
        source: 'registered',
        appId: String(onTwin.id),
        slug: 'acme-scm-connect',
        name: 'Acme scm-connect',
        owner: 'octo-admin',
        htmlUrl: `${world.twin.webUrl}/apps/acme-scm-connect`,
        installUrl: `${world.twin.webUrl}/apps/acme-scm-connect/installations/new`,
        permissions: { ...neededAppPermissions },
        events: [...neededAppEvents],
        createdAt: expect.any(String),
        canCreate: false,
      });
    });

    it('is the app Connect to GitHub sends admins to install', async () => {
      const install = await world.admin.post<{ url: string }>(
        `/api/v1/accounts/${world.accountId}/github/install`,
      );
      expect(install.status).toBe(200);
      expect(install.body.url).toMatch(
        new RegExp(`^${world.twin.webUrl}/apps/acme-scm-connect/installations/new\\?state=[\\w-]+$`),
      );
    });

    it('keeps its PEM, webhook secret and client secret encrypted and out of every answer, log line and page (I12)', async () => {
      const onTwin = world.twin.state.appBySlug('acme-scm-connect')!;
      const secrets = [onTwin.privateKeyPem, onTwin.webhookSecret, onTwin.clientSecret];
      const pemBody = onTwin.privateKeyPem.split('\n')[1]!;

      const row = await world.service.database.db
        .selectFrom('github_apps')
        .selectAll()
        .where('app_id', '=', String(onTwin.id))
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ account_id: null, slug: 'acme-scm-connect', client_id: onTwin.clientId });
      for (const column of [
        'private_key_encrypted',
        'webhook_secret_encrypted',
        'client_secret_encrypted',
      ] as const) {
        expect(row[column]).toMatch(/^v1:/);
      }
      const rawRow = JSON.stringify(row);
      for (const secret of [...secrets, pemBody]) expect(rawRow).not.toContain(secret);

      const seen: string[] = [JSON.stringify(registered)];
      for (const path of ['/api/v1/github-app', '/api/v1/session', '/settings', '/api/docs/json']) {
        seen.push(await (await browser.visit(path)).text());
        seen.push((await world.admin.get(path)).text);
      }
      const audit = await world.service.database.db.selectFrom('audit_events').selectAll().execute();
      seen.push(JSON.stringify(audit));
      expect(audit.some((event) => event.action === 'github_app.registered')).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const logs = world.logLines.join('');
      expect(logs).toContain('GitHub App registered');
      seen.push(logs);
      for (const text of seen) {
        for (const secret of [...secrets, pemBody]) expect(text).not.toContain(secret);
      }
      // The code of the redirect does not reach the log either.
      expect(logs).not.toContain(back.searchParams.get('code')!);
    });

    it('refuses the same redirect a second time without converting again (I11, reused state)', async () => {
      const before = conversions();
      const again = await browser.arrive(back);
      expect(again.status).toBe(400);
      expect(await again.json()).toMatchObject({ code: 'invalid_state' });
      expect(conversions()).toBe(before);
    });

    it('refuses a second registration while it exists', async () => {
      const second = await world.admin.post<{ code: string; message: string }>('/api/v1/github-app/manifest');
      expect(second.status).toBe(409);
      expect(second.body.code).toBe('github_app_exists');
      expect(second.body.message).toContain(registered.appId!);
    });
  });
});

describe('Create the GitHub App when the environment sets the app', () => {
  let world: ManifestWorld;

  beforeAll(async () => {
    const { testPrivateKey } = await import('../../twins/github/test-keys.js');
    world = await startManifestWorld({
      SCM_CONNECT_GITHUB_APP_ID: '3001',
      SCM_CONNECT_GITHUB_APP_SLUG: 'acme-scanner',
      SCM_CONNECT_GITHUB_APP_PRIVATE_KEY: testPrivateKey(),
      SCM_CONNECT_GITHUB_APP_WEBHOOK_SECRET: 'acme-scanner-webhook-secret',
      SCM_CONNECT_GITHUB_APP_CLIENT_ID: 'Iv23liAcmeScanner01',
      SCM_CONNECT_GITHUB_APP_CLIENT_SECRET: 'acme-scanner-client-secret',
    });
  });
  afterAll(() => world.close());

  it('shows the environment’s app and makes Create unavailable', async () => {
    const answer = await world.admin.get<GitHubAppView>('/api/v1/github-app');
    expect(answer.body).toEqual({
      configured: true,
      source: 'environment',
      appId: '3001',
      slug: 'acme-scanner',
      name: null,
      owner: null,
      htmlUrl: `${world.twin.webUrl}/apps/acme-scanner`,
      installUrl: `${world.twin.webUrl}/apps/acme-scanner/installations/new`,
      permissions: null,
      events: null,
      createdAt: null,
      canCreate: false,
    });
    expect(answer.text).not.toContain('acme-scanner-client-secret');
    expect(answer.text).not.toContain('acme-scanner-webhook-secret');
    const start = await world.admin.post<{ code: string; message: string }>('/api/v1/github-app/manifest');
    expect(start.status).toBe(409);
    expect(start.body).toMatchObject({ code: 'github_app_from_environment' });
    expect(start.body.message).toContain('SCM_CONNECT_GITHUB_APP_');
  });
});

describe('Create the GitHub App when GitHub’s address is not allowed (SSRF guard)', () => {
  let world: ManifestWorld;

  beforeAll(async () => {
    // No allowlist: the twin on 127.0.0.1 is a private address the guarded layer refuses.
    world = await startManifestWorld({ SCM_CONNECT_ALLOWED_HOSTS: '' });
  });
  afterAll(() => world.close());

  it('refuses the conversion call before it connects, and stores nothing', async () => {
    const browser = new ManifestBrowser(world, world.admin);
    const back = await browser.throughGitHub('scm-connect blocked');
    const answer = await browser.arrive(back);
    expect(answer.status).toBe(400);
    const body = (await answer.json()) as { code: string; message: string };
    expect(body.code).toBe('ssrf_blocked');
    expect(body.message).not.toContain(back.searchParams.get('code')!);
    expect(world.twin.count('/app-manifests/', 'POST')).toBe(0);
    expect((await world.admin.get<GitHubAppView>('/api/v1/github-app')).body.configured).toBe(false);
  });
});
