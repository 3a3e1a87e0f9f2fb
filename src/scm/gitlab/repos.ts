import type { ScmOrganizationRef, ScmRepository } from '../provider.js';
import type { GitLabClient } from './client.js';
import type { GitLabProject } from './schemas.js';

/** A GitLab project as a repository: id as `externalId`, `path_with_namespace` as `fullName`. */
export function toRepository(project: GitLabProject): ScmRepository {
  return {
    externalId: project.id,
    name: project.name,
    fullName: project.path_with_namespace,
    defaultBranch: project.empty_repo === true ? null : (project.default_branch ?? null),
    // GitLab leaves `visibility` out of some answers (e.g. `simple=true`); private is the safe reading.
    visibility: project.visibility ?? 'private',
    archived: project.archived ?? false,
    // GitLab leaves `forked_from_project` out when the token may not read the source: such a fork reads as none.
    fork: project.forked_from_project != null,
    webUrl: project.web_url,
  };
}

/** Every project of the group and its subgroups, archived ones included, fetched page by page as consumed. */
export async function* listGitLabRepositories(
  client: GitLabClient,
  org: ScmOrganizationRef,
): AsyncGenerator<ScmRepository> {
  for await (const project of client.projects(org.externalId)) yield toRepository(project);
}
