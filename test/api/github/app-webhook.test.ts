import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkInstallation } from '../../../src/connections/github/link-installation.js';
import { createLiveSecretBox } from '../../../src/secrets/live-secret-box.js';
import { setUpAdmin } from '../../helpers/api-client.js';
import { startTestService, type TestService } from '../../helpers/service.js';
import { testPrivateKey } from '../../twins/github/test-keys.js';

/** GitHub's published example: this secret signs `Hello, World!` as below ("Validating webhook deliveries"). */
const vector = {
  secret: "It's a Secret to Everybody",
  payload: 'Hello, World!',
  signature: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
};

const sign = (body: string) => `sha256=${createHmac('sha256', vector.secret).update(body).digest('hex')}`;

describe('POST /webhooks/github: the instance GitHub App’s deliveries', () => {
  let service: TestService;
  let accounts: string[];

  const post = async (body: string, headers: Record<string, string>) => {
    const response = await fetch(`${service.url}/webhooks/github`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-delivery': randomUUID(), ...headers },
      body,
    });
    return { status: response.status, body: (await response.json()) as { status?: string; code?: string } };
  };
  const installationEvent = (installationId: number) =>
    JSON.stringify({
      action: 'added',
      installation: { id: installationId, account: { id: 5001, login: 'acme' } },
      repositories_added: [],
      repositories_removed: [],
    });

  beforeAll(async () => {
    service = await startTestService({
      SCM_CONNECT_GITHUB_APP_ID: '3001',
      SCM_CONNECT_GITHUB_APP_SLUG: 'acme-scanner',
      SCM_CONNECT_GITHUB_APP_PRIVATE_KEY: testPrivateKey(),
      SCM_CONNECT_GITHUB_APP_WEBHOOK_SECRET: vector.secret,
      SCM_CONNECT_GITHUB_APP_CLIENT_ID: 'Iv23liAcmeScanner01',
      SCM_CONNECT_GITHUB_APP_CLIENT_SECRET: 'client-secret',
      SCM_CONNECT_WORKER: 'false',
    });
    const { client, session } = await setUpAdmin(service);
    const second = await client.post<{ id: string }>('/api/v1/accounts', { name: 'Second' });
    accounts = [session.currentAccountId!, second.body.id];
    // Installation 4001 is linked to both accounts (the first allowed it); 4002 to the first only.
    const box = createLiveSecretBox({ envValue: undefined, dataDir: service.dataDir });
    const link = async (accountId: string, installationId: string, login: string, id: string) =>
      linkInstallation(service.database.db, box, {
        accountId,
        userId: session.user.id,
        setupAction: 'install',
        now: new Date(),
        installation: {
          app: { webUrl: 'https://github.com', appId: '3001' },
          installationId,
          account: { id, login, type: 'Organization' },
          repositorySelection: 'all',
          suspendedAt: null,
          gitHubUser: { id: '1001', login: 'octo-admin' },
        },
      });
    await link(accounts[0]!, '4001', 'acme', '5001');
    await service.database.db.updateTable('github_installations').set({ allow_other_accounts: 1 }).execute();
    await link(accounts[1]!, '4001', 'acme', '5001');
    await link(accounts[0]!, '4002', 'acme-labs', '5002');
  });
  afterAll(() => service.close());

  it('verifies GitHub’s published test vector over the raw bytes', async () => {
    expect(sign(vector.payload)).toBe(vector.signature);
    const answer = await post(vector.payload, {
      'x-github-event': 'ping',
      'x-hub-signature-256': vector.signature,
    });
    // Verified; not JSON naming an installation, so it reaches no account.
    expect(answer).toEqual({ status: 202, body: { status: 'ignored' } });
  });

  it.each([
    ['no signature', {}],
    ['another secret', { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }],
    ['the SHA-1 header alone', { 'x-hub-signature': 'sha1=0123456789abcdef0123456789abcdef01234567' }],
    ['an uppercase prefix', { 'x-hub-signature-256': vector.signature.replace('sha256', 'SHA256') }],
  ])('refuses a delivery with %s (401)', async (_what, headers) => {
    const answer = await post(vector.payload, { 'x-github-event': 'ping', ...headers });
    expect(answer.status).toBe(401);
    expect(answer.body.code).toMatch(/signature/);
  });

  it('keeps a delivery once for each account linked to its installation, and for no other', async () => {
    const body = installationEvent(4001);
    const id = randomUUID();
    const headers = { 'x-github-event': 'installation_repositories', 'x-hub-signature-256': sign(body) };
    expect(await post(body, { ...headers, 'x-github-delivery': id })).toEqual({
      status: 202,
      body: { status: 'accepted' },
    });
    // GitHub's redelivery keeps the GUID: stored once already.
    expect(await post(body, { ...headers, 'x-github-delivery': id })).toEqual({
      status: 200,
      body: { status: 'duplicate' },
    });
    const stored = await service.database.db
      .selectFrom('webhook_deliveries')
      .select('account_id')
      .where('delivery_id', '=', id)
      .execute();
    expect(stored.map((row) => row.account_id).sort()).toEqual([...accounts].sort());

    const other = installationEvent(4002);
    const otherId = randomUUID();
    await post(other, {
      'x-github-event': 'installation_repositories',
      'x-hub-signature-256': sign(other),
      'x-github-delivery': otherId,
    });
    const only = await service.database.db
      .selectFrom('webhook_deliveries')
      .select('account_id')
      .where('delivery_id', '=', otherId)
      .execute();
    expect(only).toEqual([{ account_id: accounts[0] }]);
  });

  it('reaches nobody for an installation no account linked, nor for an id that is not an integer', async () => {
    // As JSON text: 9007199254740993 cannot be read into a number without losing its last digit.
    for (const id of ['4999', '4001.5', '"4001"', '9007199254740993']) {
      const body = `{"action":"added","installation":{"id":${id},"account":{"id":1,"login":"x"}}}`;
      const answer = await post(body, {
        'x-github-event': 'installation_repositories',
        'x-hub-signature-256': sign(body),
      });
      expect(answer.body.status, `installation ${id}`).toBe(id === '"4001"' ? 'accepted' : 'ignored');
    }
  });
});
