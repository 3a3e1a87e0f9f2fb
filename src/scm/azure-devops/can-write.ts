import { ScmError } from '../errors.js';
import type { ScmRepositoryRef } from '../provider.js';
import { dataOf, type AdoCommentContext } from './pull-request-errors.js';
import type { AdoAccessControlList } from './schemas.js';

/*
 * Whether a user may write to a repository: their effective Contribute (GenericContribute) bit in the "Git
 * Repositories" security namespace on the repository's token `repoV2/{projectId}/{repositoryId}`. The user's
 * legacy identity descriptor comes from "Identities - Read Identities" by their id; "Access Control Lists -
 * Query" with that descriptor and `includeExtendedInfo=true` gives `extendedInfo.effectiveAllow`, which counts
 * the groups the user is in and what the token inherits. A user Azure DevOps does not know may not write.
 */

/** The "Git Repositories" namespace (`GET _apis/securitynamespaces`) and its Contribute bit. */
export const gitRepositoriesNamespace = '2e9eb7ed-3c0a-47d4-87c1-0ffdd275fd87';
export const genericContribute = 4;

const identityScopes = ['vso.identity'] as const;
const securityScopes = ['vso.security_manage'] as const;

/** The effective allow and deny bits of `descriptor` in lists, when one of them has an entry for it. */
function effectiveOf(lists: readonly AdoAccessControlList[], descriptor: string) {
  const wanted = descriptor.toLowerCase();
  for (const list of lists) {
    for (const [key, ace] of Object.entries(list.acesDictionary ?? {})) {
      if ((ace.descriptor ?? key).toLowerCase() !== wanted) continue;
      return {
        allow: ace.extendedInfo?.effectiveAllow ?? ace.allow ?? 0,
        deny: ace.extendedInfo?.effectiveDeny ?? ace.deny ?? 0,
      };
    }
  }
  return undefined;
}

export async function canWriteRepository(
  c: AdoCommentContext,
  repository: ScmRepositoryRef,
  user: { readonly id: string; readonly login: string },
): Promise<boolean> {
  if (!/^[0-9a-f-]{32,36}$/i.test(user.id)) {
    throw new ScmError('invalid', 'An Azure DevOps user id is a GUID.', { code: 'invalid_user_id' });
  }
  const name = repository.fullName.slice(0, 200);
  const repo = dataOf(c.ctx, `repository ${name}`, await c.prs.repository(repository.externalId), [
    'vso.code',
  ]);
  const identities = dataOf(
    c.ctx,
    'the identities of the organization',
    await c.prs.identities([user.id]),
    identityScopes,
  );
  const descriptor = identities.find((identity) => identity !== null)?.descriptor;
  if (descriptor === undefined) return false;
  // The repository's token first; without an entry there, what the project's token gives every repository.
  for (const token of [`repoV2/${repo.project.id}/${repo.id}`, `repoV2/${repo.project.id}`]) {
    const lists = dataOf(
      c.ctx,
      `the permissions on ${name}`,
      await c.prs.accessControlLists(gitRepositoriesNamespace, token, descriptor),
      securityScopes,
    );
    const effective = effectiveOf(lists, descriptor);
    if (effective !== undefined)
      return (effective.allow & genericContribute) !== 0 && (effective.deny & genericContribute) === 0;
  }
  return false;
}
