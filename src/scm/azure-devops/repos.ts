import type { ScmOrganizationRef, ScmRepository } from '../provider.js';
import type { AdoClient } from './client.js';
import type { AdoRepository } from './schemas.js';

const stripHeads = (ref: string) => ref.replace(/^refs\/heads\//, '');

/** Maps a `GitRepository`: the GUID is the stable id, `org/project/repo` the full name links accept. */
export function toRepository(webRoot: string, organization: string, repo: AdoRepository): ScmRepository {
  const project = repo.project.name;
  return {
    externalId: repo.id,
    name: repo.name,
    fullName: `${organization}/${project}/${repo.name}`,
    defaultBranch: repo.defaultBranch ? stripHeads(repo.defaultBranch) : null,
    visibility: repo.project.visibility === 'public' ? 'public' : 'private',
    // A disabled repository can no longer be read or scanned: the closest there is to archived.
    archived: repo.isDisabled ?? false,
    fork: repo.isFork ?? false,
    webUrl: `${webRoot}/${[organization, project].map(encodeURIComponent).join('/')}/_git/${encodeURIComponent(repo.name)}`,
  };
}

/**
 * Every repository of every project the PAT can see: projects page by page, then one answer per project, so
 * the first repositories arrive before the last project is read and no single answer holds the whole org.
 */
export async function* listAzureDevOpsRepositories(
  client: AdoClient,
  webRoot: string,
  org: ScmOrganizationRef,
): AsyncGenerator<ScmRepository> {
  for await (const project of client.projects()) {
    for (const repo of await client.repositories(project.id)) yield toRepository(webRoot, org.name, repo);
  }
}
