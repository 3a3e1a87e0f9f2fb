import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateKeys } from '../../src/cli/keys-rotate.js';
import { gitLabOAuthSecretAad } from '../../src/db/gitlab-oauth-apps.js';
import { createLiveSecretBox } from '../../src/secrets/live-secret-box.js';
import { addPerson, ApiClient, setUpAdmin } from '../helpers/api-client.js';
import { startTestService, type TestService } from '../helpers/service.js';

const secret = 'gloas-0123456789abcdef0123456789abcdef-canary';
const otherSecret = 'gloas-fedcba9876543210fedcba9876543210-rotated';

interface AppBody {
  id: string;
  webUrl: string;
  applicationId: string;
  callbackUrl: string;
  hasCaCertificate: boolean;
  createdAt: string;
}

describe('GitLab OAuth applications of Sign in with GitLab (instance admins only)', () => {
  let service: TestService;
  let admin: ApiClient;
  let member: ApiClient;
  let accountId: string;
  const path = '/api/v1/instance/gitlab-oauth-apps';

  beforeAll(async () => {
    service = await startTestService({ SCM_CONNECT_PUBLIC_URL: 'https://scm.example.test' });
    const setUp = await setUpAdmin(service);
    admin = setUp.client;
    accountId = setUp.session.currentAccountId!;
    // An account admin, but not an instance admin.
    member = (await addPerson(admin, service, accountId, 'other-admin@example.com', 'admin')).client;
  });
  afterAll(() => service?.close());

  const storedSecrets = async () =>
    service.database.db.selectFrom('gitlab_oauth_apps').select(['id', 'secret_encrypted']).execute();

  it('adds, lists, changes and removes an application; the secret is sealed and never answered', async () => {
    const created = await admin.post<AppBody>(path, {
      webUrl: 'https://gitlab.example.test/',
      applicationId: 'a1b2c3d4e5f6',
      secret,
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      webUrl: 'https://gitlab.example.test',
      applicationId: 'a1b2c3d4e5f6',
      callbackUrl: 'https://scm.example.test/auth/gitlab/callback',
      hasCaCertificate: false,
      createdAt: expect.any(String),
    });
    expect(created.text).not.toContain(secret);

    const listed = await admin.get<{ items: AppBody[] }>(path);
    expect(listed.body.items).toEqual([created.body]);
    expect(listed.text).not.toContain(secret);

    const [row] = await storedSecrets();
    expect(row!.secret_encrypted).toMatch(/^v1:/);
    expect(row!.secret_encrypted).not.toContain(secret);
    const box = createLiveSecretBox({ envValue: undefined, dataDir: service.dataDir });
    expect(box.decrypt(row!.secret_encrypted, gitLabOAuthSecretAad(created.body.id))).toBe(secret);

    // A change without a secret keeps it; with one, replaces it.
    const renamed = await admin.put<AppBody>(`${path}/${created.body.id}`, {
      webUrl: 'https://gitlab.example.test',
      applicationId: 'f6e5d4c3b2a1',
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.applicationId).toBe('f6e5d4c3b2a1');
    const [kept] = await storedSecrets();
    expect(box.decrypt(kept!.secret_encrypted, gitLabOAuthSecretAad(created.body.id))).toBe(secret);
    const changed = await admin.put<AppBody>(`${path}/${created.body.id}`, {
      webUrl: 'https://gitlab.example.test',
      applicationId: 'f6e5d4c3b2a1',
      secret: otherSecret,
    });
    expect(changed.status).toBe(200);
    expect(changed.text).not.toContain(otherSecret);
    const [replaced] = await storedSecrets();
    expect(box.decrypt(replaced!.secret_encrypted, gitLabOAuthSecretAad(created.body.id))).toBe(otherSecret);

    // One application per GitLab instance.
    const twice = await admin.post(path, {
      webUrl: 'https://gitlab.example.test',
      applicationId: 'x',
      secret,
    });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ code: 'gitlab_app_exists' });

    expect((await admin.delete(`${path}/${created.body.id}`)).status).toBe(204);
    expect((await admin.delete(`${path}/${created.body.id}`)).status).toBe(404);
    expect((await admin.get<{ items: AppBody[] }>(path)).body.items).toEqual([]);
  });

  it('is the secret of a key rotation too: re-encrypted under the new key', async () => {
    const created = await admin.post<AppBody>(path, {
      webUrl: 'https://gitlab.rotate.test',
      applicationId: 'rotate-app',
      secret,
    });
    expect(created.status).toBe(201);
    const [before] = await storedSecrets();
    const oldKid = before!.secret_encrypted.split(':')[1];
    expect(
      await rotateKeys(
        service.database.db,
        { masterKey: undefined, dataDir: service.dataDir },
        {
          removeOld: false,
          say: () => undefined,
        },
      ),
    ).toBe(0);
    const [after] = await storedSecrets();
    expect(after!.secret_encrypted.split(':')[1]).not.toBe(oldKid);
    const box = createLiveSecretBox({ envValue: undefined, dataDir: service.dataDir });
    expect(box.decrypt(after!.secret_encrypted, gitLabOAuthSecretAad(created.body.id))).toBe(secret);
    expect((await admin.delete(`${path}/${created.body.id}`)).status).toBe(204);
  });

  it('refuses everyone but an instance admin, and API tokens', async () => {
    const body = { webUrl: 'https://gitlab.example.test', applicationId: 'a', secret };
    for (const answer of [
      await member.get(path),
      await member.post(path, body),
      await member.put(`${path}/00000000-0000-4000-8000-000000000000`, body),
      await member.delete(`${path}/00000000-0000-4000-8000-000000000000`),
    ]) {
      expect(answer.status).toBe(403);
    }
    expect((await new ApiClient(service.url).get(path)).status).toBe(401);
    const token = await admin.post<{ secret: string }>(`/api/v1/accounts/${accountId}/tokens`, {
      name: 'ci',
      role: 'admin',
    });
    const bearer = new ApiClient(service.url);
    bearer.bearer = token.body.secret;
    expect((await bearer.get(path)).status).toBe(403);
    expect(await storedSecrets()).toEqual([]);
  });

  it('refuses an address that is not an http(s) instance root', async () => {
    for (const webUrl of ['ftp://gitlab.example.test', 'https://user:pw@gitlab.example.test', 'not a url']) {
      const answer = await admin.post(path, { webUrl, applicationId: 'a', secret });
      expect(answer.status, webUrl).toBeGreaterThanOrEqual(400);
      expect(answer.status, webUrl).toBeLessThan(500);
      expect(answer.text).not.toContain(secret);
    }
  });
});
