import type { createApi } from './api.js';
import { notFound } from './errors.js';
import type { CollaboratorRole, GitHubState, RepoRecord, UserRecord } from './state.js';

type Api = ReturnType<typeof createApi>;

const ranks: readonly CollaboratorRole[] = ['read', 'triage', 'write', 'maintain', 'admin'];

/**
 * A person's role on a repository, the highest of every grant: the owner account (admin), organization owners
 * (admin), organization members (the base permission, `read`), direct collaborators; anyone may read a public
 * repository. Undefined when the person has no access.
 */
export function roleOf(state: GitHubState, repo: RepoRecord, user: UserRecord): CollaboratorRole | undefined {
  const grants: CollaboratorRole[] = [];
  if (repo.ownerId === user.id) grants.push('admin');
  const org = state.orgByLogin(repo.owner);
  const member = org?.members.get(user.id);
  if (member === 'admin') grants.push('admin');
  else if (member === 'member') grants.push('read');
  const direct = repo.collaborators.get(user.id);
  if (direct) grants.push(direct);
  if (!repo.private) grants.push('read');
  return grants.sort((a, b) => ranks.indexOf(b) - ranks.indexOf(a))[0];
}

/** The legacy base role `permission` reports: maintain reads as write, triage as read. */
const legacy = (role: CollaboratorRole | undefined) =>
  role === undefined ? 'none' : role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role;

/** "Get repository permissions for a user" (`repository-collaborator-permission`). */
export function registerCollaboratorRoutes(api: Api, state: GitHubState): void {
  // GET /repos/{owner}/{repo}/collaborators/{username}/permission
  api.route('GET', '/repos/:owner/:repo/collaborators/:username/permission', 'any', (req, ctx) => {
    const repo = ctx.repo(req.params.owner!, req.params.repo!);
    ctx.need(['metadata', 'read']);
    const user = state.userByLogin(req.params.username!);
    if (!user) {
      throw notFound(
        'https://docs.github.com/rest/collaborators/collaborators#get-repository-permissions-for-a-user',
      );
    }
    const role = roleOf(state, repo, user);
    const at = (level: CollaboratorRole) => role !== undefined && ranks.indexOf(role) >= ranks.indexOf(level);
    return {
      body: {
        permission: legacy(role),
        role_name: role ?? 'none',
        user: {
          ...ctx.shapes.user(user),
          permissions: {
            pull: at('read'),
            triage: at('triage'),
            push: at('write'),
            maintain: at('maintain'),
            admin: at('admin'),
          },
          role_name: role ?? 'none',
        },
      },
    };
  });
}
