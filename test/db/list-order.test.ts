import { afterEach, beforeEach, expect, it } from 'vitest';
import { addMember, createAccount, listAccountsOfUser, listMembers } from '../../src/db/accounts.js';
import { createApiToken, listApiTokens } from '../../src/db/api-tokens.js';
import { insertConnection, listConnections, newConnectionId } from '../../src/db/connections.js';
import { createHotQueries } from '../../src/db/hot-queries.js';
import {
  listOrganizations,
  listRepositories,
  upsertOrganization,
  upsertRepositories,
  type RepositoryInput,
} from '../../src/db/inventory.js';
import { createUser } from '../../src/db/users.js';
import { createTestDatabase, describeEachEngine, type TestDatabase } from '../helpers/database.js';

/** Names in the order people read them: upper and lower case mixed, as SCMs and admins type them. */
const readOrder = ['alpha', 'Beta', 'charlie', 'Delta', 'echo', 'Zulu'];
/** The same names as typed, in an order neither binary nor insertion order would sort into `readOrder`. */
const typed = ['Zulu', 'charlie', 'alpha', 'Delta', 'Beta', 'echo'];

describeEachEngine('lists sort names case-insensitively', (engine) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(engine);
  });
  afterEach(() => database.close());

  const user = (name: string) =>
    createUser(database.db, {
      email: `${name.toLowerCase()}@example.com`,
      name,
      passwordHash: 'scrypt$x',
    });

  const connection = async (accountId: string, name: string) => {
    const id = newConnectionId();
    await insertConnection(database.db, {
      id,
      accountId,
      kind: 'gitlab',
      name,
      baseUrl: 'https://gitlab.com',
      target: name,
      settings: {},
      tokenEncrypted: 'v1:test:x',
      caPem: null,
    });
    return id;
  };

  const repository = (name: string): RepositoryInput => ({
    externalId: name,
    name,
    fullName: `acme/${name}`,
    defaultBranch: 'main',
    visibility: 'private',
    archived: false,
    webUrl: `https://gitlab.com/acme/${name}`,
  });

  it('orders accounts, members and API tokens by name, whatever the case', async () => {
    const ada = await user('Ada');
    for (const name of typed) await createAccount(database.db, name, ada.id);
    expect((await listAccountsOfUser(database.db, ada.id)).map((a) => a.name)).toEqual(readOrder);

    const account = await createAccount(database.db, 'Members', ada.id);
    for (const name of typed) await addMember(database.db, account.id, (await user(name)).id, 'member');
    const members = (await listMembers(database.db, account.id)).map((m) => m.name);
    expect(members).toEqual(['Ada', ...readOrder]);
    const json = JSON.parse(await createHotQueries(database).membersJson(account.id)) as { name: string }[];
    expect(json.map((m) => m.name)).toEqual(members);

    for (const name of typed) {
      await createApiToken(database.db, { accountId: account.id, name, role: 'member', createdBy: ada.id });
    }
    expect((await listApiTokens(database.db, account.id)).map((t) => t.name)).toEqual(readOrder);
  });

  it('orders connections and organizations by name, whatever the case', async () => {
    const ada = await user('Ada');
    const account = await createAccount(database.db, 'Acme', ada.id);
    const ids: string[] = [];
    for (const name of typed) ids.push(await connection(account.id, name));
    expect((await listConnections(database.db, account.id)).map((c) => c.name)).toEqual(readOrder);

    for (const [index, name] of typed.entries()) {
      await upsertOrganization(
        database.db,
        { accountId: account.id, connectionId: ids[index]! },
        { externalId: name, name, webUrl: `https://gitlab.com/${name}` },
      );
    }
    expect((await listOrganizations(database.db, account.id)).map((o) => o.name)).toEqual(readOrder);
  });

  it('orders repositories by full name whatever the case, page after page', async () => {
    const ada = await user('Ada');
    const account = await createAccount(database.db, 'Acme', ada.id);
    const connectionId = await connection(account.id, 'acme');
    const organizationId = await upsertOrganization(
      database.db,
      { accountId: account.id, connectionId },
      { externalId: 'acme', name: 'acme', webUrl: 'https://gitlab.com/acme' },
    );
    // Two that differ in case only: both listed, in one stable order.
    const names = [...typed, 'ALPHA', 'beta-api', 'Beta_web'];
    await upsertRepositories(
      database.db,
      { accountId: account.id, connectionId, organizationId, syncedAt: new Date().toISOString() },
      names.map(repository),
    );

    const all = await listRepositories(database.db, account.id, { limit: 100 });
    const order = all.items.map((r) => r.name);
    expect(order.filter((name) => name !== 'ALPHA')).toEqual([
      'alpha',
      'Beta',
      'beta-api',
      'Beta_web',
      'charlie',
      'Delta',
      'echo',
      'Zulu',
    ]);
    // Which of two names equal but for case comes first is the engine's collation; they stay together.
    expect(Math.abs(order.indexOf('ALPHA') - order.indexOf('alpha'))).toBe(1);

    const paged: string[] = [];
    let after: { fullName: string; id: string } | undefined;
    for (;;) {
      const page = await listRepositories(database.db, account.id, { limit: 2, after });
      paged.push(...page.items.map((r) => r.name));
      const last = page.items.at(-1);
      if (page.items.length < 2 || !last) break;
      after = { fullName: last.fullName, id: last.id };
    }
    expect(paged).toEqual(order);
  });
});
