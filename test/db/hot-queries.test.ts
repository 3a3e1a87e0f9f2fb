import { afterEach, beforeEach, expect, it } from 'vitest';
import { z } from 'zod';
import { memberSchema } from '../../src/api/schemas.js';
import { addMember, createAccount, listMembers, removeMember, setMemberRole } from '../../src/db/accounts.js';
import { createHotQueries, type HotQueries } from '../../src/db/hot-queries.js';
import { createSession, deleteSession } from '../../src/db/sessions.js';
import { createUser } from '../../src/db/users.js';
import { hashToken, nowIso } from '../../src/core/tokens.js';
import { createTestDatabase, describeEachEngine, type TestDatabase } from '../helpers/database.js';

describeEachEngine('hot queries', (engine) => {
  let database: TestDatabase;
  let queries: HotQueries;
  beforeEach(async () => {
    database = await createTestDatabase(engine);
    queries = createHotQueries(database);
  });
  afterEach(() => database.close());

  const user = (email: string, name = email.split('@')[0]!) =>
    createUser(database.db, { email, name, passwordHash: 'scrypt$x' });

  it('renders the member list as JSON equal to the rows, in the response schema, any text intact', async () => {
    const owner = await user('owner@example.com');
    const account = await createAccount(database.db, 'Acme', owner.id);
    const names = [
      'Zoë "Quotes" O\'Brien',
      'Back\\slash / slash',
      'Tab\tand\nnewline',
      '</script><script>alert(1)</script>',
      '日本語 🚀 \u2028 \u0001',
    ];
    for (const [i, name] of names.entries()) {
      const person = await user(`person${i}@example.com`, name);
      await addMember(database.db, account.id, person.id, i % 2 ? 'admin' : 'member');
    }
    const rows = await listMembers(database.db, account.id);
    const rendered = JSON.parse(await queries.membersJson(account.id)) as unknown;
    expect(rendered).toEqual(rows);
    expect(z.array(memberSchema).parse(rendered)).toHaveLength(names.length + 1);
    expect(rows.map((m) => m.name)).toEqual(expect.arrayContaining(names));
    const empty = await createAccount(database.db, 'Empty', owner.id);
    await removeMember(database.db, empty.id, owner.id);
    expect(JSON.parse(await queries.membersJson(empty.id))).toEqual([]);
  });

  it('sees a sign-out, a changed role and a removed membership on the very next lookup', async () => {
    const ada = await user('ada@example.com');
    const bob = await user('bob@example.com');
    const account = await createAccount(database.db, 'Acme', ada.id);
    await addMember(database.db, account.id, bob.id, 'admin');
    const session = await createSession(database.db, { userId: bob.id, accountId: account.id, hours: 1 });
    const lookUp = () => queries.findSession(hashToken(session.cookie), account.id, nowIso());

    expect(await lookUp()).toMatchObject({ userId: bob.id, roleInRequestedAccount: 'admin' });
    expect(await lookUp()).toMatchObject({ roleInRequestedAccount: 'admin' });
    await setMemberRole(database.db, account.id, bob.id, 'member');
    expect(await lookUp()).toMatchObject({ roleInRequestedAccount: 'member' });
    await removeMember(database.db, account.id, bob.id);
    expect(await lookUp()).toMatchObject({ roleInRequestedAccount: null });
    await deleteSession(database.db, hashToken(session.cookie));
    expect(await lookUp()).toBeUndefined();
  });
});
