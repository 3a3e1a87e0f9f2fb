import type { Shapes } from './shapes.js';
import { iso, type GitHubState, type OrgInvitationRecord, type OrgRecord, type UserRecord } from './state.js';

type Json = Record<string, unknown>;

/**
 * A person's standing in an organization: `active` with their role, `pending` while an invitation waits for them
 * (the role it offers), or undefined (not a member: an outside collaborator, or a stranger).
 */
export function standingOf(
  org: OrgRecord,
  user: UserRecord,
): { state: 'active' | 'pending'; role: 'admin' | 'member' } | undefined {
  const role = org.members.get(user.id);
  if (role) return { state: 'active', role };
  const invitation = org.invitations.get(user.id);
  return invitation ? { state: 'pending', role: invitation.role } : undefined;
}

/** `organization-invitation` ("List pending organization invitations", the `invitation` of `member_invited`). */
export function invitationShape(
  state: GitHubState,
  shapes: Shapes,
  org: OrgRecord,
  invitee: UserRecord,
  invitation: OrgInvitationRecord,
): Json {
  const orgUrl = String(shapes.orgSimple(org).url);
  const api = orgUrl.slice(0, orgUrl.lastIndexOf('/orgs/'));
  return {
    id: invitation.id,
    node_id: shapes.nodeId('OrganizationInvitation', invitation.id),
    login: invitee.login,
    email: null,
    role: invitation.role === 'admin' ? 'admin' : 'direct_member',
    created_at: invitation.createdAt,
    failed_at: null,
    failed_reason: null,
    inviter: shapes.user(state.users.get(invitation.inviterId)!),
    team_count: 0,
    invitation_teams_url: `${api}/organizations/${org.id}/invitations/${invitation.id}/teams`,
    invitation_source: 'member',
  };
}

/** A new pending invitation of `invitee` by `inviter`. */
export function newInvitation(
  state: GitHubState,
  role: 'admin' | 'member',
  inviter: UserRecord,
): OrgInvitationRecord {
  return { id: state.newId(), role, inviterId: inviter.id, createdAt: iso(state.now()) };
}
