import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createAccount } from '../../src/db/accounts.js';
import { rewrapSecrets } from '../../src/db/secret-columns.js';
import {
  deleteExpiredSamlAssertions,
  findSsoProvider,
  recordSamlAssertion,
  saveSsoProvider,
  ssoSecretAad,
} from '../../src/db/sso-providers.js';
import { createUser } from '../../src/db/users.js';
import { pruneExpired } from '../../src/jobs/index.js';
import { createKeyring, createSecretBox } from '../../src/secrets/index.js';
import { createTestDatabase, describeEachEngine, type TestDatabase } from '../helpers/database.js';

describeEachEngine('single sign-on storage', (engine) => {
  let database: TestDatabase;
  let accountId: string;
  beforeEach(async () => {
    database = await createTestDatabase(engine);
    const user = await createUser(database.db, { email: 'a@example.com', name: 'A', passwordHash: 'x' });
    accountId = (await createAccount(database.db, 'Acme', user.id)).id;
  });
  afterEach(() => database.close());

  const saml = () =>
    saveSsoProvider(database.db, {
      accountId,
      protocol: 'saml',
      name: 'IdP',
      settings: '{}',
      status: 'active',
      userId: null,
    });

  it('accepts a SAML assertion id once, and forgets it when the assertion has expired', async () => {
    const provider = await saml();
    const past = new Date(Date.now() - 60_000).toISOString();
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const record = (assertionId: string, expiresAt: string) =>
      recordSamlAssertion(database.db, { providerId: provider.id, assertionId, expiresAt });

    expect(await record('_a', future)).toBe(true);
    expect(await record('_a', future)).toBe(false);
    expect(await record('_old', past)).toBe(true);
    expect(await deleteExpiredSamlAssertions(database.db, new Date())).toBe(1);
    expect(await record('_a', future)).toBe(false);
    await record('_older', past);
    expect((await pruneExpired(database.db, new Date())).samlAssertions).toBe(1);
  });

  it('re-encrypts the OpenID Connect client secret under a new master key', async () => {
    const oldKey = randomBytes(32);
    const before = createSecretBox(createKeyring([{ key: oldKey }]));
    const provider = await saveSsoProvider(database.db, {
      accountId,
      protocol: 'oidc',
      name: 'IdP',
      settings: '{}',
      status: 'draft',
      userId: null,
      seal: (id) => before.encrypt('client-secret-canary', ssoSecretAad(accountId, id)),
    });
    const after = createSecretBox(createKeyring([{ key: randomBytes(32) }, { key: oldKey }]));
    expect((await rewrapSecrets(database.db, after)).rewrapped).toBe(1);
    const stored = (await findSsoProvider(database.db, provider.id))!.secret_encrypted!;
    expect(after.needsRewrap(stored)).toBe(false);
    expect(after.decrypt(stored, ssoSecretAad(accountId, provider.id))).toBe('client-secret-canary');
    expect(() => after.decrypt(stored, ssoSecretAad(accountId, 'another-provider'))).toThrow();
  });
});
