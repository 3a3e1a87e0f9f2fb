import type { BitbucketDeliverer } from './deliveries.js';
import { repositoryEntity } from './payloads.js';
import type { BitbucketRepositorySeed } from './scenario.js';
import type {
  BitbucketActor,
  BitbucketPullRequest,
  BitbucketRepository,
  BitbucketState,
  BitbucketWorkspace,
} from './state.js';
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
  /**
   * Opens a pull request from `source` (committing `files` to it first, from the main branch when new) into the
   * main branch, as `author` (an account id; default the workspace's first owner): `pullrequest:created`.
   */
  openPullRequest(
    workspace: string,
    slug: string,
    input: { source: string; title?: string; author?: string; files?: Readonly<Record<string, string>> },
  ): BitbucketPullRequest;
  /**
   * Merges the pull request (a merge commit on the destination with the source's files:
   * `pullrequest:fulfilled`) or declines it (`pullrequest:rejected`).
   */
  closePullRequest(workspace: string, slug: string, id: number, merged: boolean): BitbucketPullRequest;
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

  const entity = (repo: BitbucketRepository) => repositoryEntity(views, repo);
  const send = (repo: BitbucketRepository, eventKey: string, payload: Record<string, unknown>) =>
    void deliverer.deliver(repo, eventKey, { actor: views.actor(actorIn(repo.workspace)), ...payload });

  const control: BitbucketControl = {
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

    openPullRequest(workspaceSlug, slug, input) {
      const workspace = workspaceNamed(workspaceSlug);
      const repo = repositoryOf(workspace, slug);
      if (input.files || !repo.branches.has(input.source))
        control.push(workspaceSlug, slug, input.source, input.files);
      const author = input.author === undefined ? actorIn(workspace) : state.users.get(input.author);
      if (!author) throw new Error(`Bitbucket twin: no user ${input.author}`);
      const pr = state.openPullRequest(repo, {
        title: input.title ?? `Changes from ${input.source}`,
        author,
        source: input.source,
        destination: repo.mainbranch,
      });
      void deliverer.deliver(repo, 'pullrequest:created', {
        actor: views.actor(author),
        repository: entity(repo),
        pullrequest: views.pullRequest(repo, pr),
      });
      return pr;
    },

    closePullRequest(workspaceSlug, slug, id, merged) {
      const workspace = workspaceNamed(workspaceSlug);
      const repo = repositoryOf(workspace, slug);
      const pr = repo.pullRequests.get(id);
      if (!pr || pr.state !== 'OPEN') throw new Error(`Bitbucket twin: no open pull request ${id}`);
      const actor = actorIn(workspace);
      if (merged) {
        const source = repo.branches.get(pr.source);
        pr.mergeCommit = state.commit(repo, pr.destination, (files) => {
          for (const [path, content] of source?.files ?? []) files.set(path, content);
          for (const path of [...files.keys()]) if (source && !source.files.has(path)) files.delete(path);
        });
      }
      pr.state = merged ? 'MERGED' : 'DECLINED';
      pr.updatedOn = new Date().toISOString();
      send(repo, merged ? 'pullrequest:fulfilled' : 'pullrequest:rejected', {
        actor: views.actor(actor),
        repository: entity(repo),
        pullrequest: { ...views.pullRequest(repo, pr), closed_by: views.actor(actor) },
      });
      return pr;
    },
  };
  return control;
}
