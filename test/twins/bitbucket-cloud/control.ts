import type { BitbucketDeliverer } from './deliveries.js';
import type { BitbucketRepositorySeed } from './scenario.js';
import type { BitbucketActor, BitbucketRepository, BitbucketState, BitbucketWorkspace } from './state.js';
import type { BitbucketViews } from './views.js';

/**
 * Changes to the twin's world as people make them in Bitbucket, each followed by the webhook event Bitbucket
 * sends for it (Atlassian's "Event payloads": `repo:created`, `repo:updated`, `repo:deleted`, `repo:push`).
 * Deliveries run in the background; `twin.idle()` waits for them.
 */
export interface BitbucketControl {
  createRepository(workspace: string, seed: BitbucketRepositorySeed): BitbucketRepository;
  /** Renames the repository; its slug follows the new name, as Bitbucket's does (unless `slug` is given). */
  renameRepository(workspace: string, slug: string, name: string, newSlug?: string): BitbucketRepository;
  deleteRepository(workspace: string, slug: string): void;
  /** Commits `files` to `branch` (created from the main branch when new); `repo:push` names both hashes. */
  push(
    workspace: string,
    slug: string,
    branch: string,
    files?: Readonly<Record<string, string>>,
  ): { before: string | null; after: string };
}

/** Bitbucket's slug of a repository name: lower case, runs of other characters as one `-`. */
export const slugOf = (name: string): string =>
  name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'repository';

export function createControl(
  state: BitbucketState,
  views: BitbucketViews,
  deliverer: BitbucketDeliverer,
): BitbucketControl {
  const workspaceNamed = (slug: string): BitbucketWorkspace => {
    const workspace = state.workspace(slug);
    if (!workspace) throw new Error(`Bitbucket twin: no workspace ${slug}`);
    return workspace;
  };
  const repositoryOf = (workspace: BitbucketWorkspace, slug: string): BitbucketRepository => {
    const repo = workspace.repositories.get(slug);
    if (!repo) throw new Error(`Bitbucket twin: no repository ${workspace.slug}/${slug}`);
    return repo;
  };
  /** The workspace's first owner acts; a workspace without one is acted on by an anonymous admin. */
  const actorIn = (workspace: BitbucketWorkspace): BitbucketActor => {
    const owner = [...workspace.members].find(([, permission]) => permission === 'owner')?.[0];
    const user = owner === undefined ? undefined : state.users.get(owner);
    return (
      user ?? {
        uuid: '{00000000-0000-0000-0000-000000000001}',
        displayName: 'Admin',
        accountId: null,
        nickname: null,
      }
    );
  };

  /** The "Repository" common entity of the payloads. */
  const entity = (repo: BitbucketRepository) => {
    const full = views.repository(repo);
    return {
      type: 'repository',
      name: full.name,
      full_name: full.full_name,
      workspace: full.workspace,
      uuid: full.uuid,
      links: { self: full.links.self, html: full.links.html, avatar: full.links.avatar },
      project: full.project,
      website: null,
      scm: 'git',
      is_private: full.is_private,
      owner: full.owner,
    };
  };
  const send = (repo: BitbucketRepository, eventKey: string, payload: Record<string, unknown>) =>
    void deliverer.deliver(repo, eventKey, { actor: views.actor(actorIn(repo.workspace)), ...payload });

  return {
    createRepository(workspaceSlug, seed) {
      const repo = state.addRepository(workspaceNamed(workspaceSlug), seed);
      send(repo, 'repo:created', { repository: entity(repo) });
      return repo;
    },

    renameRepository(workspaceSlug, slug, name, newSlug) {
      const workspace = workspaceNamed(workspaceSlug);
      const repo = repositoryOf(workspace, slug);
      const before = { name: repo.name, fullName: `${workspace.slug}/${repo.slug}` };
      workspace.repositories.delete(repo.slug);
      repo.name = name;
      repo.slug = newSlug ?? slugOf(name);
      workspace.repositories.set(repo.slug, repo);
      send(repo, 'repo:updated', {
        repository: entity(repo),
        changes: {
          name: { new: repo.name, old: before.name },
          full_name: { new: `${workspace.slug}/${repo.slug}`, old: before.fullName },
        },
      });
      return repo;
    },

    deleteRepository(workspaceSlug, slug) {
      const workspace = workspaceNamed(workspaceSlug);
      const repo = repositoryOf(workspace, slug);
      workspace.repositories.delete(slug);
      send(repo, 'repo:deleted', { repository: entity(repo) });
    },

    push(workspaceSlug, slug, branch, files = {}) {
      const workspace = workspaceNamed(workspaceSlug);
      const repo = repositoryOf(workspace, slug);
      const before = repo.branches.get(branch)?.hash ?? null;
      const after = state.commit(
        repo,
        branch,
        (tree) => {
          for (const [path, content] of Object.entries(files)) tree.set(path, content);
        },
        repo.branches.get(repo.mainbranch),
      );
      const html = `https://bitbucket.org/${workspace.slug}/${repo.slug}`;
      const ref = (hash: string) => ({
        type: 'branch',
        name: branch,
        target: { type: 'commit', hash, links: { html: { href: `${html}/commits/${hash}` } } },
        links: { html: { href: `${html}/branch/${encodeURIComponent(branch)}` } },
      });
      send(repo, 'repo:push', {
        repository: entity(repo),
        push: {
          changes: [
            {
              new: ref(after),
              old: before === null ? null : ref(before),
              created: before === null,
              forced: false,
              closed: false,
              truncated: false,
              commits: [{ type: 'commit', hash: after, message: 'Pushed in the twin\n' }],
            },
          ],
        },
      });
      return { before, after };
    },
  };
}
