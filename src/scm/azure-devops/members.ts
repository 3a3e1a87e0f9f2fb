import { ScmError } from '../errors.js';
import type { ScmMember, ScmOrganizationRef } from '../provider.js';
import { readCollectionAdministrators } from './administrators.js';
import { neededScopes, patFix, type AdoContext } from './connection-checks.js';

/**
 * The users of the organization (user entitlements), `admin` when they belong to Project Collection
 * Administrators, directly or through nested groups (read through the Graph first). Without the Graph the
 * roles are unknown, so the listing fails rather than call everyone a member.
 */
export async function* listAzureDevOpsMembers(
  ctx: AdoContext,
  _org: ScmOrganizationRef,
): AsyncGenerator<ScmMember> {
  const admins = await readCollectionAdministrators(ctx.client, ctx.organization);
  if (!admins.ok) {
    throw new ScmError(
      'forbidden',
      `Azure DevOps refused to show who is a Project Collection Administrator in ${ctx.organization}: reading it through the Graph takes \`vso.graph\` (Graph (Read)).`,
      {
        code: 'insufficient_scopes',
        ...(admins.status === undefined ? {} : { status: admins.status }),
        fix: patFix(ctx, [...neededScopes, 'vso.memberentitlementmanagement', 'vso.graph']),
      },
    );
  }
  const seen = new Set<string>();
  for await (const entitlement of ctx.client.userEntitlements()) {
    if (seen.has(entitlement.id)) continue;
    seen.add(entitlement.id);
    const { user } = entitlement;
    const admin = user.descriptor ? admins.users.has(user.descriptor) : false;
    yield {
      externalId: entitlement.id,
      login: user.principalName || user.mailAddress || entitlement.id,
      ...(user.displayName ? { name: user.displayName } : {}),
      role: admin ? 'admin' : 'member',
    };
  }
}
