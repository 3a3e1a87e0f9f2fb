import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitlabWebhookReceiver } from '../../../src/scm/gitlab/webhooks.js';
import { firstHeader } from '../../../src/scm/webhook-signatures.js';
import { readVerified, startHookReceiver, type HookReceiver } from '../../providers/hook-receiver.js';
import { demoGitLabScenario, startGitLabTwin, type GitLabTwin } from './index.js';

const secret = 'member-hook-secret';

describe('GitLab twin: group members, invitations and member events', () => {
  let twin: GitLabTwin;
  let receiver: HookReceiver;
  const get = (path: string, token = 'glpat-demo-alice-api') =>
    fetch(`${twin.apiUrl}${path}`, { headers: { 'private-token': token } });

  beforeAll(async () => {
    receiver = await startHookReceiver();
    const demo = demoGitLabScenario();
    twin = await startGitLabTwin({
      ...demo,
      users: [
        ...demo.users,
        { id: 15, username: 'erin', name: 'Erin Blocked', state: 'blocked' },
        { id: 16, username: 'frank', name: 'Frank Waiting' },
      ],
      groups: demo.groups.map((group) =>
        group.path === 'acme'
          ? {
              ...group,
              members: [
                ...(group.members ?? []),
                { user: 'erin', accessLevel: 30 },
                { user: 'frank', accessLevel: 30, state: 'awaiting' },
              ],
              hooks: [
                ...(group.hooks ?? []),
                { url: receiver.url, token: secret, events: ['member_events'] },
              ],
              invitations: [{ email: 'newcomer@example.com', accessLevel: 30 }],
            }
          : group,
      ),
    });
  });
  afterAll(async () => {
    await twin.close();
    await receiver.close();
  });

  it('shows the user state and the membership state of each member', async () => {
    const erin = await get('/groups/acme/members/all/15');
    expect(await erin.json()).toMatchObject({
      username: 'erin',
      state: 'blocked',
      membership_state: 'active',
    });
    const frank = await get('/groups/100/members/16');
    expect(await frank.json()).toMatchObject({
      username: 'frank',
      state: 'active',
      membership_state: 'awaiting',
    });
    const awaiting = (await (await get('/groups/acme/members/all?state=awaiting')).json()) as {
      username: string;
    }[];
    expect(awaiting.map((m) => m.username)).toEqual(['frank']);
  });

  it('lists pending invitations to an Owner; an invitation is no member', async () => {
    const invitations = await get('/groups/acme/invitations');
    expect(invitations.status).toBe(200);
    expect(await invitations.json()).toEqual([
      expect.objectContaining({
        invite_email: 'newcomer@example.com',
        access_level: 30,
        created_by_name: 'Alice Owner',
      }),
    ]);
    expect((await get('/groups/acme/invitations', 'glpat-demo-bob-api')).status).toBe(403);
    const members = (await (await get('/groups/acme/members/all')).json()) as { username: string }[];
    expect(members.map((m) => m.username)).not.toContain('newcomer');
  });

  it('removing a member delivers a Member Hook to member-event hooks only, and the member APIs answer 404', async () => {
    const before = twin.deliveries.length;
    const sent = await twin.removeGroupMember('acme', 'carol');
    expect(sent.map((d) => [d.url, d.event, d.status])).toEqual([[receiver.url, 'Member Hook', 202]]);
    expect(twin.deliveries.slice(before).every((d) => d.url === receiver.url)).toBe(true);

    const delivery = receiver.received.at(-1)!;
    expect(firstHeader(delivery.headers, 'x-gitlab-event')).toBe('Member Hook');
    const payload = JSON.parse(delivery.rawBody.toString('utf8')) as Record<string, unknown>;
    expect(payload).toEqual({
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      group_name: 'Acme',
      group_path: 'acme',
      group_id: 100,
      user_username: 'carol',
      user_name: 'Carol Reporter',
      user_email: 'carol@example.com',
      user_id: 13,
      group_access: 'Reporter',
      group_plan: null,
      expires_at: null,
      event_name: 'user_remove_from_group',
    });
    expect(readVerified(gitlabWebhookReceiver, delivery, secret).events).toEqual([
      expect.objectContaining({
        type: 'membership.removed',
        organization: { externalId: '100', name: 'acme' },
        member: { externalId: '13', login: 'carol' },
      }),
    ]);

    const gone = await get('/groups/acme/members/all/13');
    expect([gone.status, await gone.json()]).toEqual([404, { message: '404 Not Found' }]);
  });

  it('adding to a subgroup and changing a role reach the top-level group hook', async () => {
    await twin.addGroupMember('acme/backend', 'dave', 30, { expiresAt: '2030-01-31' });
    await twin.updateGroupMember('acme/backend', 'dave', { accessLevel: 40 });
    const [added, updated] = receiver.received
      .slice(-2)
      .map((d) => JSON.parse(d.rawBody.toString('utf8')) as Record<string, unknown>);
    expect(added).toMatchObject({
      event_name: 'user_add_to_group',
      group_id: 101,
      group_path: 'backend',
      user_id: 14,
      group_access: 'Developer',
      expires_at: '2030-01-31T00:00:00Z',
    });
    expect(updated).toMatchObject({ event_name: 'user_update_for_group', group_access: 'Maintainer' });
    const member = await get('/groups/acme%2Fbackend/members/14');
    expect(await member.json()).toMatchObject({ access_level: 40, expires_at: '2030-01-31' });
  });
});
