import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPerson, type SessionBody } from '../helpers/api-client.js';
import {
  memberTable,
  reconcileNow,
  setSource,
  startMembershipWorld,
  type MembershipWorld,
  type Person,
} from './membership-world.js';

describe('hand edits of members the SCM manages', () => {
  let world: MembershipWorld;
  let alice: Person;
  let bob: Person;
  const memberPath = (userId: string) => `/api/v1/accounts/${world.gitlabAccount}/members/${userId}`;

  beforeAll(async () => {
    world = await startMembershipWorld();
    alice = await world.person('alice@acme.test', { provider: 'gitlab', subject: '11', login: 'alice' });
    bob = await world.person('bob@acme.test', { provider: 'gitlab', subject: '12', login: 'bob' });
    await setSource(world.admin, world.gitlabAccount, {
      connectionId: world.gitlabConnection,
      organizationExternalId: '100',
      roleMapping: { owner: 'admin' },
    });
    await alice.client.put<SessionBody>('/api/v1/session/account', { accountId: world.gitlabAccount });
  }, 60_000);
  afterAll(() => world.close());

  it('refuses to change a managed role while the mapping decides it, saying where to change it', async () => {
    const answer = await world.admin.patch(memberPath(bob.userId), { role: 'admin' });
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({
      code: 'managed_member',
      message: expect.stringContaining("GitLab group acme's role mapping"),
    });
    expect((await memberTable(world.admin, world.gitlabAccount))['bob@acme.test']).toEqual([
      'member',
      true,
      'developer',
    ]);
  });

  it('refuses to remove a managed member: they are removed in the SCM', async () => {
    const byAdmin = await world.admin.delete(memberPath(bob.userId));
    expect(byAdmin.status).toBe(409);
    expect(byAdmin.body).toMatchObject({
      code: 'managed_member',
      message: expect.stringContaining('remove them from GitLab group acme'),
    });
    await bob.client.put<SessionBody>('/api/v1/session/account', { accountId: world.gitlabAccount });
    expect((await bob.client.delete(memberPath(bob.userId))).status).toBe(409);
    expect((await memberTable(world.admin, world.gitlabAccount))['bob@acme.test']).toBeDefined();
  });

  it('lets nobody change their own role', async () => {
    const own = await alice.client.patch(memberPath(alice.userId), { role: 'member' });
    expect(own.status).toBe(403);
    expect(own.body).toMatchObject({ code: 'own_role' });
    const admin = await world.admin.patch(memberPath(world.session.user.id), { role: 'member' });
    expect(admin.status).toBe(403);
    expect(admin.body).toMatchObject({ code: 'own_role' });
  });

  it('takes a hand-given role of a managed member when the mapping is off, and keeps it', async () => {
    await setSource(world.admin, world.gitlabAccount, {
      connectionId: world.gitlabConnection,
      organizationExternalId: '100',
      roleMapping: null,
    });
    const promoted = await alice.client.patch<{ role: string; managed: boolean; scmRole: string }>(
      memberPath(bob.userId),
      { role: 'admin' },
    );
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ role: 'admin', managed: true, scmRole: 'developer' });
    await reconcileNow(world.admin, world.gitlabAccount);
    expect((await memberTable(world.admin, world.gitlabAccount))['bob@acme.test']).toEqual([
      'admin',
      true,
      'developer',
    ]);
    // Removing is still the SCM's business.
    expect((await alice.client.delete(memberPath(bob.userId))).status).toBe(409);
  });

  it('edits members added by hand as before', async () => {
    const local = await addPerson(
      world.admin,
      world.service,
      world.gitlabAccount,
      'local@acme.test',
      'member',
    );
    expect((await memberTable(world.admin, world.gitlabAccount))['local@acme.test']).toEqual([
      'member',
      false,
      null,
    ]);
    expect((await world.admin.patch(memberPath(local.session.user.id), { role: 'admin' })).status).toBe(200);
    expect((await world.admin.delete(memberPath(local.session.user.id))).status).toBe(204);
  });
});
