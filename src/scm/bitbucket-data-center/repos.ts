import type { ScmOrganizationRef, ScmRepository } from '../provider.js';
import { mapBounded } from './bounded-map.js';
import type { BbdcClient } from './client.js';
import { projectWebPath } from './connection-checks.js';
import { defaultBranchResource } from './default-branch.js';
import type { BbdcRepository } from './schemas.js';

/**
 * Default-branch requests in flight at once. The listing does not carry the default branch, so each
 * repository costs one request; the HTTP layer's per-host limit applies on top.
 */
export const defaultBranchConcurrency = 4;

/** Maps a `RestRepository`: the numeric id is the stable id, `KEY/slug` the full name links accept. */
export function toRepository(
  webRoot: string,
  repo: BbdcRepository,
  defaultBranch: string | null,
): ScmRepository {
  const projectKey = repo.project.key;
  return {
    externalId: repo.id,
    name: repo.name,
    fullName: `${projectKey}/${repo.slug}`,
    defaultBranch,
    visibility: repo.public ? 'public' : 'private',
    archived: repo.archived ?? false,
    webUrl: `${webRoot}/${projectWebPath(projectKey)}/repos/${encodeURIComponent(repo.slug)}/browse`,
  };
}

/**
 * Every repository of the project, lazily: 1,000 per listing request, then its default branch, read from the
 * resource `serverVersion` has (`null` for an empty repository).
 */
export async function* listBbdcRepositories(
  client: BbdcClient,
  webRoot: string,
  org: ScmOrganizationRef,
  serverVersion: () => Promise<string>,
): AsyncGenerator<ScmRepository> {
  const resource = defaultBranchResource(await serverVersion());
  yield* mapBounded(client.repositories(org.name), defaultBranchConcurrency, async (repo) =>
    toRepository(webRoot, repo, await client.defaultBranch(repo.project.key, repo.slug, resource)),
  );
}
