import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addPerson, ApiClient } from '../../helpers/api-client.js';
import { expectError } from '../connections/connections-api.js';
import { commitA, sarif } from './sarif-fixtures.js';
import { insertConnection, upload, useScansWorld, type ScanView } from './scans-world.js';

const world = useScansWorld({ kits: false });

async function tokenClient(accountId: string, role: 'admin' | 'member' | 'scan-upload', admin = world.admin) {
  const created = await admin.post<{ secret: string; token: { role: string } }>(
    `/api/v1/accounts/${accountId}/tokens`,
    { name: `ci ${role}`, role },
  );
  expect(created.status, created.text).toBe(201);
  expect(created.body.token.role).toBe(role);
  const client = new ApiClient(world.service.url);
  client.bearer = created.body.secret;
  return client;
}

const query = { repository: 'acme/Payments', commit: commitA };

describe('the scan-upload API token role', () => {
  it('uploads, reads its scan back and finds its account, and nothing else', async () => {
    const ci = await tokenClient(world.accountId, 'scan-upload');
    const accounts = await ci.get<{ items: { id: string; role: string }[] }>('/api/v1/accounts');
    expect(accounts.body.items).toEqual([
      { id: world.accountId, name: 'Acme Security', role: 'scan-upload' },
    ]);

    const uploaded = await upload(ci, world.accountId, sarif({ tool: 'ci-tool' }), { query });
    expect(uploaded.status, uploaded.text).toBe(202);
    const row = await world.db
      .selectFrom('scans')
      .select(['uploaded_by_token_id', 'uploaded_by_user_id'])
      .where('id', '=', uploaded.body.scan.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ uploaded_by_token_id: expect.any(String), uploaded_by_user_id: null });
    const polled = await ci.get<ScanView>(
      `/api/v1/accounts/${world.accountId}/scans/${uploaded.body.scan.id}`,
    );
    expect(polled.status).toBe(200);
    expect(polled.body.id).toBe(uploaded.body.scan.id);

    for (const path of [
      'connections',
      'tokens',
      'members',
      'repositories',
      'jobs',
      'scans',
      'organizations',
    ]) {
      const answer = await ci.get(`/api/v1/accounts/${world.accountId}/${path}`);
      const body = expectError(answer, 403, 'forbidden');
      expect(body.message).toContain('scan-upload');
    }
    expectError(
      await ci.patch(
        `/api/v1/accounts/${world.accountId}/repositories/${world.github.repositories['acme/Payments']}`,
        {
          excluded: true,
        },
      ),
      403,
      'forbidden',
    );
  });

  it('is refused by every other route of the API, before its input is read (403)', async () => {
    const ci = await tokenClient(world.accountId, 'scan-upload');
    const docs = await world.admin.get<{ paths: Record<string, Record<string, unknown>> }>('/api/docs/json');
    const allowed = new Set([
      'get /api/v1/accounts',
      'post /api/v1/accounts/{accountId}/scans',
      'get /api/v1/accounts/{accountId}/scans/{scanId}',
    ]);
    const checked: string[] = [];
    for (const [template, operations] of Object.entries(docs.body.paths)) {
      if (!template.startsWith('/api/v1/')) continue;
      for (const method of Object.keys(operations)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        if (allowed.has(`${method} ${template}`)) continue;
        const path = template.replace(/\{(\w+)\}/g, (_all, name: string) =>
          name === 'accountId' ? world.accountId : randomUUID(),
        );
        const answer = await ci.call(
          method.toUpperCase(),
          path,
          method === 'get' || method === 'delete' ? undefined : {},
        );
        expect(answer.status, `${method} ${template}: ${answer.text}`).toBe(403);
        checked.push(`${method} ${template}`);
      }
    }
    expect(checked.length).toBeGreaterThan(30);
    expect(checked).toContain('get /api/v1/accounts/{accountId}/connections');
    expect(checked).toContain('get /api/v1/accounts/{accountId}/scans');
    expect(docs.body.paths['/api/v1/accounts/{accountId}/scans']).toHaveProperty('post');
    expect(checked).toContain('patch /api/v1/accounts/{accountId}/repositories/{repositoryId}');
  });

  it('lets member and admin tokens and signed-in members upload too', async () => {
    for (const role of ['member', 'admin'] as const) {
      const client = await tokenClient(world.accountId, role);
      const answer = await upload(client, world.accountId, sarif({ tool: `as-${role}` }), { query });
      expect(answer.status, answer.text).toBe(202);
      expect((await client.get(`/api/v1/accounts/${world.accountId}/scans`)).status).toBe(200);
    }
  });
});

describe('tenant walls', () => {
  it("answers another account's scans, uploads and repositories with 404", async () => {
    // A second tenant: its own admin (invited into a new account only) and its own connection.
    const otherAccount = await world.admin.post<{ id: string }>('/api/v1/accounts', { name: 'Other Corp' });
    const outsider = await addPerson(
      world.admin,
      world.service,
      otherAccount.body.id,
      'outsider@example.com',
      'admin',
    );
    await insertConnection(world.db, otherAccount.body.id, {
      kind: 'github',
      name: 'other on GitHub',
      baseUrl: 'https://github.com',
      target: 'other',
      repositories: ['other/secret'],
    });
    const theirs = await upload(outsider.client, otherAccount.body.id, sarif(), {
      query: { repository: 'other/secret', commit: commitA },
    });
    expect(theirs.status, theirs.text).toBe(202);
    const ours = await upload(world.admin, world.accountId, sarif({ tool: 'walls' }), { query });
    expect(ours.status).toBe(202);

    const ci = await tokenClient(world.accountId, 'scan-upload');
    // Our token, their account: the same 404 as an account that does not exist.
    expectError(
      await upload(ci, otherAccount.body.id, sarif(), {
        query: { repository: 'other/secret', commit: commitA },
      }),
      404,
      'not_found',
    );
    expectError(
      await ci.get(`/api/v1/accounts/${otherAccount.body.id}/scans/${theirs.body.scan.id}`),
      404,
      'not_found',
    );
    // Their scan under our account: not found either.
    expectError(
      await ci.get(`/api/v1/accounts/${world.accountId}/scans/${theirs.body.scan.id}`),
      404,
      'not_found',
    );
    expectError(
      await world.admin.get(`/api/v1/accounts/${world.accountId}/scans/${theirs.body.scan.id}`),
      404,
      'not_found',
    );
    // Their repository, named from our account: not found (their connections are not searched).
    const named = expectError(
      await upload(world.admin, world.accountId, sarif(), {
        query: { repository: 'other/secret', commit: commitA },
      }),
      404,
      'repository_not_found',
    );
    expect(named.message).not.toContain('other on GitHub');
    // The outsider, signed in, on our account.
    expectError(await upload(outsider.client, world.accountId, sarif(), { query }), 404, 'not_found');
    expectError(
      await outsider.client.get(`/api/v1/accounts/${world.accountId}/scans/${ours.body.scan.id}`),
      404,
      'not_found',
    );
    expectError(await outsider.client.get(`/api/v1/accounts/${world.accountId}/scans`), 404, 'not_found');
    const listed = await outsider.client.get<{ items: { id: string }[] }>(
      `/api/v1/accounts/${otherAccount.body.id}/scans`,
    );
    expect(listed.body.items.map((scan) => scan.id)).toEqual([theirs.body.scan.id]);
  });

  it('asks for a session to send the CSRF token, and refuses an upload without credentials', async () => {
    const anonymous = new ApiClient(world.service.url);
    expectError(await upload(anonymous, world.accountId, sarif(), { query }), 401, 'unauthorized');
    const bad = new ApiClient(world.service.url);
    bad.bearer = 'scmc_not-a-token';
    expectError(await upload(bad, world.accountId, sarif(), { query }), 401, 'unauthorized');
    const noCsrf = new ApiClient(world.service.url);
    noCsrf.cookie = world.admin.cookie;
    expectError(await upload(noCsrf, world.accountId, sarif(), { query }), 403, 'csrf_failed');
  });
});
