import { isScmError, ScmError } from '../errors.js';
import type { ScmMember, ScmOrganizationRef } from '../provider.js';
import type { BitbucketClient } from './client.js';
import type { BitbucketCredential } from './connection-checks.js';
import type { BitbucketAccount, BitbucketMembership } from './schemas.js';

/** The name to show for an account: its nickname, else its Atlassian account id, else its UUID. */
export const accountLogin = (account: BitbucketAccount): string =>
  account.nickname ?? account.account_id ?? account.uuid;

export function toMember(membership: BitbucketMembership): ScmMember {
  const { user } = membership;
  return {
    externalId: user.uuid,
    login: accountLogin(user),
    ...(user.display_name ? { name: user.display_name } : {}),
    role: membership.permission === 'owner' ? 'admin' : 'member',
  };
}

/** What to do when Bitbucket does not offer members to a workspace access token. */
export const membersNotOfferedFix =
  'To read members, connect with an Atlassian API token that has `read:workspace:bitbucket`.';

/** Bitbucket answers 401 to an access token on an endpoint it does not offer to access tokens. */
export const membersNotOffered = (workspaceSlug: string): ScmError =>
  new ScmError(
    'forbidden',
    `Bitbucket does not show the members of \`${workspaceSlug}\` to a workspace access token.`,
    { status: 401, fix: membersNotOfferedFix },
  );

/**
 * Workspace members. An API token reads `/permissions`, so owners are admins; access tokens may not read
 * permissions, so with one every member of `/members` is listed as `member`.
 */
export async function* listBitbucketMembers(
  client: BitbucketClient,
  credential: BitbucketCredential,
  org: ScmOrganizationRef,
): AsyncGenerator<ScmMember> {
  const seen = new Set<string>();
  const memberships =
    credential === 'api-token' ? client.permissions(org.externalId) : client.members(org.externalId);
  try {
    for await (const membership of memberships) {
      if (seen.has(membership.user.uuid)) continue;
      seen.add(membership.user.uuid);
      yield toMember(membership);
    }
  } catch (error) {
    const notOffered =
      credential === 'access-token' && isScmError(error) && error.status === 401 && seen.size === 0;
    throw notOffered ? membersNotOffered(org.name) : error;
  }
}
