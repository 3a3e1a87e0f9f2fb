import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  memberTable,
  reconcileNow,
  setSource,
  settled,
  startMembershipWorld,
  type MembershipWorld,
} from './membership-world.js';

/*
 * Reconciliation against the twins: who the organization or group lists (and who it does not: outside
 * collaborators, pending invitations, blocked users, members awaiting a seat) decides who is a managed member,
 * and with which role, with and without a role mapping.
 */
describe('membership reconciliation', () => {
  let world: MembershipWorld;
  beforeAll(async () => {
    world = await startMembershipWorld();
    const github = [
      ['octo@acme.test', '1001', 'octo-admin'],
      ['dana@acme.test', '1002', 'dev-dana'],
      ['omar@acme.test', '1003', 'ops-omar'],
      ['wes@partner.test', '1004', 'wes-writer'],
      ['rita@partner.test', '1005', 'rita-reader'],
    ] as const;
    for (const [email, subject, login] of github) {
      await world.person(email, { provider: 'github', subject, login });
    }
    const gitlab = [
      ['alice@acme.test', '11', 'alice'],
      ['bob@acme.test', '12', 'bob'],
      ['carol@acme.test', '13', 'carol'],
      ['dave@acme.test', '14', 'dave'],
      ['erin@acme.test', '15', 'erin'],
      ['frank@acme.test', '16', 'frank'],
      ['gina@acme.test', '17', 'gina'],
    ] as const;
    for (const [email, subject, login] of gitlab) {
      await world.person(email, { provider: 'gitlab', subject, login });
    }
  }, 60_000);
  afterAll(() => world.close());

  describe('GitHub organization', () => {
    it('admits the members with the default role; not an outside collaborator, not a pending invitation', async () => {
      await setSource(world.admin, world.githubAccount, {
        connectionId: world.githubConnection,
        organizationExternalId: '5001',
        roleMapping: null,
      });
      // The invitation reaches scm-connect as `member_invited`: it admits nobody, now or at the next run.
      const invited = await world.twin.inviteOrgMember('acme', 'rita-reader');
      expect(invited.map((delivery) => delivery.statusCode)).toEqual([202]);
      await settled(world.admin, world.githubAccount);
      await reconcileNow(world.admin, world.githubAccount);
      expect(await memberTable(world.admin, world.githubAccount)).toEqual({
        'admin@acme.test': ['admin', false, null],
        'octo@acme.test': ['member', true, 'owner'],
        'dana@acme.test': ['member', true, 'member'],
        'omar@acme.test': ['member', true, 'member'],
      });
    });

    it('gives mapped roles once the mapping is on, and follows role changes', async () => {
      await setSource(world.admin, world.githubAccount, {
        connectionId: world.githubConnection,
        organizationExternalId: '5001',
        roleMapping: { owner: 'admin', member: 'member' },
      });
      expect((await memberTable(world.admin, world.githubAccount))['octo@acme.test']).toEqual([
        'admin',
        true,
        'owner',
      ]);
      world.twin.setOrgMemberRole('acme', 'dev-dana', 'admin');
      const job = await reconcileNow(world.admin, world.githubAccount);
      expect(job.result).toEqual({ ok: true, added: 0, removed: 0, updated: 1 });
      expect((await memberTable(world.admin, world.githubAccount))['dana@acme.test']).toEqual([
        'admin',
        true,
        'owner',
      ]);
      world.twin.setOrgMemberRole('acme', 'dev-dana', 'member');
      await reconcileNow(world.admin, world.githubAccount);
      expect((await memberTable(world.admin, world.githubAccount))['dana@acme.test']).toEqual([
        'member',
        true,
        'member',
      ]);
    });

    it('keeps the roles people have when the mapping is off', async () => {
      await setSource(world.admin, world.githubAccount, {
        connectionId: world.githubConnection,
        organizationExternalId: '5001',
        roleMapping: null,
      });
      // octo-admin stays admin (given by the mapping before), the others stay members.
      expect(await memberTable(world.admin, world.githubAccount)).toMatchObject({
        'octo@acme.test': ['admin', true, 'owner'],
        'dana@acme.test': ['member', true, 'member'],
      });
    });

    it('removes whoever the organization no longer lists, even without a webhook', async () => {
      // Removed on GitHub without any delivery reaching scm-connect: the schedule's run finds it.
      world.twin.state.orgByLogin('acme')!.members.delete(1003);
      const job = await reconcileNow(world.admin, world.githubAccount);
      expect(job.result).toEqual({ ok: true, added: 0, removed: 1, updated: 0 });
      expect(Object.keys(await memberTable(world.admin, world.githubAccount)).sort()).toEqual([
        'admin@acme.test',
        'dana@acme.test',
        'octo@acme.test',
      ]);
      // Back in the organization (`member_added`): the webhook admits them again at once.
      await world.twin.addOrgMember('acme', 'ops-omar');
      await eventually(
        () => memberTable(world.admin, world.githubAccount),
        (table) => table['omar@acme.test'] !== undefined,
        'omar admitted again',
      );
      expect((await memberTable(world.admin, world.githubAccount))['omar@acme.test']).toEqual([
        'member',
        true,
        'member',
      ]);
    });

    it('leaves members added by hand alone', async () => {
      const job = await reconcileNow(world.admin, world.githubAccount);
      expect(job.result).toMatchObject({ ok: true, removed: 0 });
      expect((await memberTable(world.admin, world.githubAccount))['admin@acme.test']).toEqual([
        'admin',
        false,
        null,
      ]);
    });
  });

  describe('GitLab group', () => {
    it('admits active members with mapped roles; not blocked, awaiting, project-only or invited people', async () => {
      await setSource(world.admin, world.gitlabAccount, {
        connectionId: world.gitlabConnection,
        organizationExternalId: '100',
        roleMapping: { owner: 'admin', maintainer: 'admin' },
      });
      expect(await memberTable(world.admin, world.gitlabAccount)).toEqual({
        'admin@acme.test': ['admin', false, null],
        'alice@acme.test': ['admin', true, 'owner'],
        'bob@acme.test': ['member', true, 'developer'],
        'carol@acme.test': ['admin', true, 'maintainer'],
      });
    });

    it('admits a member once their seat is approved, and follows access level changes by webhook', async () => {
      world.gitlab.setMembershipState('acme', 'frank', 'active');
      const job = await reconcileNow(world.admin, world.gitlabAccount);
      expect(job.result).toEqual({ ok: true, added: 1, removed: 0, updated: 0 });
      // Carol becomes a Developer: the Member Hook applies it at once.
      await world.gitlab.updateGroupMember('acme', 'carol', { accessLevel: 30 });
      await eventually(
        () => memberTable(world.admin, world.gitlabAccount),
        (table) => table['carol@acme.test']?.[2] === 'developer',
        'carol now a developer',
      );
      expect(await memberTable(world.admin, world.gitlabAccount)).toMatchObject({
        'carol@acme.test': ['member', true, 'developer'],
        'frank@acme.test': ['member', true, 'developer'],
      });
    });

    it('admits a blocked user once unblocked, and never someone who is a member of a project only', async () => {
      world.gitlab.setUserState('erin', 'active');
      const job = await reconcileNow(world.admin, world.gitlabAccount);
      expect(job.result).toMatchObject({ ok: true, added: 1, removed: 0 });
      const table = await memberTable(world.admin, world.gitlabAccount);
      expect(table['erin@acme.test']).toEqual(['member', true, 'developer']);
      expect(table['dave@acme.test']).toBeUndefined();
      expect(table['gina@acme.test']).toBeUndefined();
    });
  });
});
