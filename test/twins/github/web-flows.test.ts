import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubTwin, type GitHubTwin } from './index.js';
import { signAppJwt, testPrivateKey } from './test-keys.js';
import { testGitHubScenario } from './test-scenario.js';
import { WebClient } from './web-client.js';

const pem = testPrivateKey();

/** A loopback webhook receiver that records what the twin delivers. */
async function startReceiver() {
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/github`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function exchange(twin: GitHubTwin, slug: string, code: string, accept = 'application/json') {
  const app = twin.app(slug);
  const response = await fetch(`${twin.webUrl}/login/oauth/access_token`, {
    method: 'POST',
    headers: { accept, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: app.clientId, client_secret: app.clientSecret, code }).toString(),
  });
  return { type: response.headers.get('content-type') ?? '', text: await response.text() };
}

describe.each(['cloud', 'enterprise'] as const)('web flows over plain HTTP (%s)', (flavor) => {
  let twin: GitHubTwin;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    receiver = await startReceiver();
    const scenario = testGitHubScenario(pem);
    twin = await startGitHubTwin(
      {
        ...scenario,
        apps: scenario.apps!.map((a) =>
          a.slug === 'acme-scanner' ? { ...a, webhook_url: receiver.url } : a,
        ),
      },
      { flavor },
    );
  });
  afterAll(async () => {
    await twin.close();
    await receiver.close();
  });

  it('installs the app on selected repositories, then updates it, with state and an OAuth code', async () => {
    const web = new WebClient(twin.webUrl);
    const installUrl = twin.installUrl('acme-scanner', 'state-123');
    expect(installUrl).toContain(flavor === 'cloud' ? '/apps/acme-scanner/' : '/github-apps/acme-scanner/');
    let page = await web.open(installUrl);
    expect(page.url).toContain('/login?return_to=');
    page = await web.signIn(page, 'octo-admin', 'admin-pass');
    expect(page.html).toContain('Install Acme Scanner');
    expect(page.html).toContain('write access to pull requests');
    page = await web.submit(page, 'Continue');
    expect(page.html).toContain('acme-labs');
    page = await web.submit(page, 'Continue', { choose: ['acme-labs'] });
    page = await web.submit(page, 'Install & Authorize', {
      choose: ['Only select repositories'],
      check: ['experiments'],
    });

    // OAuth during installation: GitHub sends the person to the callback URL, not the setup URL.
    const setup = web.leftTo!;
    expect(`${setup.origin}${setup.pathname}`).toBe('http://127.0.0.1:8080/integrations/github/callback');
    expect(setup.searchParams.get('setup_action')).toBe('install');
    expect(setup.searchParams.get('state')).toBe('state-123');
    const installationId = Number(setup.searchParams.get('installation_id'));
    const installation = twin.state.installations.get(installationId)!;
    expect(installation).toMatchObject({ account: 'acme-labs', repositorySelection: 'selected' });
    expect([...installation.selectedRepoIds]).toEqual([7101]);

    // The OAuth code from the redirect proves who installed: their token lists the installation.
    const token = JSON.parse(
      (await exchange(twin, 'acme-scanner', setup.searchParams.get('code')!)).text,
    ) as { access_token: string };
    const mine = await fetch(`${twin.apiUrl}/user/installations`, {
      headers: { authorization: `Bearer ${token.access_token}` },
    });
    const { installations } = (await mine.json()) as { installations: { id: number }[] };
    expect(installations.map((i) => i.id)).toContain(installationId);

    await twin.webhooks.idle();
    const created = receiver.received.find((r) => r.headers['x-github-event'] === 'installation');
    expect(created).toBeDefined();
    const secret = twin.app('acme-scanner').webhookSecret!;
    expect(created!.headers['x-hub-signature-256']).toBe(
      `sha256=${createHmac('sha256', secret).update(created!.body).digest('hex')}`,
    );
    expect(JSON.parse(created!.body)).toMatchObject({
      action: 'created',
      installation: { id: installationId },
    });
    if (flavor === 'enterprise') expect(created!.headers['x-github-enterprise-version']).toBe(twin.version);

    // Second pass on the same account: an update, and "Redirect on update" sends the person back again.
    page = await web.open(twin.installUrl('acme-scanner', 'state-456'));
    page = await web.submit(page, 'Continue');
    page = await web.submit(page, 'Continue', { choose: ['acme-labs (installed)'] });
    await web.submit(page, 'Install & Authorize', { choose: ['All repositories'] });
    expect(web.leftTo!.searchParams.get('setup_action')).toBe('update');
    expect(web.leftTo!.searchParams.get('installation_id')).toBe(String(installationId));
    expect(twin.state.installations.get(installationId)!.repositorySelection).toBe('all');
  });

  it('lets a plain member only request the install', async () => {
    const web = new WebClient(twin.webUrl);
    let page = await web.signIn(await web.open('/login'), 'dev-dana', 'dana-pass');
    page = await web.open(twin.installUrl('acme-scanner'));
    page = await web.submit(page, 'Continue');
    page = await web.submit(page, 'Continue', { choose: ['acme (request approval from an owner)'] });
    const before = twin.state.installations.size;
    await web.submit(page, 'Request');
    expect(web.leftTo!.searchParams.get('setup_action')).toBe('request');
    expect(web.leftTo!.searchParams.has('installation_id')).toBe(false);
    expect(twin.state.installations.size).toBe(before);
  });

  it('says "Install" for an app without OAuth on install and shows the result when it has no setup URL', async () => {
    const web = new WebClient(twin.webUrl);
    let page = await web.signIn(await web.open(twin.installUrl('read-only-bot')), 'octo-admin', 'admin-pass');
    page = await web.submit(page, 'Continue');
    page = await web.submit(page, 'Continue', { choose: ['acme (installed)'] });
    expect(page.html).not.toContain('Install &amp; Authorize');
    page = await web.submit(page, 'Install', {
      choose: ['Only select repositories'],
      check: ['web-shop', 'payments'],
    });
    expect(web.leftTo).toBeUndefined();
    expect(page.html).toContain('Installed on acme (installation 4002)');
    expect([...twin.state.installations.get(4002)!.selectedRepoIds].sort()).toEqual([7001, 7002]);
  });

  it('lists and redelivers app webhook deliveries', async () => {
    await twin.webhooks.idle();
    const jwt = signAppJwt(pem, { iss: 3001 });
    const list = await fetch(`${twin.apiUrl}/app/hook/deliveries`, {
      headers: { authorization: `Bearer ${jwt}` },
    });
    const deliveries = (await list.json()) as {
      id: number;
      guid: string;
      status_code: number;
      event: string;
    }[];
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries[0]!.status_code).toBe(202);
    const count = receiver.received.length;
    const retry = await fetch(`${twin.apiUrl}/app/hook/deliveries/${deliveries[0]!.id}/attempts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${jwt}` },
    });
    expect(retry.status).toBe(202);
    await twin.webhooks.idle();
    expect(receiver.received).toHaveLength(count + 1);
    expect(receiver.received.at(-1)!.headers['x-github-delivery']).toBe(deliveries[0]!.guid);
  });

  it('registers an app from a manifest and converts the code exactly once', async () => {
    const web = new WebClient(twin.webUrl);
    await web.signIn(await web.open('/login'), 'octo-admin', 'admin-pass');
    const manifest = {
      name: 'Scanner for acme',
      url: 'https://scanner.example.test',
      hook_attributes: { url: 'https://scanner.example.test/webhooks/github', active: true },
      redirect_url: 'https://scanner.example.test/integrations/github-enterprise/manifest',
      callback_urls: ['https://scanner.example.test/integrations/github-enterprise/callback'],
      setup_url: 'https://scanner.example.test/integrations/github-enterprise/setup',
      public: true,
      default_permissions: { contents: 'write', pull_requests: 'write', members: 'read' },
      default_events: ['pull_request', 'push'],
      request_oauth_on_install: true,
      setup_on_update: true,
    };
    let page = await web.open(twin.manifestUrl('acme', 'manifest-state'), {
      method: 'POST',
      form: new URLSearchParams({ manifest: JSON.stringify(manifest) }),
    });
    expect(page.html).toContain('Create GitHub App for acme');
    page = await web.submit(page, 'Create GitHub App', {
      fill: { 'GitHub App name': `Acme Scanner ${flavor}` },
    });
    const back = web.leftTo!;
    expect(`${back.origin}${back.pathname}`).toBe(manifest.redirect_url);
    expect(back.searchParams.get('state')).toBe('manifest-state');
    const code = back.searchParams.get('code')!;

    const convert = () => fetch(`${twin.apiUrl}/app-manifests/${code}/conversions`, { method: 'POST' });
    const first = await convert();
    expect(first.status).toBe(201);
    const app = (await first.json()) as Record<string, unknown>;
    expect(app).toMatchObject({
      slug: `acme-scanner-${flavor}`,
      owner: { login: 'acme' },
      events: ['pull_request', 'push'],
      permissions: { contents: 'write', pull_requests: 'write', members: 'read', metadata: 'read' },
    });
    expect(String(app.pem)).toContain('BEGIN RSA PRIVATE KEY');
    expect(app.webhook_secret).toEqual(expect.any(String));
    expect((await convert()).status).toBe(404);
    const record = twin.app(`acme-scanner-${flavor}`);
    expect(record).toMatchObject({
      webhookUrl: manifest.hook_attributes.url,
      setupUrl: manifest.setup_url,
      public: true,
    });

    // The new app authenticates with the converted key.
    const jwt = signAppJwt(String(app.pem), { iss: Number(app.id) });
    const self = await fetch(`${twin.apiUrl}/app`, { headers: { authorization: `Bearer ${jwt}` } });
    expect(await self.json()).toMatchObject({ id: app.id });
  });

  it('refuses a manifest for an org the person does not own, and expired codes', async () => {
    const web = new WebClient(twin.webUrl);
    await web.signIn(await web.open('/login'), 'dev-dana', 'dana-pass');
    const page = await web.open(twin.manifestUrl('acme'), {
      method: 'POST',
      form: new URLSearchParams({ manifest: JSON.stringify({ name: 'x', url: 'https://x.test' }) }),
    });
    expect(page.status).toBe(403);
    twin.state.manifestCodes.set('old', {
      code: 'old',
      appId: 3001,
      expiresAt: twin.state.now() + 1000,
      used: false,
    });
    twin.advanceTime(2000);
    expect((await fetch(`${twin.apiUrl}/app-manifests/old/conversions`, { method: 'POST' })).status).toBe(
      404,
    );
  });

  it('authorizes a user through the OAuth page, once per code', async () => {
    const web = new WebClient(twin.webUrl);
    const app = twin.app('acme-scanner');
    const authorize = `/login/oauth/authorize?client_id=${app.clientId}&redirect_uri=${encodeURIComponent(app.callbackUrls[0]!)}&state=oauth-state`;
    let page = await web.open(authorize);
    page = await web.signIn(page, 'ops-omar', 'omar-pass');
    expect(page.html).toContain('Authorize Acme Scanner');
    await web.submit(page, 'Authorize');
    const back = web.leftTo!;
    expect(back.searchParams.get('state')).toBe('oauth-state');
    const code = back.searchParams.get('code')!;
    const form = await exchange(twin, 'acme-scanner', code, '*/*');
    expect(form.type).toContain('application/x-www-form-urlencoded');
    expect(new URLSearchParams(form.text).get('access_token')).toMatch(/^ghu_/);
    const reused = JSON.parse((await exchange(twin, 'acme-scanner', code)).text) as Record<string, string>;
    expect(reused.error).toBe('bad_verification_code');

    // Already authorized: the page sends the person straight back with a fresh code.
    await web.open(authorize);
    expect(web.leftTo!.searchParams.get('code')).not.toBe(code);
    const mismatch = await web.open(
      `/login/oauth/authorize?client_id=${app.clientId}&redirect_uri=${encodeURIComponent('https://evil.test/cb')}`,
    );
    expect(mismatch.status).toBe(400);
  });

  it('rejects a wrong password', async () => {
    const web = new WebClient(twin.webUrl);
    const page = await web.signIn(await web.open('/login'), 'octo-admin', 'nope');
    expect(page.status).toBe(401);
    expect(page.html).toContain('Incorrect username or password.');
  });
});
