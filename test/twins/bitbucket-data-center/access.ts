import { TwinHttpError, type TwinRequest } from '../server/twin-server.js';
import type { BitbucketPermission } from './scenario.js';
import type { BbProject, BbRepo, BbToken, BbUser, BitbucketDataCenterState } from './state.js';

/**
 * Data Center's error envelope, `RestErrors` in the published OpenAPI description:
 * `{"errors":[{"context":null,"message":"…","exceptionName":"…"}]}`.
 */
export function bbError(
  status: number,
  exceptionName: string,
  message: string,
  context: string | null = null,
) {
  return new TwinHttpError(status, { errors: [{ context, message, exceptionName }] });
}

const pkg = 'com.atlassian.bitbucket';

export const bbErrors = {
  /** Unknown or expired token. Message as seen on Data Center 7–9 (community reports). */
  authFailed: () =>
    bbError(
      401,
      `${pkg}.auth.IncorrectPasswordAuthenticationException`,
      'Authentication failed. Please check your credentials and try again.',
    ),
  /** Data Center answers 401, not 403, when the caller lacks a permission (also for a token of another project). */
  notPermitted: () =>
    bbError(401, `${pkg}.AuthorisationException`, 'You are not permitted to access this resource'),
  noProject: (key: string) =>
    bbError(404, `${pkg}.project.NoSuchProjectException`, `Project ${key} does not exist.`),
  noRepo: (key: string, slug: string) =>
    bbError(404, `${pkg}.repository.NoSuchRepositoryException`, `Repository ${key}/${slug} does not exist.`),
  noPullRequest: (id: string) =>
    bbError(
      404,
      `${pkg}.pull.NoSuchPullRequestException`,
      `No pull request exists with ID ${id} for this repository.`,
    ),
  noComment: (id: string) =>
    bbError(404, `${pkg}.comment.NoSuchCommentException`, `No comment exists with ID ${id}.`),
  noUser: (slug: string) => bbError(404, `${pkg}.user.NoSuchUserException`, `User ${slug} does not exist.`),
  invalid: (field: string, message: string) =>
    bbError(400, `${pkg}.validation.ArgumentValidationException`, message, field),
  archived: (repo: BbRepo) =>
    bbError(
      409,
      `${pkg}.repository.RepositoryArchivedException`,
      `Repository ${repo.project.key}/${repo.slug} is archived and cannot be modified.`,
    ),
};

/** Who is calling: `undefined` for an anonymous request. */
export interface BbPrincipal {
  readonly token: BbToken;
  readonly user: BbUser;
}

/** Resolves the `Authorization: Bearer` header; throws 401 for an unknown or expired token. */
export function authenticate(state: BitbucketDataCenterState, request: TwinRequest): BbPrincipal | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (!match) {
    // Basic auth with a project or repository token never works; user passwords are not modelled.
    throw bbErrors.authFailed();
  }
  const token = state.tokens.get(match[1]!.trim());
  if (!token || (token.expiresAt && token.expiresAt.getTime() <= Date.now())) throw bbErrors.authFailed();
  token.lastAuthenticated = new Date();
  return { token, user: token.user };
}

const level: Record<BitbucketPermission, number> = {
  PROJECT_READ: 1,
  PROJECT_WRITE: 2,
  PROJECT_ADMIN: 3,
  REPO_READ: 1,
  REPO_WRITE: 2,
  REPO_ADMIN: 3,
};

const maxLevel = (permissions: readonly BitbucketPermission[], prefix: 'PROJECT_' | 'REPO_') =>
  Math.max(0, ...permissions.filter((p) => p.startsWith(prefix)).map((p) => level[p]));

/** The user's own grant on a project: 3 = admin, 2 = write, 1 = read, 0 = none. */
function userProjectLevel(user: BbUser, project: BbProject): number {
  if (user.sysAdmin) return 3;
  const granted = project.members.get(user.name);
  return Math.max(granted ? level[granted] : 0, project.public ? 1 : 0);
}

/** A person's own permission on a repository (the project's grant, read for a public one): 0 to 3. */
export function userRepoLevel(user: BbUser, repo: BbRepo): number {
  return Math.max(userProjectLevel(user, repo.project), repo.public ? 1 : 0);
}

/** A person's own permission on a project: 0 to 3. */
export const userLevelOnProject = (user: BbUser, project: BbProject): number =>
  userProjectLevel(user, project);

/** Project-level permission (PROJECT_READ = 1 … PROJECT_ADMIN = 3) the caller holds. */
export function projectLevel(principal: BbPrincipal | undefined, project: BbProject): number {
  if (!principal) return project.public ? 1 : 0;
  const { token } = principal;
  const tokenLevel = maxLevel(token.permissions, 'PROJECT_');
  switch (token.scope.type) {
    case 'project':
      return token.scope.projectKey === project.key ? tokenLevel : 0;
    case 'repository':
      return 0;
    case 'user':
      return Math.min(tokenLevel, userProjectLevel(principal.user, project));
  }
}

/** Repository-level permission (REPO_READ = 1 … REPO_ADMIN = 3); the repository grant is at least the project's. */
export function repoLevel(principal: BbPrincipal | undefined, repo: BbRepo): number {
  if (!principal) return repo.public ? 1 : 0;
  const { token } = principal;
  const tokenLevel = Math.max(maxLevel(token.permissions, 'REPO_'), maxLevel(token.permissions, 'PROJECT_'));
  switch (token.scope.type) {
    case 'project':
      return token.scope.projectKey === repo.project.key ? tokenLevel : 0;
    case 'repository':
      return token.scope.projectKey === repo.project.key && token.scope.slug === repo.slug ? tokenLevel : 0;
    case 'user':
      return Math.min(
        tokenLevel,
        Math.max(userProjectLevel(principal.user, repo.project), repo.public ? 1 : 0),
      );
  }
}

/** PROJECT_VIEW: some project grant, or a token for one of its repositories. */
export function canViewProject(principal: BbPrincipal | undefined, project: BbProject): boolean {
  if (projectLevel(principal, project) >= 1) return true;
  const scope = principal?.token.scope;
  return scope?.type === 'repository' && scope.projectKey === project.key;
}

/** Throws the Data Center answer unless the caller holds `needed` on the project. */
export function requireProject(principal: BbPrincipal | undefined, project: BbProject, needed: number): void {
  if (projectLevel(principal, project) < needed) throw bbErrors.notPermitted();
}

/** Throws the Data Center answer unless the caller holds `needed` on the repository. */
export function requireRepo(principal: BbPrincipal | undefined, repo: BbRepo, needed: number): void {
  if (repoLevel(principal, repo) < needed) throw bbErrors.notPermitted();
}
