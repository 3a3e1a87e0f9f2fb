import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyScmMembership,
  checkScmMembership,
  type ScmSignInIdentity,
} from '../../src/membership/scm-membership.js';
import type { SessionBody } from '../helpers/api-client.js';
import {
  gitlabToken,
  memberTable,
  setSource,
  startMembershipWorld,
  statusIn,
  type MembershipWorld,
} from './membership-world.js';

/*
 * What sign-in with GitHub or GitLab asks (checkScmMembership) and then applies (applyScmMembership): a live
 * check of the person in every membership source on their SCM.
 */
describe('membership checked at sign-in', () => {
  let world: MembershipWorld;
  const github = (subject: string, login: string): ScmSignInIdentity => ({
    provider: 'github',
    issuer: world.githubIssuer,
    subject,
    login,
  });
  const gitlab = (subject: string, login: string): ScmSignInIdentity => ({
    provider: 'gitlab',
    issuer: world.gitlabIssuer,
    subject,
    login,
  });
  const checkOf = (identity: ScmSignInIdentity) => checkScmMembership(world.context(), identity);
  const check = async (identity: ScmSignInIdentity) => (await checkOf(identity)).admitted;

  beforeAll(async () => {
    world = await startMembershipWorld();
    await setSource(world.admin, world.githubAccount, {
      connectionId: world.githubConnection,
      organizationExternalId: '5001',
      roleMapping: null,
    });
    await setSource(world.admin, world.gitlabAccount, {
      connectionId: world.gitlabConnection,
      organizationExternalId: '100',
      roleMapping: { owner: 'admin', maintainer: 'admin' },
    });
  }, 60_000);
  afterAll(() => world.close());

  it('admits GitHub members with their SCM role, and nobody else', async () => {
    expect(await check(github('1002', 'dev-dana'))).toEqual([
      { accountId: world.githubAccount, role: 'member', scmRole: 'member' },
    ]);
    expect(await check(github('1001', 'octo-admin'))).toEqual([
      { accountId: world.githubAccount, role: 'member', scmRole: 'owner' },
    ]);
    // An outside collaborator of acme/web-shop.
    expect(await check(github('1004', 'wes-writer'))).toEqual([]);
    // A pending invitation is not a membership.
    await world.twin.inviteOrgMember('acme', 'rita-reader');
    expect(await check(github('1005', 'rita-reader'))).toEqual([]);
    // A login is not who someone is: dana's id with omar's login is nobody.
    expect(await check(github('1002', 'ops-omar'))).toEqual([]);
    // Another GitHub (an unknown host) has no membership source here.
    expect(await check({ ...github('1002', 'dev-dana'), issuer: 'https://github.example.com' })).toEqual([]);
  });

  it('admits GitLab members with mapped roles; not blocked, awaiting or project-only people', async () => {
    expect(await check(gitlab('11', 'alice'))).toEqual([
      { accountId: world.gitlabAccount, role: 'admin', scmRole: 'owner' },
    ]);
    expect(await check(gitlab('12', 'bob'))).toEqual([
      { accountId: world.gitlabAccount, role: 'member', scmRole: 'developer' },
    ]);
    for (const [subject, login] of [
      ['14', 'dave'],
      ['15', 'erin'],
      ['16', 'frank'],
      ['17', 'gina'],
    ] as const) {
      expect(await check(gitlab(subject, login)), login).toEqual([]);
    }
  });

  it('applies the answer: a managed membership where admitted, revocation where no longer', async () => {
    const dana = await world.person('dana@acme.test', {
      provider: 'github',
      subject: '1002',
      login: 'dev-dana',
    });
    const identity = github('1002', 'dev-dana');
    await applyScmMembership(world.context(), dana.userId, await checkOf(identity));
    expect((await memberTable(world.admin, world.githubAccount))['dana@acme.test']).toEqual([
      'member',
      true,
      'member',
    ]);
    await dana.client.put<SessionBody>('/api/v1/session/account', { accountId: world.githubAccount });
    expect(await statusIn(dana.client, world.githubAccount)).toBe(200);

    // An existing member keeps the role they have while no mapping decides it.
    await world.admin.patch(`/api/v1/accounts/${world.githubAccount}/members/${dana.userId}`, {
      role: 'admin',
    });
    expect(await check(identity)).toEqual([
      { accountId: world.githubAccount, role: 'admin', scmRole: 'member' },
    ]);

    // Removed on GitHub (the webhook is lost): the next sign-in finds out and revokes.
    world.twin.state.orgByLogin('acme')!.members.delete(1002);
    const removed = await checkOf(identity);
    expect(removed.admitted).toEqual([]);
    await applyScmMembership(world.context(), dana.userId, removed);
    expect((await memberTable(world.admin, world.githubAccount))['dana@acme.test']).toBeUndefined();
    expect(await statusIn(dana.client, world.githubAccount)).toBe(401);
    world.twin.state.orgByLogin('acme')!.members.set(1002, 'member');
  });

  it('changes nothing where the SCM cannot be asked: a managed member stays, nobody new gets in', async () => {
    const bob = await world.person('bob@acme.test', { provider: 'gitlab', subject: '12', login: 'bob' });
    await applyScmMembership(world.context(), bob.userId, await checkOf(gitlab('12', 'bob')));
    const token = world.gitlab.state.tokens.get(gitlabToken)!;
    token.revoked = true;
    try {
      const unknown = await checkOf(gitlab('12', 'bob'));
      expect(unknown.admitted).toEqual([
        { accountId: world.gitlabAccount, role: 'member', scmRole: 'developer' },
      ]);
      await applyScmMembership(world.context(), bob.userId, unknown);
      expect((await memberTable(world.admin, world.gitlabAccount))['bob@acme.test']).toEqual([
        'member',
        true,
        'developer',
      ]);
      expect(await check(gitlab('13', 'carol'))).toEqual([]);
    } finally {
      token.revoked = false;
    }
  });
});
