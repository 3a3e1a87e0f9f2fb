import type { ServiceContext } from '../context.js';
import { AppError } from '../core/errors.js';
import { withRowProvider } from '../connections/stored-provider.js';
import { findConnectionRow } from '../db/connections.js';
import type { MembershipSource } from '../db/membership-sources.js';
import type { Role } from '../db/schema.js';
import type { MemberLister, ScmOrganizationRef } from '../scm/provider.js';

export type SourceContext = Pick<ServiceContext, 'db' | 'config' | 'secrets' | 'scmShared' | 'githubApps'>;

/** "GitHub organization acme", "GitLab group acme": how the source is named to people. */
export const sourceLabel = (source: Pick<MembershipSource, 'provider' | 'organizationName'>): string =>
  `${source.provider === 'github' ? 'GitHub organization' : 'GitLab group'} ${source.organizationName}`;

export const organizationOf = (source: MembershipSource): ScmOrganizationRef => ({
  externalId: source.organizationExternalId,
  name: source.organizationName,
});

/**
 * The account role a member of the source gets: the mapping's role for their SCM role when a mapping is on
 * (roles it leaves out get the default role); otherwise the role they already have, or the default role.
 */
export function roleFor(source: MembershipSource, scmRole: string, existing: Role | undefined): Role {
  if (source.roleMapping) return source.roleMapping[scmRole] ?? source.defaultRole;
  return existing ?? source.defaultRole;
}

/** Runs `use` with the member reading of the source's connection (its token or app installation). */
export async function withSourceMembers<T>(
  ctx: SourceContext,
  source: MembershipSource,
  use: (members: Required<MemberLister>) => Promise<T>,
): Promise<T> {
  const row = await findConnectionRow(ctx.db, source.accountId, source.connectionId);
  if (!row) throw new AppError(409, 'source_gone', "The membership source's connection was removed.");
  return withRowProvider(ctx, row, async (provider) => {
    const members = provider.members;
    const checkMember = members?.checkMember?.bind(members);
    if (!members || !checkMember) {
      throw new AppError(409, 'source_unsupported', `A ${row.kind} connection cannot manage membership.`);
    }
    return use({ listMembers: (org) => members.listMembers(org), checkMember });
  });
}
