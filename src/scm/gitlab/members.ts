import type { ScmMember, ScmMemberRef, ScmOrganizationRef } from '../provider.js';
import type { GitLabClient } from './client.js';
import type { GitLabMember } from './schemas.js';

/** Maintainer (40) and Owner (50) may manage the group; everyone else is a member. */
export const adminAccessLevel = 40;

/** GitLab's roles by access level ("Group and project members API > Roles"), as a role mapping names them. */
const roleNames: readonly (readonly [number, string])[] = [
  [50, 'owner'],
  [40, 'maintainer'],
  [30, 'developer'],
  [20, 'reporter'],
  [15, 'planner'],
  [10, 'guest'],
  [5, 'minimal_access'],
];

/** The roles a GitLab group member can hold, highest first. */
export const gitlabScmRoles: readonly string[] = roleNames.map(([, name]) => name);

/** The role of an access level; a level between two roles (a custom role's base) counts as the lower one. */
export const gitlabRoleOf = (accessLevel: number): string =>
  roleNames.find(([level]) => accessLevel >= level)?.[1] ?? 'minimal_access';

/**
 * Blocked, banned or deactivated accounts keep their membership in GitLab but may not sign in, and a member
 * `awaiting` an Owner's approval (user cap, pending invitation) is not a member yet.
 */
const isActive = (member: GitLabMember) =>
  (member.state === undefined || member.state === null || member.state === 'active') &&
  member.membership_state !== 'awaiting';

export function toMember(member: GitLabMember): ScmMember {
  return {
    externalId: member.id,
    login: member.username,
    ...(member.name ? { name: member.name } : {}),
    role: member.access_level >= adminAccessLevel ? 'admin' : 'member',
    scmRole: gitlabRoleOf(member.access_level),
  };
}

/** Direct and inherited members of the group, each once, active accounts only. */
export async function* listGitLabMembers(
  client: GitLabClient,
  org: ScmOrganizationRef,
): AsyncGenerator<ScmMember> {
  const seen = new Set<string>();
  for await (const member of client.members(org.externalId)) {
    if (!isActive(member) || seen.has(member.id)) continue;
    seen.add(member.id);
    yield toMember(member);
  }
}

/** One person's effective membership of the group, asked live; undefined unless an active member. */
export async function checkGitLabMember(
  client: GitLabClient,
  org: ScmOrganizationRef,
  user: ScmMemberRef,
): Promise<ScmMember | undefined> {
  if (!/^\d+$/.test(user.externalId)) return undefined;
  const member = await client.member(org.externalId, user.externalId);
  return member && member.id === user.externalId && isActive(member) ? toMember(member) : undefined;
}
