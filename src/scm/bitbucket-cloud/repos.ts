import type { ScmOrganizationRef, ScmRepository } from '../provider.js';
import type { BitbucketClient } from './client.js';
import type { BitbucketRepository } from './schemas.js';

/**
 * A Bitbucket repository: UUID as `externalId`, `workspace/slug` as `fullName`, a fork when it has a `parent`.
 * Bitbucket has no archiving.
 */
export function toRepository(repo: BitbucketRepository, webRoot: URL): ScmRepository {
  const root = webRoot.href.replace(/\/+$/, '');
  return {
    externalId: repo.uuid,
    name: repo.name,
    fullName: repo.full_name,
    defaultBranch: repo.mainbranch?.name ?? null,
    visibility: repo.is_private === false ? 'public' : 'private',
    archived: false,
    fork: repo.parent !== null && repo.parent !== undefined,
    webUrl: repo.links?.html?.href ?? `${root}/${repo.full_name}`,
  };
}

/**
 * Every repository of the workspace, page by page as consumed (addressed by the workspace UUID, which survives
 * a rename). A repository that shifts between pages while listing is yielded once.
 */
export async function* listBitbucketRepositories(
  client: BitbucketClient,
  org: ScmOrganizationRef,
  webRoot: URL,
): AsyncGenerator<ScmRepository> {
  const seen = new Set<string>();
  for await (const repo of client.repositories(org.externalId)) {
    if (seen.has(repo.uuid)) continue;
    seen.add(repo.uuid);
    yield toRepository(repo, webRoot);
  }
}
