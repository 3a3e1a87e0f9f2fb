import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/log.js';
import { connectionTokenAad } from '../../src/db/secret-columns.js';
import { keyFilePath } from '../../src/secrets/index.js';
import { createLiveSecretBox } from '../../src/secrets/live-secret-box.js';
import { rotateKeys } from '../../src/cli/keys-rotate.js';
import { ApiClient, adminPassword, setUpAdmin } from '../helpers/api-client.js';
import { startTestService, type TestService } from '../helpers/service.js';

const scmToken = 'glpat-K1canaryTokenValue0123456789';

/** Stores a connection with an encrypted token the way the service does (the add flows arrive with each SCM kind). */
async function storeConnection(service: TestService, accountId: string, token: string) {
  const box = createLiveSecretBox({ envValue: undefined, dataDir: service.dataDir });
  const id = randomUUID();
  const now = new Date().toISOString();
  await service.database.db
    .insertInto('connections')
    .values({
      id,
      account_id: accountId,
      kind: 'gitlab',
      name: 'acme',
      base_url: 'https://gitlab.com',
      target: `acme-${id.slice(0, 8)}`,
      status: 'connected',
      settings: '{}',
      token_encrypted: box.encrypt(token, connectionTokenAad(accountId, id)),
      ca_pem: null,
      token_updated_at: now,
      last_test: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

describe('secrets never leave the server', () => {
  let service: TestService;
  let admin: ApiClient;
  let accountId: string;
  const lines: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    service = await startTestService({}, { logger: createLogger({ level: 'trace', destination: sink }) });
    const setUp = await setUpAdmin(service);
    admin = setUp.client;
    accountId = setUp.session.currentAccountId!;
  });
  afterAll(() => service.close());

  it('creates the key file 0600 on first run', () => {
    const file = keyFilePath(service.dataDir);
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('lists connections with hasToken and no secret field (K1)', async () => {
    await storeConnection(service, accountId, scmToken);
    const listed = await admin.get<{ items: Record<string, unknown>[] }>(
      `/api/v1/accounts/${accountId}/connections`,
    );
    expect(listed.status).toBe(200);
    expect(listed.body.items[0]).toMatchObject({ hasToken: true, tokenUpdatedAt: expect.any(String) });
    expect(Object.keys(listed.body.items[0]!)).not.toEqual(
      expect.arrayContaining(['token', 'tokenEncrypted', 'token_encrypted']),
    );
    expect(listed.text).not.toContain(scmToken);
    expect(listed.text).not.toContain('v1:');
  });

  it('stores v1:{kid}:{iv}:{ct}:{tag} and never the plaintext (K4)', async () => {
    const rows = await service.database.db.selectFrom('connections').select('token_encrypted').execute();
    for (const row of rows) expect(row.token_encrypted).toMatch(/^v1:[0-9a-f]{8,}:[\w-]+:[\w-]+:[\w-]+$/);
    expect(JSON.stringify(rows)).not.toContain(scmToken);
    if (service.database.engine === 'postgres') {
      const url = service.config.databaseUrl!;
      const dump = execFileSync(pgDump(), ['--dbname', url], {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      expect(dump).toContain('v1:');
      expect(dump).not.toContain(scmToken);
    } else {
      for (const name of ['scm-connect.db', 'scm-connect.db-wal']) {
        const file = `${service.dataDir}/${name}`;
        if (existsSync(file)) expect(readFileSync(file).includes(Buffer.from(scmToken))).toBe(false);
      }
    }
  });

  it('keeps passwords, API tokens and cookies out of the logs, even at trace level (K2)', async () => {
    const created = await admin.post<{ secret: string }>(`/api/v1/accounts/${accountId}/tokens`, {
      name: 'logged',
    });
    const script = new ApiClient(service.url);
    script.bearer = created.body.secret;
    await script.get(`/api/v1/accounts/${accountId}/members`);
    const wrong = new ApiClient(service.url);
    wrong.bearer = `${created.body.secret}x`;
    expect((await wrong.get(`/api/v1/accounts/${accountId}/members`)).status).toBe(401);
    const signIn = new ApiClient(service.url);
    await signIn.post('/api/v1/session', { email: 'admin@example.com', password: adminPassword });
    await signIn.get(`/api/v1/accounts/${accountId}/connections?access_token=${scmToken}`);
    const cookie = signIn.cookie!.split('=')[1]!;

    const log = lines.join('');
    expect(log.length).toBeGreaterThan(0);
    expect(log).toContain('"url"');
    for (const secret of [
      adminPassword,
      created.body.secret,
      cookie,
      scmToken,
      Buffer.from(created.body.secret).toString('base64'),
    ]) {
      expect(log).not.toContain(secret);
    }
    expect(log).not.toMatch(/Bearer scmc_/);
  });

  it('re-encrypts every secret under a new key and can then drop the old one (K7)', async () => {
    const ids = [
      await storeConnection(service, accountId, 'token-one'),
      await storeConnection(service, accountId, 'token-two'),
    ];
    const before = await service.database.db
      .selectFrom('connections')
      .select(['id', 'token_encrypted'])
      .execute();
    const oldKid = before[0]!.token_encrypted!.split(':')[1];
    const said: string[] = [];
    const code = await rotateKeys(
      service.database.db,
      { masterKey: undefined, dataDir: service.dataDir },
      {
        removeOld: true,
        say: (line) => said.push(line),
      },
    );
    expect(code).toBe(0);
    expect(said.join('\n')).toMatch(/Re-encrypted 3 of 3 secrets/);
    expect(said.join('\n')).toContain(`Removed old key ${oldKid}`);
    expect(readFileSync(keyFilePath(service.dataDir), 'utf8')).not.toContain(oldKid);
    const after = await service.database.db
      .selectFrom('connections')
      .select(['id', 'account_id', 'token_encrypted'])
      .execute();
    const box = createLiveSecretBox({ envValue: undefined, dataDir: service.dataDir });
    for (const row of after) {
      expect(row.token_encrypted!.split(':')[1]).not.toBe(oldKid);
      expect(box.decrypt(row.token_encrypted!, connectionTokenAad(row.account_id, row.id))).toMatch(
        /token|glpat/,
      );
    }
    const values = Object.fromEntries(
      after.map((r) => [r.id, box.decrypt(r.token_encrypted!, connectionTokenAad(r.account_id, r.id))]),
    );
    expect(values[ids[0]!]).toBe('token-one');
    expect(values[ids[1]!]).toBe('token-two');
    // The running service still reads them: it reloads the key file.
    expect((await admin.get(`/api/v1/accounts/${accountId}/connections`)).status).toBe(200);
  });
});

function pgDump(): string {
  const found = execFileSync('bash', ['-c', 'ls /usr/lib/postgresql/*/bin/pg_dump | tail -1'], {
    encoding: 'utf8',
  }).trim();
  return found || 'pg_dump';
}
