import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueJob } from '../../src/jobs/jobs.js';
import { scheduleJobKinds } from '../../src/jobs/service-schedules.js';
import { ApiClient, adminPassword, type SessionBody } from '../helpers/api-client.js';
import {
  eventually,
  memberTable,
  setSource,
  startMembershipWorld,
  statusIn,
  type MembershipWorld,
  type Person,
} from './membership-world.js';

/*
 * Someone removed from the organization or group loses their sessions in the account and the API tokens they
 * created there: at once when the SCM's membership webhook arrives, at the schedule's next run otherwise.
 */
describe('removal from the SCM revokes access', () => {
  let world: MembershipWorld;
  beforeAll(async () => {
    world = await startMembershipWorld();
  }, 60_000);
  afterAll(() => world.close());

  /** The person works in `accountId` (their session is switched to it) with an API token they created there. */
  async function atWork(person: Person, accountId: string): Promise<ApiClient> {
    const switched = await person.client.put<SessionBody>('/api/v1/session/account', { accountId });
    expect(switched.status).toBe(200);
    const created = await person.client.post<{ secret: string }>(`/api/v1/accounts/${accountId}/tokens`, {
      name: `${person.session.user.email} CI`,
      role: 'member',
    });
    expect(created.status).toBe(201);
    const script = new ApiClient(world.service.url);
    script.bearer = created.body.secret;
    expect(await statusIn(person.client, accountId)).toBe(200);
    expect(await statusIn(script, accountId)).toBe(200);
    return script;
  }

  /** An API token of the account's first admin, which no removal touches. */
  async function adminToken(accountId: string): Promise<ApiClient> {
    const created = await world.admin.post<{ secret: string }>(`/api/v1/accounts/${accountId}/tokens`, {
      name: 'admin CI',
    });
    const script = new ApiClient(world.service.url);
    script.bearer = created.body.secret;
    return script;
  }

  it('GitHub: member_removed ends the session and revokes the tokens; other accounts and people are untouched', async () => {
    await setSource(world.admin, world.githubAccount, {
      connectionId: world.githubConnection,
      organizationExternalId: '5001',
      roleMapping: { owner: 'admin', member: 'member' },
    });
    const dana = await world.person('dana@acme.test', {
      provider: 'github',
      subject: '1002',
      login: 'dev-dana',
    });
    world.twin.setOrgMemberRole('acme', 'dev-dana', 'admin');
    const omar = await world.person('omar@acme.test', {
      provider: 'github',
      subject: '1003',
      login: 'ops-omar',
    });
    await world.twin.addOrgMember('acme', 'ops-omar', 'admin');
    await eventually(
      () => memberTable(world.admin, world.githubAccount),
      (table) => table['omar@acme.test']?.[0] === 'admin',
      'omar admitted by the webhook',
    );
    // Dana was linked after the first run: the next run admits her.
    await world.admin.post(`/api/v1/accounts/${world.githubAccount}/membership-source/reconcile`);
    await eventually(
      () => memberTable(world.admin, world.githubAccount),
      (table) => table['dana@acme.test']?.[0] === 'admin',
      'dana admitted',
    );
    const danaScript = await atWork(dana, world.githubAccount);
    const omarScript = await atWork(omar, world.githubAccount);
    const admins = await adminToken(world.githubAccount);

    const deliveries = await world.twin.removeOrgMember('acme', 'dev-dana');
    expect(deliveries.map((delivery) => delivery.statusCode)).toEqual([202]);
    await eventually(
      () => statusIn(dana.client, world.githubAccount),
      (status) => status === 401,
      'session',
    );
    expect(await statusIn(danaScript, world.githubAccount)).toBe(401);
    expect((await memberTable(world.admin, world.githubAccount))['dana@acme.test']).toBeUndefined();
    // Everyone else keeps working; Dana still has her own account elsewhere.
    expect(await statusIn(omar.client, world.githubAccount)).toBe(200);
    expect(await statusIn(omarScript, world.githubAccount)).toBe(200);
    expect(await statusIn(admins, world.githubAccount)).toBe(200);
    const again = new ApiClient(world.service.url);
    const signIn = await again.post<SessionBody>('/api/v1/session', {
      email: 'dana@acme.test',
      password: adminPassword,
    });
    expect(signIn.status).toBe(200);
    expect(signIn.body.accounts.map((account) => account.id)).toEqual([world.homeAccount]);
    expect(await statusIn(again, world.githubAccount)).toBe(404);
  });

  it('GitLab: user_remove_from_group ends the session and revokes the tokens', async () => {
    await setSource(world.admin, world.gitlabAccount, {
      connectionId: world.gitlabConnection,
      organizationExternalId: '100',
      roleMapping: { developer: 'admin' },
    });
    const bob = await world.person('bob@acme.test', { provider: 'gitlab', subject: '12', login: 'bob' });
    await world.admin.post(`/api/v1/accounts/${world.gitlabAccount}/membership-source/reconcile`);
    await eventually(
      () => memberTable(world.admin, world.gitlabAccount),
      (table) => table['bob@acme.test']?.[0] === 'admin',
      'bob admitted',
    );
    const script = await atWork(bob, world.gitlabAccount);

    await world.gitlab.removeGroupMember('acme', 'bob');
    await eventually(
      () => statusIn(bob.client, world.gitlabAccount),
      (status) => status === 401,
      'session',
    );
    expect(await statusIn(script, world.gitlabAccount)).toBe(401);
  });

  it('without a webhook, the schedule’s run revokes', async () => {
    const carol = await world.person('carol@acme.test', {
      provider: 'gitlab',
      subject: '13',
      login: 'carol',
    });
    world.gitlab.state.group('acme')!.members.get(13)!.accessLevel = 30;
    await world.admin.post(`/api/v1/accounts/${world.gitlabAccount}/membership-source/reconcile`);
    await eventually(
      () => memberTable(world.admin, world.gitlabAccount),
      (table) => table['carol@acme.test']?.[0] === 'admin',
      'carol admitted',
    );
    const script = await atWork(carol, world.gitlabAccount);
    // Removed in GitLab with no hook delivered (the hook was deleted, say).
    world.gitlab.state.group('acme')!.members.delete(13);
    expect(await statusIn(carol.client, world.gitlabAccount)).toBe(200);
    // The schedule's slot: its instance job fans out one reconciliation per account with a source.
    await enqueueJob(world.service.database.db, {
      accountId: null,
      kind: scheduleJobKinds.reconcileMembership,
      payload: null,
    });
    await eventually(
      () => statusIn(carol.client, world.gitlabAccount),
      (status) => status === 401,
      'session',
    );
    expect(await statusIn(script, world.gitlabAccount)).toBe(401);
  });
});
