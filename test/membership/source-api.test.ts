import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../helpers/api-client.js';
import { connectOk, newAccount } from '../api/connections/connections-api.js';
import {
  gitlabToken,
  membersOf,
  memberTable,
  reconcileNow,
  setSource,
  settled,
  sourcePath,
  startMembershipWorld,
  type MembershipSettingsBody,
  type MembershipWorld,
} from './membership-world.js';

describe('membership source API', () => {
  let world: MembershipWorld;
  beforeAll(async () => {
    world = await startMembershipWorld();
  }, 60_000);
  afterAll(() => world.close());

  const get = (accountId: string, client: ApiClient = world.admin) =>
    client.get<MembershipSettingsBody>(sourcePath(accountId));

  it("offers the account's GitHub organizations and GitLab top-level groups, and has no source at first", async () => {
    const github = await get(world.githubAccount);
    expect(github.status).toBe(200);
    expect(github.body).toEqual({
      source: null,
      defaultRole: 'member',
      candidates: [
        {
          connectionId: world.githubConnection,
          kind: 'github',
          host: new URL(world.githubIssuer).host,
          organization: { externalId: '5001', name: 'acme' },
        },
      ],
    });
    const gitlab = await get(world.gitlabAccount);
    expect(gitlab.body.candidates).toEqual([
      {
        connectionId: world.gitlabConnection,
        kind: 'gitlab',
        host: new URL(world.gitlabIssuer).host,
        organization: { externalId: '100', name: 'acme' },
      },
    ]);
  });

  it('sets the source, shows its label, roles, last and next run, and reconciles at once', async () => {
    await world.person('octo@acme.test', { provider: 'github', subject: '1001', login: 'octo-admin' });
    const answer = await setSource(world.admin, world.githubAccount, {
      connectionId: world.githubConnection,
      organizationExternalId: '5001',
      roleMapping: { owner: 'admin' },
    });
    expect(answer.body.source).toMatchObject({
      connectionId: world.githubConnection,
      kind: 'github',
      organization: { externalId: '5001', name: 'acme' },
      label: 'GitHub organization acme',
      roleMapping: { owner: 'admin' },
      scmRoles: ['owner', 'member'],
    });
    expect(Date.parse(answer.body.source!.nextRunAt)).toBeGreaterThan(Date.now());
    const after = await get(world.githubAccount);
    expect(after.body.source).toMatchObject({
      lastReconciledAt: expect.any(String),
      lastOutcome: { ok: true, added: 1, removed: 0, updated: 0 },
    });
    expect((await memberTable(world.admin, world.githubAccount))['octo@acme.test']).toEqual([
      'admin',
      true,
      'owner',
    ]);

    const gitlab = await setSource(world.admin, world.gitlabAccount, {
      connectionId: world.gitlabConnection,
      organizationExternalId: '100',
      roleMapping: null,
    });
    expect(gitlab.body.source).toMatchObject({
      label: 'GitLab group acme',
      roleMapping: null,
      scmRoles: ['owner', 'maintainer', 'developer', 'reporter', 'planner', 'guest', 'minimal_access'],
    });
  });

  it('refuses what cannot be a source: another account’s connection, an unknown organization, unknown roles', async () => {
    const put = (accountId: string, body: object) => world.admin.put(sourcePath(accountId), body);
    // The GitLab connection belongs to the other account of the same admin: not found here.
    const otherAccounts = await put(world.githubAccount, {
      connectionId: world.gitlabConnection,
      organizationExternalId: '100',
      roleMapping: null,
    });
    expect(otherAccounts.status).toBe(404);
    const unknownOrganization = await put(world.githubAccount, {
      connectionId: world.githubConnection,
      organizationExternalId: '5003',
      roleMapping: null,
    });
    expect(unknownOrganization.status).toBe(404);
    const badMapping = await put(world.githubAccount, {
      connectionId: world.githubConnection,
      organizationExternalId: '5001',
      roleMapping: { maintainer: 'admin' },
    });
    expect(badMapping.status).toBe(400);
    expect(badMapping.body).toMatchObject({ code: 'invalid_role_mapping' });
    const badRole = await put(world.githubAccount, {
      connectionId: world.githubConnection,
      organizationExternalId: '5001',
      roleMapping: { owner: 'owner' },
    });
    expect(badRole.status).toBe(400);
    // Nothing changed.
    expect((await get(world.githubAccount)).body.source?.roleMapping).toEqual({ owner: 'admin' });
  });

  it('is a wall between tenants: an admin of another account sees and changes nothing here', async () => {
    const stranger = (await world.person('stranger@elsewhere.test')).client;
    const own = await newAccount(stranger, 'Stranger Inc');
    expect((await get(own, stranger)).status).toBe(200);
    for (const accountId of [world.githubAccount, world.gitlabAccount]) {
      expect((await get(accountId, stranger)).status).toBe(404);
      expect(
        (
          await stranger.put(sourcePath(accountId), {
            connectionId: world.githubConnection,
            organizationExternalId: '5001',
            roleMapping: null,
          })
        ).status,
      ).toBe(404);
      expect((await stranger.delete(sourcePath(accountId))).status).toBe(404);
      expect((await stranger.post(`${sourcePath(accountId)}/reconcile`)).status).toBe(404);
      expect(
        (await stranger.put(`/api/v1/accounts/${accountId}/default-role`, { role: 'admin' })).status,
      ).toBe(404);
    }
    // Their own account cannot take this account's connection as its source either.
    const taken = await stranger.put(sourcePath(own), {
      connectionId: world.githubConnection,
      organizationExternalId: '5001',
      roleMapping: null,
    });
    expect(taken.status).toBe(404);
  });

  it('lets members read and only admins change', async () => {
    const member = await world.person('reader@acme.test');
    const invitation = await world.admin.post<{ invitation: { url: string } }>(
      `/api/v1/accounts/${world.gitlabAccount}/members`,
      { email: 'reader@acme.test', role: 'member' },
    );
    const token = invitation.body.invitation.url.split('/invite/')[1]!;
    expect((await member.client.post(`/api/v1/invitations/${token}/join`)).status).toBe(201);
    expect((await get(world.gitlabAccount, member.client)).status).toBe(200);
    expect((await member.client.delete(sourcePath(world.gitlabAccount))).status).toBe(403);
    expect((await member.client.post(`${sourcePath(world.gitlabAccount)}/reconcile`)).status).toBe(403);
    expect(
      (await member.client.put(`/api/v1/accounts/${world.gitlabAccount}/default-role`, { role: 'admin' }))
        .status,
    ).toBe(403);
  });

  it('sets the default role, reconciles on request, and stops managing without removing anyone', async () => {
    const defaultRole = await world.admin.put(`/api/v1/accounts/${world.gitlabAccount}/default-role`, {
      role: 'admin',
    });
    expect(defaultRole.status).toBe(204);
    expect((await get(world.gitlabAccount)).body.defaultRole).toBe('admin');
    await world.admin.put(`/api/v1/accounts/${world.gitlabAccount}/default-role`, { role: 'member' });

    await world.person('bob@acme.test', { provider: 'gitlab', subject: '12', login: 'bob' });
    const job = await reconcileNow(world.admin, world.gitlabAccount);
    expect(job.status).toBe('succeeded');
    expect(job.result).toEqual({ ok: true, added: 1, removed: 0, updated: 0 });
    expect((await memberTable(world.admin, world.gitlabAccount))['bob@acme.test']).toEqual([
      'member',
      true,
      'developer',
    ]);

    expect((await world.admin.delete(sourcePath(world.gitlabAccount))).status).toBe(204);
    expect((await get(world.gitlabAccount)).body.source).toBeNull();
    expect((await memberTable(world.admin, world.gitlabAccount))['bob@acme.test']).toEqual([
      'member',
      false,
      null,
    ]);
    expect((await world.admin.delete(sourcePath(world.gitlabAccount))).status).toBe(404);
    const without = await world.admin.post(`${sourcePath(world.gitlabAccount)}/reconcile`);
    expect(without.status).toBe(409);
    expect(without.body).toMatchObject({ code: 'no_source' });
    await settled(world.admin, world.gitlabAccount);
  });

  it("ends with the source's connection: its members stay, and a later source manages only whom it admits", async () => {
    await setSource(world.admin, world.gitlabAccount, {
      connectionId: world.gitlabConnection,
      organizationExternalId: '100',
      roleMapping: null,
    });
    const bob = (await memberTable(world.admin, world.gitlabAccount))['bob@acme.test'];
    expect(bob).toEqual(['member', true, 'developer']);
    const connections = `/api/v1/accounts/${world.gitlabAccount}/connections`;
    expect((await world.admin.delete(`${connections}/${world.gitlabConnection}`)).status).toBe(204);
    expect((await get(world.gitlabAccount)).body).toMatchObject({ source: null, candidates: [] });
    expect((await memberTable(world.admin, world.gitlabAccount))['bob@acme.test']).toEqual([
      'member',
      false,
      null,
    ]);
    // Nothing manages him now: an admin edits him as any member.
    const bobId = (await membersOf(world.admin, world.gitlabAccount)).find(
      (m) => m.email === 'bob@acme.test',
    )!;
    const edited = await world.admin.patch(
      `/api/v1/accounts/${world.gitlabAccount}/members/${bobId.userId}`,
      {
        role: 'member',
      },
    );
    expect(edited.status).toBe(200);
    // Bob leaves the group while nothing manages the account; the group is connected again and made the source.
    world.gitlab.state.group('acme')!.members.delete(12);
    const again = await connectOk(world.admin, world.gitlabAccount, {
      kind: 'gitlab',
      group: 'acme',
      token: gitlabToken,
    });
    const answer = await setSource(world.admin, world.gitlabAccount, {
      connectionId: again.id,
      organizationExternalId: '100',
      roleMapping: null,
    });
    expect(answer.body.source?.label).toBe('GitLab group acme');
    expect((await get(world.gitlabAccount)).body.source?.lastOutcome).toEqual({
      ok: true,
      added: 0,
      removed: 0,
      updated: 0,
    });
    expect((await memberTable(world.admin, world.gitlabAccount))['bob@acme.test']).toEqual([
      'member',
      false,
      null,
    ]);
  });
});
