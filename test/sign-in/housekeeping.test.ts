import { afterEach, beforeEach, expect, it } from 'vitest';
import { hashToken } from '../../src/core/tokens.js';
import { mintSignInFlow, signInFlowLifetimeMs } from '../../src/db/sign-in-flows.js';
import { pruneExpired } from '../../src/jobs/index.js';
import { randomBytes } from 'node:crypto';
import { createKeyring, createSecretBox } from '../../src/secrets/index.js';
import { createTestDatabase, describeEachEngine, type TestDatabase } from '../helpers/database.js';

describeEachEngine('housekeeping of sign-in flows', (engine) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(engine);
  });
  afterEach(() => database.close());

  it('deletes the flows nobody came back from within ten minutes, and only those', async () => {
    const box = createSecretBox(createKeyring([{ key: randomBytes(32) }]));
    const start = { purpose: 'sign-in', provider: 'github', providerRef: 'instance' } as const;
    const now = new Date();
    const kept = await mintSignInFlow(database.db, box, start, now);
    await mintSignInFlow(
      database.db,
      box,
      { ...start, secrets: { codeVerifier: 'v' } },
      new Date(now.getTime() - signInFlowLifetimeMs - 1000),
    );
    expect((await pruneExpired(database.db, now)).signInFlows).toBe(1);
    expect(await database.db.selectFrom('sign_in_flows').select('state_hash').execute()).toEqual([
      { state_hash: hashToken(kept.state) },
    ]);
    expect((await pruneExpired(database.db, now)).signInFlows).toBe(0);
  });
});
