import type {
  RepositoryVisibility,
  ScmOrganization,
  ScmOrganizationRef,
  ScmRepository,
} from '../provider.js';
import { readInstallation } from './installation-checks.js';
import { accountError, checkOrganization, pagesOf, type GitHubContext } from './provider-context.js';
import { idOf, parseGitHub, repositorySchema } from './schemas.js';

/** GitHub's largest page size. */
export const githubPageSize = 100;

const visibilities: readonly string[] = ['public', 'private', 'internal'];

/**
 * A repository as GitHub lists it. `defaultBranch` is GitHub's `default_branch` as given: the listing has no
 * documented sign of an empty repository (`size` is 0 for any new repository and is recomputed hourly), so
 * emptiness shows only when the git data is read (`ensureCiJob` rejects with `not-found` then).
 */
export function toRepository(value: unknown): ScmRepository & { readonly ownerId: string | undefined } {
  const repo = parseGitHub(repositorySchema, value, 'repository');
  const visibility: RepositoryVisibility =
    repo.visibility !== undefined && visibilities.includes(repo.visibility)
      ? (repo.visibility as RepositoryVisibility)
      : repo.private
        ? 'private'
        : 'public';
  return {
    externalId: idOf(repo.id, 'repository'),
    name: repo.name,
    fullName: repo.full_name,
    defaultBranch: repo.default_branch ?? null,
    visibility,
    archived: repo.archived ?? false,
    fork: repo.fork ?? false,
    webUrl: repo.html_url,
    ownerId: repo.owner === undefined ? undefined : idOf(repo.owner.id, 'repository owner'),
  };
}

/**
 * The installation's account (organization or user), read with the app's JWT so that a renamed login shows.
 * An uninstalled installation rejects with `auth` / `installation_not_found`.
 */
export async function* listGitHubOrganizations(context: GitHubContext): AsyncGenerator<ScmOrganization> {
  const { installationId } = context.installation;
  const { account } = await readInstallation(context.clients.app(), installationId).catch(
    (error: unknown) => {
      throw accountError(context, error);
    },
  );
  yield { externalId: account.id, name: account.login, webUrl: `${context.webRoot}/${account.login}` };
}

/**
 * Every repository of `org` the installation may read, archived ones included, fetched 100 a page as the caller
 * consumes them (`GET /installation/repositories` lists exactly what the installation was granted, the "all" or
 * "only select repositories" choice included).
 */
export async function* listGitHubRepositories(
  context: GitHubContext,
  org: ScmOrganizationRef,
): AsyncGenerator<ScmRepository> {
  checkOrganization(context, org);
  const { account } = context.installation;
  // GET /installation/repositories?per_page=100
  const pages = context.octokit().paginate.iterator('GET /installation/repositories', {
    per_page: githubPageSize,
  });
  for await (const item of pagesOf<unknown>(context, "list the installation's repositories", pages)) {
    const { ownerId, ...repository } = toRepository(item);
    if (ownerId === undefined || ownerId === account.id) yield repository;
  }
}
