import type { ScmOrganizationRef, ScmRepository } from '../provider.js';
import type { BbdcClient } from './client.js';
import { projectWebPath } from './connection-checks.js';
import type { BbdcRepository } from './schemas.js';

/** Maps a `RestRepository`: the numeric id is the stable id, `KEY/slug` the full name links accept. */
export function toRepository(webRoot: string, repo: BbdcRepository): ScmRepository {
  const projectKey = repo.project.key;
  return {
    externalId: repo.id,
    name: repo.name,
    fullName: `${projectKey}/${repo.slug}`,
    defaultBranch: repo.defaultBranch ?? null,
    visibility: repo.public ? 'public' : 'private',
    archived: repo.archived ?? false,
    webUrl: `${webRoot}/${projectWebPath(projectKey)}/repos/${encodeURIComponent(repo.slug)}/browse`,
  };
}

/** Every repository of the project, lazily, 1,000 per request. */
export async function* listBbdcRepositories(
  client: BbdcClient,
  webRoot: string,
  org: ScmOrganizationRef,
): AsyncGenerator<ScmRepository> {
  for await (const repo of client.repositories(org.name)) yield toRepository(webRoot, repo);
}
