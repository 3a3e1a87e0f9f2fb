import type { GitLabDeliveries, GitLabHookDelivery } from './deliveries.js';
import type { GitLabAccessLevel, GitLabUserState } from './scenario.js';
import type { GitLabGroup, GitLabInvitation, GitLabMember, GitLabState, GitLabUser } from './state.js';

/*
 * Changes to a group's members made the way an Owner makes them in GitLab, each followed by the "Group member
 * events" GitLab sends to group webhooks with `member_events` ("Webhook events", `X-Gitlab-Event: Member Hook`):
 * `user_add_to_group`, `user_update_for_group` (access level or expiry), `user_remove_from_group`. The group's
 * hooks and its ancestors' receive them. Invitations, seat approvals and blocking a user send no group hook.
 */

export interface GitLabMemberControl {
  /** Makes `username` a direct member (replacing a direct membership) and delivers `user_add_to_group`. */
  addGroupMember(
    groupFullPath: string,
    username: string,
    accessLevel: GitLabAccessLevel,
    options?: { expiresAt?: string | null; state?: 'active' | 'awaiting' },
  ): Promise<GitLabHookDelivery[]>;
  /** Changes a direct member's access level or expiry date (`YYYY-MM-DD`) and delivers `user_update_for_group`. */
  updateGroupMember(
    groupFullPath: string,
    username: string,
    changes: { accessLevel?: GitLabAccessLevel; expiresAt?: string | null },
  ): Promise<GitLabHookDelivery[]>;
  /** Removes a direct member and delivers `user_remove_from_group`; the member APIs answer 404 for them after. */
  removeGroupMember(groupFullPath: string, username: string): Promise<GitLabHookDelivery[]>;
  /** `membership_state` of a direct member (`awaiting` a seat, or `active` once approved); no delivery. */
  setMembershipState(groupFullPath: string, username: string, state: 'active' | 'awaiting'): void;
  /** A pending invitation of an email address: listed by `GET /groups/:id/invitations`, not a member. */
  inviteToGroup(groupFullPath: string, email: string, accessLevel: GitLabAccessLevel): GitLabInvitation;
  /** Blocks, deactivates or reactivates a user: a blocked one's tokens answer 403 and their web sessions end. */
  setUserState(username: string, state: GitLabUserState): GitLabUser;
}

/** `group_access` of member events: the role's name. */
export const roleNames: Readonly<Record<GitLabAccessLevel, string>> = {
  5: 'Minimal Access',
  10: 'Guest',
  15: 'Planner',
  20: 'Reporter',
  30: 'Developer',
  40: 'Maintainer',
  50: 'Owner',
};

/** GitLab's webhook timestamps: seconds, `Z`. */
const isoSeconds = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

type MemberEventName = 'user_add_to_group' | 'user_update_for_group' | 'user_remove_from_group';

/** The "Group member events" payload. */
export function memberEvent(
  group: GitLabGroup,
  user: GitLabUser,
  member: GitLabMember,
  name: MemberEventName,
) {
  return {
    created_at: isoSeconds(new Date(member.createdAt)),
    updated_at: isoSeconds(new Date()),
    group_name: group.name,
    group_path: group.path,
    group_id: group.id,
    user_username: user.username,
    user_name: user.name,
    user_email: user.email ?? '[REDACTED]',
    user_id: user.id,
    group_access: roleNames[member.accessLevel],
    group_plan: null,
    expires_at: member.expiresAt === null ? null : `${member.expiresAt}T00:00:00Z`,
    event_name: name,
  };
}

export function createGitLabMemberControl(
  state: GitLabState,
  deliveries: GitLabDeliveries,
): GitLabMemberControl {
  const groupOf = (path: string): GitLabGroup => {
    const group = state.group(path);
    if (!group) throw new Error(`GitLab twin: no group ${path}`);
    return group;
  };
  const userOf = (username: string): GitLabUser => state.requireUser(username);
  const directMember = (group: GitLabGroup, user: GitLabUser): GitLabMember => {
    const member = group.members.get(user.id);
    if (!member) throw new Error(`GitLab twin: ${user.username} is not a direct member of ${group.fullPath}`);
    return member;
  };
  const send = (group: GitLabGroup, user: GitLabUser, member: GitLabMember, name: MemberEventName) =>
    deliveries.deliver(group, 'Member Hook', memberEvent(group, user, member, name));

  return {
    addGroupMember(path, username, accessLevel, options = {}) {
      const group = groupOf(path);
      const user = userOf(username);
      const member: GitLabMember = {
        userId: user.id,
        accessLevel,
        expiresAt: options.expiresAt ?? null,
        state: options.state ?? 'active',
        createdAt: new Date().toISOString(),
      };
      group.members.set(user.id, member);
      return send(group, user, member, 'user_add_to_group');
    },
    updateGroupMember(path, username, changes) {
      const group = groupOf(path);
      const user = userOf(username);
      const member = directMember(group, user);
      if (changes.accessLevel !== undefined) member.accessLevel = changes.accessLevel;
      if (changes.expiresAt !== undefined) member.expiresAt = changes.expiresAt;
      return send(group, user, member, 'user_update_for_group');
    },
    removeGroupMember(path, username) {
      const group = groupOf(path);
      const user = userOf(username);
      const member = directMember(group, user);
      group.members.delete(user.id);
      return send(group, user, member, 'user_remove_from_group');
    },
    setMembershipState(path, username, membershipState) {
      const group = groupOf(path);
      directMember(group, userOf(username)).state = membershipState;
    },
    inviteToGroup(path, email, accessLevel) {
      const group = groupOf(path);
      const owner = [...group.members.values()].find((m) => m.accessLevel === 50);
      const invitation: GitLabInvitation = {
        id: state.newId(),
        email,
        accessLevel,
        expiresAt: null,
        invitedById: owner?.userId ?? null,
        createdAt: new Date().toISOString(),
      };
      group.invitations.push(invitation);
      return invitation;
    },
    setUserState(username, userState) {
      const user = userOf(username);
      user.state = userState;
      if (userState !== 'active') state.oauth.endSessions(user.id);
      return user;
    },
  };
}
