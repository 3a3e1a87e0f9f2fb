import type { ScmMember, ScmOrganizationRef } from '../provider.js';
import type { AdoClient } from './client.js';

const collectionAdministrators = 'Project Collection Administrators';

/**
 * The users of the organization (user entitlements), `admin` when a group assignment names Project Collection
 * Administrators. Membership of that group through Azure DevOps groups is not read here (see README).
 */
export async function* listAzureDevOpsMembers(
  client: AdoClient,
  _org: ScmOrganizationRef,
): AsyncGenerator<ScmMember> {
  const seen = new Set<string>();
  for await (const entitlement of client.userEntitlements()) {
    if (seen.has(entitlement.id)) continue;
    seen.add(entitlement.id);
    const { user } = entitlement;
    const admin = (entitlement.groupAssignments ?? []).some(
      (assignment) => assignment.group?.displayName === collectionAdministrators,
    );
    yield {
      externalId: entitlement.id,
      login: user.principalName || user.mailAddress || entitlement.id,
      ...(user.displayName ? { name: user.displayName } : {}),
      role: admin ? 'admin' : 'member',
    };
  }
}
