import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  addMember,
  countAdmins,
  createAccount,
  listAccountsOfUser,
  listMembers,
  removeMember,
} from '../../src/db/accounts.js';
import { createApiToken, findApiToken, listApiTokens } from '../../src/db/api-tokens.js';
import { migrateToLatest } from '../../src/db/database.js';
import { takeSetting, putSetting } from '../../src/db/instance-settings.js';
import { hit } from '../../src/db/rate-limits.js';
import { createHotQueries } from '../../src/db/hot-queries.js';
import { createSession } from '../../src/db/sessions.js';
import { hashToken, nowIso } from '../../src/core/tokens.js';
import { createUser, findUserByEmail } from '../../src/db/users.js';
import { createTestDatabase, describeEachEngine, type TestDatabase } from '../helpers/database.js';

describeEachEngine('storage', (engine) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(engine);
  });
  afterEach(() => database.close());

  const user = (email: string) =>
    createUser(database.db, { email, name: email.split('@')[0]!, passwordHash: 'scrypt$x' });

  it('migrates once and then has nothing left to do', async () => {
    expect(await migrateToLatest(database)).toEqual([]);
  });

  it('keeps emails unique and writes nothing half-way when a transaction fails', async () => {
    await user('a@example.com');
    await expect(user('a@example.com')).rejects.toThrow();
    await expect(
      database.db.transaction().execute(async (tx) => {
        const created = await createUser(tx, { email: 'b@example.com', name: 'b', passwordHash: 'x' });
        await createAccount(tx, 'B', created.id);
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    expect(await findUserByEmail(database.db, 'b@example.com')).toBeUndefined();
    expect(await database.db.selectFrom('accounts').selectAll().execute()).toEqual([]);
  });

  it('scopes memberships per account and cascades account deletion', async () => {
    const ada = await user('ada@example.com');
    const bob = await user('bob@example.com');
    const acme = await createAccount(database.db, 'Acme', ada.id);
    const beta = await createAccount(database.db, 'Beta', bob.id);
    expect(await addMember(database.db, acme.id, bob.id, 'member')).toBe(true);
    expect(await addMember(database.db, acme.id, bob.id, 'admin')).toBe(false);
    expect((await listMembers(database.db, acme.id)).map((m) => [m.email, m.role])).toEqual([
      ['ada@example.com', 'admin'],
      ['bob@example.com', 'member'],
    ]);
    expect((await listMembers(database.db, beta.id)).map((m) => m.email)).toEqual(['bob@example.com']);
    expect((await listAccountsOfUser(database.db, bob.id)).map((a) => a.name)).toEqual(['Acme', 'Beta']);
    expect(await countAdmins(database.db, acme.id)).toBe(1);
    await createApiToken(database.db, { accountId: acme.id, name: 't', role: 'member', createdBy: ada.id });
    await database.db.deleteFrom('accounts').where('id', '=', acme.id).execute();
    expect(await listMembers(database.db, acme.id)).toEqual([]);
    expect(await listApiTokens(database.db, acme.id)).toEqual([]);
    expect(await removeMember(database.db, acme.id, bob.id)).toBe(false);
  });

  it('finds sessions and API tokens by their hash only, and not once expired', async () => {
    const ada = await user('ada@example.com');
    const account = await createAccount(database.db, 'Acme', ada.id);
    const session = await createSession(database.db, { userId: ada.id, accountId: account.id, hours: 1 });
    const queries = createHotQueries(database);
    const findSession = (cookie: string, accountId: string | null = null) =>
      queries.findSession(hashToken(cookie), accountId, nowIso());
    expect(await findSession(session.cookie, account.id)).toMatchObject({ roleInRequestedAccount: 'admin' });
    expect(await findSession(session.cookie, randomUUID())).toMatchObject({ roleInRequestedAccount: null });
    expect(await findSession(session.cookie)).toMatchObject({
      userId: ada.id,
      accountId: account.id,
    });
    expect(await findSession(`${session.cookie}x`)).toBeUndefined();
    const expired = await createSession(database.db, { userId: ada.id, accountId: null, hours: -1 });
    expect(await findSession(expired.cookie)).toBeUndefined();
    const stored = await database.db.selectFrom('sessions').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(session.cookie);
    const token = await createApiToken(database.db, {
      accountId: account.id,
      name: 'ci',
      role: 'admin',
      createdBy: ada.id,
    });
    expect(await findApiToken(database.db, token.secret)).toMatchObject({
      accountId: account.id,
      role: 'admin',
    });
    expect(await findApiToken(database.db, 'scmc_nope')).toBeUndefined();
  });

  it('counts rate-limit hits in a window shared by every process', async () => {
    const key = `k-${randomUUID()}`;
    const waits = [];
    for (let i = 0; i < 4; i++) waits.push(await hit(database.db, key, 3, 60));
    expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
    expect(waits[3]).toBeGreaterThan(0);
    expect(await hit(database.db, key, 3, 0)).toBe(0);
  });

  it('lets exactly one caller take a one-time setting', async () => {
    await putSetting(database.db, 'setup', 'h1');
    const results = await Promise.all([
      takeSetting(database.db, 'setup', 'h1'),
      takeSetting(database.db, 'setup', 'h1'),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('refuses a second connection to the same target in one account', async () => {
    const ada = await user('ada@example.com');
    const account = await createAccount(database.db, 'Acme', ada.id);
    const row = () => ({
      id: randomUUID(),
      account_id: account.id,
      kind: 'gitlab',
      name: 'acme',
      base_url: 'https://gitlab.com',
      target: 'acme',
      status: 'connected' as const,
      settings: '{}',
      token_encrypted: null,
      ca_pem: null,
      token_updated_at: null,
      last_test: null,
      created_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
    });
    await database.db.insertInto('connections').values(row()).execute();
    await expect(database.db.insertInto('connections').values(row()).execute()).rejects.toThrow();
  });
});
