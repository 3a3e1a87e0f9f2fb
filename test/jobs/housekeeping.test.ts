import { afterEach, beforeEach, expect, it } from 'vitest';
import { createAccount } from '../../src/db/accounts.js';
import { createInvitation } from '../../src/db/invitations.js';
import { hit } from '../../src/db/rate-limits.js';
import { createSession } from '../../src/db/sessions.js';
import { createUser } from '../../src/db/users.js';
import { hashToken } from '../../src/core/tokens.js';
import { recordInstallRequest } from '../../src/db/github-installations.js';
import { flowStateLifetimeMs, mintFlowState } from '../../src/github-apps/flow-states.js';
import { enqueueJob, pruneExpired } from '../../src/jobs/index.js';
import { createTestDatabase, describeEachEngine, type TestDatabase } from '../helpers/database.js';

describeEachEngine('housekeeping', (engine) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(engine);
  });
  afterEach(() => database.close());

  it('deletes expired sessions, invitations and GitHub flows, stale rate-limit windows and old finished jobs only', async () => {
    const db = database.db;
    const user = await createUser(db, { email: 'a@example.com', name: 'A', passwordHash: 'x' });
    const account = await createAccount(db, 'Acme', user.id);
    await createSession(db, { userId: user.id, accountId: account.id, hours: 1 });
    await createSession(db, { userId: user.id, accountId: account.id, hours: -1 });
    await createInvitation(db, {
      accountId: account.id,
      email: 'b@example.com',
      role: 'member',
      createdBy: user.id,
      hours: 72,
    });
    await createInvitation(db, {
      accountId: account.id,
      email: 'c@example.com',
      role: 'member',
      createdBy: user.id,
      hours: -1,
    });
    await hit(db, 'fresh', 10, 60);
    await db
      .insertInto('rate_limits')
      .values({ key: 'stale', window_start: '2000-01-01T00:00:00.000Z', count: 3 })
      .execute();
    const old = await enqueueJob(db, { accountId: account.id, kind: 'k', payload: {} });
    const recent = await enqueueJob(db, { accountId: account.id, kind: 'k', payload: {} });
    const pending = await enqueueJob(db, { accountId: account.id, kind: 'k', payload: {} });
    await db
      .updateTable('jobs')
      .set({ status: 'succeeded', finished_at: '2000-01-01T00:00:00.000Z' })
      .where('id', '=', old.id)
      .execute();
    await db
      .updateTable('jobs')
      .set({ status: 'succeeded', finished_at: new Date().toISOString() })
      .where('id', '=', recent.id)
      .execute();

    const owner = { accountId: account.id, userId: user.id, sessionHash: 'session-hash' };
    const kept = await mintFlowState(db, owner, 'install', undefined, new Date());
    await mintFlowState(db, owner, 'install', undefined, new Date(Date.now() - flowStateLifetimeMs - 1000));
    const app = { webUrl: 'https://github.com', appId: '1' };
    const requester = { id: '7', login: 'dana' };
    for (const lifetimeMs of [86_400_000, -1000]) {
      await recordInstallRequest(db, { ...owner, app, gitHubUser: requester, now: new Date(), lifetimeMs });
    }

    expect(await pruneExpired(db, new Date())).toEqual({
      sessions: 1,
      invitations: 1,
      rateLimits: 1,
      jobs: 1,
      githubFlows: 2,
      signInFlows: 0,
      samlAssertions: 0,
    });
    expect(await db.selectFrom('github_flow_states').select('state_hash').execute()).toEqual([
      { state_hash: hashToken(kept.state) },
    ]);
    expect(await db.selectFrom('github_install_requests').select('id').execute()).toHaveLength(1);
    expect(await db.selectFrom('sessions').select('id_hash').execute()).toHaveLength(1);
    expect((await db.selectFrom('invitations').select('email').execute()).map((r) => r.email)).toEqual([
      'b@example.com',
    ]);
    expect((await db.selectFrom('rate_limits').select('key').execute()).map((r) => r.key)).toEqual(['fresh']);
    expect((await db.selectFrom('jobs').select('id').execute()).map((r) => r.id).sort()).toEqual(
      [recent.id, pending.id].sort(),
    );
    expect(await pruneExpired(db, new Date())).toEqual({
      sessions: 0,
      invitations: 0,
      rateLimits: 0,
      jobs: 0,
      githubFlows: 0,
      signInFlows: 0,
      samlAssertions: 0,
    });
  });
});
