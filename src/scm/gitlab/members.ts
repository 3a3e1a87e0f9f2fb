import type { ScmMember, ScmOrganizationRef } from '../provider.js';
import type { GitLabClient } from './client.js';
import type { GitLabMember } from './schemas.js';

/** Maintainer (40) and Owner (50) may manage the group; everyone else is a member. */
export const adminAccessLevel = 40;

/** Blocked, banned or deactivated accounts keep their membership in GitLab but may not sign in. */
const isActive = (member: GitLabMember) =>
  member.state === undefined || member.state === null || member.state === 'active';

export function toMember(member: GitLabMember): ScmMember {
  return {
    externalId: member.id,
    login: member.username,
    ...(member.name ? { name: member.name } : {}),
    role: member.access_level >= adminAccessLevel ? 'admin' : 'member',
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
