import { afterEach, expect, it } from 'vitest';
import { findApiToken } from '../../src/db/api-tokens.js';
import { ensureCiSecret, type CiSecretRequest } from '../../src/onboarding/ci-secret.js';
import type { CiSecretStore, ScmRepositoryRef } from '../../src/scm/provider.js';
import { createTestDatabase, describeEachEngine, type TestDatabase } from '../helpers/database.js';
import { twoAccounts } from '../jobs/fixtures.js';
import { seedConnection } from './seed.js';

/** A secret store in memory, keyed like an SCM's (per repository); `failPut` makes the next put throw. */
function memoryStore() {
  const values = new Map<string, string>();
  const key = (repository: ScmRepositoryRef, name: string) => `${repository.externalId}/${name}`;
  let failPut = false;
  const store: CiSecretStore = {
    label: 'test secret',
    scopeOf: (repository) => repository.externalId,
    hasSecret: async (repository, name) => values.has(key(repository, name)),
    async putSecret(repository, name, value) {
      if (failPut) {
        failPut = false;
        throw new Error('connection reset');
      }
      values.set(key(repository, name), value);
    },
  };
  return { store, values, failNextPut: () => (failPut = true) };
}

describeEachEngine('the CI secret of a repository', (engine) => {
  let database: TestDatabase | undefined;
  afterEach(() => database?.close());

  async function setUp() {
    database = await createTestDatabase(engine);
    const { acme } = await twoAccounts(database.db);
    const seeded = await seedConnection(database.db, acme, 'gitlab', [
      { fullName: 'acme/api', externalId: '42' },
    ]);
    const request: CiSecretRequest = {
      accountId: acme,
      connectionId: seeded.connectionId,
      repository: { externalId: '42', fullName: 'acme/api' },
      secretName: 'SCM_CONNECT_API_TOKEN',
      createdBy: null,
    };
    const tokens = () =>
      database!.db
        .selectFrom('api_tokens')
        .select(['id', 'name', 'role'])
        .where('account_id', '=', acme)
        .execute();
    return { db: database.db, request, tokens };
  }

  it('stores a live scan-upload token once, then finds it present', async () => {
    const { db, request, tokens } = await setUp();
    const memory = memoryStore();
    expect(await ensureCiSecret(db, memory.store, request)).toBe('created');
    const stored = memory.values.get('42/SCM_CONNECT_API_TOKEN')!;
    const token = await findApiToken(db, stored);
    expect(token).toMatchObject({ accountId: request.accountId, role: 'scan-upload' });
    expect(await tokens()).toEqual([{ id: token!.id, name: 'CI: acme/api', role: 'scan-upload' }]);

    expect(await ensureCiSecret(db, memory.store, request)).toBe('present');
    expect(memory.values.get('42/SCM_CONNECT_API_TOKEN')).toBe(stored);
    expect(await tokens()).toHaveLength(1);
  });

  it('replaces the secret when the SCM lost it or its token was revoked, revoking the token it replaces', async () => {
    const { db, request, tokens } = await setUp();
    const memory = memoryStore();
    await ensureCiSecret(db, memory.store, request);
    const first = (await tokens())[0]!.id;
    memory.values.clear();
    expect(await ensureCiSecret(db, memory.store, request)).toBe('created');
    const second = (await tokens()).map((t) => t.id);
    expect(second).toHaveLength(1);
    expect(second[0]).not.toBe(first);

    await db.deleteFrom('api_tokens').where('id', '=', second[0]!).execute();
    expect(await ensureCiSecret(db, memory.store, request)).toBe('created');
    const live = await findApiToken(db, memory.values.get('42/SCM_CONNECT_API_TOKEN')!);
    expect(live).toBeDefined();
    expect(await tokens()).toHaveLength(1);
  });

  it('converges after a failure between making the token and storing it: no token left behind', async () => {
    const { db, request, tokens } = await setUp();
    const memory = memoryStore();
    await ensureCiSecret(db, memory.store, request);
    const before = memory.values.get('42/SCM_CONNECT_API_TOKEN')!;
    memory.values.clear();
    memory.failNextPut();
    await expect(ensureCiSecret(db, memory.store, request)).rejects.toThrow('connection reset');
    // Made and recorded as pending, never stored: the next try replaces it, whatever the SCM holds.
    expect(await tokens()).toHaveLength(2);
    memory.values.set('42/SCM_CONNECT_API_TOKEN', before);
    expect(await ensureCiSecret(db, memory.store, request)).toBe('created');
    const after = memory.values.get('42/SCM_CONNECT_API_TOKEN')!;
    expect(after).not.toBe(before);
    expect(await findApiToken(db, before)).toBeUndefined();
    expect(await tokens()).toEqual([
      { id: (await findApiToken(db, after))!.id, name: 'CI: acme/api', role: 'scan-upload' },
    ]);
  });
});
