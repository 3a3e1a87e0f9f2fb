import type { ScmMember, ScmOrganizationRef } from '../provider.js';
import type { BbdcClient } from './client.js';

/**
 * Users granted a permission on the project, once each, `admin` for PROJECT_ADMIN. Deactivated accounts keep
 * their grants in Data Center but cannot sign in, so they are left out. Members through groups are not
 * expanded (that needs system-admin endpoints); see README.
 */
export async function* listBbdcMembers(
  client: BbdcClient,
  org: ScmOrganizationRef,
): AsyncGenerator<ScmMember> {
  const seen = new Set<string>();
  for await (const grant of client.userPermissions(org.name)) {
    if (grant.user.active === false || seen.has(grant.user.id)) continue;
    seen.add(grant.user.id);
    yield {
      externalId: grant.user.id,
      login: grant.user.slug ?? grant.user.name,
      ...(grant.user.displayName ? { name: grant.user.displayName } : {}),
      role: grant.permission === 'PROJECT_ADMIN' ? 'admin' : 'member',
    };
  }
}
