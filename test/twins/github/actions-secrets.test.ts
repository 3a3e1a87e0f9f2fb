import sodium from 'libsodium-wrappers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubTwin, type GitHubTwin } from './index.js';
import { loadOpenApi, newestGhesName } from './openapi-validator.js';
import { testPrivateKey } from './test-keys.js';
import { testGitHubScenario } from './test-scenario.js';

const pem = testPrivateKey();
const specs = { cloud: loadOpenApi('api.github.com'), enterprise: loadOpenApi(newestGhesName()) };
const secretsPath = '/repos/{owner}/{repo}/actions/secrets';

/** The twin's Actions secrets, branch protection and secondary limits, spoken to as GitHub documents them. */
describe.each(['cloud', 'enterprise'] as const)('GitHub twin: Actions secrets (%s)', (flavor) => {
  let twin: GitHubTwin;
  let token: string;
  const spec = specs[flavor];

  beforeAll(async () => {
    twin = await startGitHubTwin(testGitHubScenario(pem), { flavor });
    token = twin.createInstallationToken(4001);
    await sodium.ready;
  });
  afterAll(() => twin.close());

  async function call(method: string, path: string, body?: unknown, bearer = token) {
    const response = await fetch(`${twin.apiUrl}${path}`, {
      method,
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${bearer}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      json: text ? (JSON.parse(text) as unknown) : undefined,
    };
  }

  const seal = (value: string, key: string) =>
    Buffer.from(sodium.crypto_box_seal(value, Buffer.from(key, 'base64'))).toString('base64');

  it('hands out the repository key, opens what is sealed to it, and serves names and dates only', async () => {
    const key = await call('GET', '/repos/acme/web-shop/actions/secrets/public-key');
    expect(key.status).toBe(200);
    expect(spec.errors('GET', `${secretsPath}/public-key`, 200, key.json)).toEqual([]);
    const { key_id: keyId, key: publicKey } = key.json as { key_id: string; key: string };
    expect(Buffer.from(publicKey, 'base64')).toHaveLength(32);

    const created = await call('PUT', '/repos/acme/web-shop/actions/secrets/scanner_token', {
      encrypted_value: seal('first value', publicKey),
      key_id: keyId,
    });
    expect(created.status).toBe(201);
    expect(spec.errors('PUT', `${secretsPath}/{secret_name}`, 201, created.json)).toEqual([]);
    expect(twin.actionsSecret('acme/web-shop', 'SCANNER_TOKEN')).toBe('first value');

    const updated = await call('PUT', '/repos/acme/web-shop/actions/secrets/SCANNER_TOKEN', {
      encrypted_value: seal('second value', publicKey),
      key_id: keyId,
    });
    expect([updated.status, updated.json]).toEqual([204, undefined]);
    expect(twin.actionsSecret('acme/web-shop', 'scanner_token')).toBe('second value');

    const one = await call('GET', '/repos/acme/web-shop/actions/secrets/SCANNER_TOKEN');
    expect(spec.errors('GET', `${secretsPath}/{secret_name}`, 200, one.json)).toEqual([]);
    expect(JSON.stringify(one.json)).not.toContain('second value');
    const list = await call('GET', '/repos/acme/web-shop/actions/secrets');
    expect(spec.errors('GET', secretsPath, 200, list.json)).toEqual([]);
    expect(list.json).toMatchObject({ total_count: 1, secrets: [{ name: 'SCANNER_TOKEN' }] });

    expect((await call('DELETE', '/repos/acme/web-shop/actions/secrets/SCANNER_TOKEN')).status).toBe(204);
    expect((await call('GET', '/repos/acme/web-shop/actions/secrets/SCANNER_TOKEN')).status).toBe(404);
    expect(twin.actionsSecret('acme/web-shop', 'SCANNER_TOKEN')).toBeUndefined();
  });

  it('refuses a value sealed to another key, a stale key id and a missing key id with GitHub’s 422', async () => {
    const key = (await call('GET', '/repos/acme/web-shop/actions/secrets/public-key')).json as {
      key_id: string;
      key: string;
    };
    const stranger = Buffer.from(sodium.crypto_box_keypair().publicKey).toString('base64');
    const wrongBox = await call('PUT', '/repos/acme/web-shop/actions/secrets/X', {
      encrypted_value: seal('v', stranger),
      key_id: key.key_id,
    });
    expect([wrongBox.status, (wrongBox.json as { message: string }).message]).toEqual([
      422,
      'Bad request - validation failed due to an improperly encrypted secret',
    ]);
    twin.rotateActionsSecretsKey('acme/web-shop');
    const stale = await call('PUT', '/repos/acme/web-shop/actions/secrets/X', {
      encrypted_value: seal('v', key.key),
      key_id: key.key_id,
    });
    expect(stale.status).toBe(422);
    const missing = await call('PUT', '/repos/acme/web-shop/actions/secrets/X', {
      encrypted_value: 'c2VjcmV0',
    });
    expect(missing.json).toMatchObject({ message: 'Invalid request.\n\n"key_id" wasn\'t supplied.' });
    expect(twin.actionsSecret('acme/web-shop', 'X')).toBeUndefined();
  });

  it('needs the app’s `secrets` permission: 403 naming it', async () => {
    const narrow = twin.createInstallationToken(4001, { metadata: 'read', contents: 'write' });
    const read = await call('GET', '/repos/acme/web-shop/actions/secrets/public-key', undefined, narrow);
    expect([read.status, (read.json as { message: string }).message]).toEqual([
      403,
      'Resource not accessible by integration',
    ]);
    expect(read.headers.get('x-accepted-github-permissions')).toBe('secrets=read');
    expect(spec.schemaErrors('basic-error', read.json)).toEqual([]);
    const write = await call(
      'PUT',
      '/repos/acme/web-shop/actions/secrets/X',
      { encrypted_value: 'x', key_id: '1' },
      narrow,
    );
    expect(write.headers.get('x-accepted-github-permissions')).toBe('secrets=write');
  });

  it('refuses a direct write on a protected default branch with 409, as a ruleset or a classic rule answers', async () => {
    const body = { message: 'direct', content: Buffer.from('x\n').toString('base64') };
    twin.protectDefaultBranch('acme/web-shop', 'ruleset');
    const ruleset = await call('PUT', '/repos/acme/web-shop/contents/direct.txt', body);
    expect(ruleset.status).toBe(409);
    expect(spec.schemaErrors('repository-rule-violation-error', ruleset.json)).toEqual([]);
    expect((ruleset.json as { message: string }).message).toMatch(/^Repository rule violations found\n\n/);
    twin.protectDefaultBranch('acme/web-shop', 'classic');
    const classic = await call('PUT', '/repos/acme/web-shop/contents/direct.txt', body);
    expect(classic.json).toMatchObject({
      message: 'Could not create file: Changes must be made through a pull request.',
      status: '409',
    });
    const onBranch = await call('PUT', '/repos/acme/web-shop/contents/direct.txt', {
      ...body,
      branch: 'feature/search',
    });
    expect(onBranch.status).toBe(201);
    twin.protectDefaultBranch('acme/web-shop', undefined);
    expect((await call('PUT', '/repos/acme/web-shop/contents/direct.txt', body)).status).toBe(201);
  });
});

describe('GitHub twin: scaled content-creation limits', () => {
  it('refuses the creation past the scaled window with GitHub’s 403 and counts it', async () => {
    const twin = await startGitHubTwin(
      testGitHubScenario(pem, { secondaryLimits: { perMinute: 2, minuteMs: 5_000 } }),
    );
    try {
      const token = twin.createInstallationToken(4001);
      const put = (name: string) =>
        fetch(`${twin.apiUrl}/repos/acme/web-shop/contents/${name}`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ message: name, content: 'eA==', branch: 'feature/search' }),
        });
      expect((await put('a')).status).toBe(201);
      expect((await put('b')).status).toBe(201);
      const refused = await put('c');
      expect(refused.status).toBe(403);
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(5);
      expect(((await refused.json()) as { message: string }).message).toMatch(/secondary rate limit/);
      expect(twin.secondaryLimitRefusals()).toBe(1);
      twin.advanceTime(5_000);
      expect((await put('c')).status).toBe(201);
    } finally {
      await twin.close();
    }
  });
});
