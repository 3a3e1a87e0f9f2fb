import { isScmError } from '../errors.js';
import type { ScmMember, ScmOrganizationRef } from '../provider.js';
import type { BitbucketClient } from './client.js';
import type { BitbucketMembership } from './schemas.js';

export function toMember(membership: BitbucketMembership): ScmMember {
  const { user } = membership;
  return {
    externalId: user.uuid,
    login: user.nickname ?? user.username ?? user.account_id ?? user.uuid,
    ...(user.display_name ? { name: user.display_name } : {}),
    role: membership.permission === 'owner' ? 'admin' : 'member',
  };
}

/**
 * Workspace members with roles (owners are admins) from `/permissions`. Access tokens may not read
 * permissions: then every member of `/members` is listed as `member`.
 */
export async function* listBitbucketMembers(
  client: BitbucketClient,
  org: ScmOrganizationRef,
): AsyncGenerator<ScmMember> {
  const seen = new Set<string>();
  const fresh = (membership: BitbucketMembership) => {
    if (seen.has(membership.user.uuid)) return false;
    seen.add(membership.user.uuid);
    return true;
  };
  try {
    for await (const membership of client.permissions(org.externalId)) {
      if (fresh(membership)) yield toMember(membership);
    }
    return;
  } catch (error) {
    const refused = isScmError(error) && error.kind === 'forbidden' && seen.size === 0;
    if (!refused) throw error;
  }
  for await (const membership of client.members(org.externalId)) {
    if (fresh(membership)) yield toMember({ ...membership, permission: null });
  }
}
