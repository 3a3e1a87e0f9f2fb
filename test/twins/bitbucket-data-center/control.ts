import type { BitbucketDeliverer } from './deliveries.js';
import { payloadDate, pullRequestEvent } from './pr-events.js';
import type { BitbucketRepositorySpec } from './scenario.js';
import { repoJson, userJson } from './shapes.js';
import type { BbProject, BbPullRequest, BbRepo, BbUser, BitbucketDataCenterState } from './state.js';

/**
 * Changes to the twin's world as people make them in Data Center, each followed by the webhook event Data
 * Center sends for it (Atlassian's "Event payload": `repo:refs_changed`, `repo:modified`). Data Center has no
 * repository created or deleted event, so those change the state only. Deliveries run in the background;
 * `twin.idle()` waits for them.
 */
export interface BitbucketDataCenterControl {
  createRepository(projectKey: string, spec: BitbucketRepositorySpec): BbRepo;
  /** `repo:modified` with the repository before and after; the slug follows the name unless given. */
  renameRepository(projectKey: string, slug: string, name: string, newSlug?: string): BbRepo;
  /** `repo:modified` with `archived` changed (8.0 and later). */
  archiveRepository(projectKey: string, slug: string, archived?: boolean): BbRepo;
  deleteRepository(projectKey: string, slug: string): void;
  /** Commits `files` to `branch` (created from the default branch when new; `null` deletes a file): `repo:refs_changed`. */
  push(
    projectKey: string,
    slug: string,
    branch: string,
    files?: Readonly<Record<string, string | null>>,
  ): { before: string | null; after: string };
  /**
   * Opens a pull request from `fromBranch` into `toBranch` (default: the repository's default branch) as the
   * project's admin would; its diff is computed against the target's head now. Data Center sends `pr:opened`.
   */
  openPullRequest(projectKey: string, slug: string, fromBranch: string, toBranch?: string): BbPullRequest;
  /**
   * Merges (the source's files become the target's in a merge commit) or declines an open pull request:
   * `pr:merged` or `pr:declined`, with `actor` the project's admin.
   */
  closePullRequest(projectKey: string, slug: string, id: number, merged: boolean): BbPullRequest;
}

const zero = '0'.repeat(40);

/** Data Center's slug of a repository name: lower case, runs of other characters as one `-`. */
export const slugOf = (name: string): string =>
  name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9_.~-]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'repository';

export function createControl(
  state: BitbucketDataCenterState,
  base: () => string,
  deliverer: BitbucketDeliverer,
): BitbucketDataCenterControl {
  const projectNamed = (key: string): BbProject => {
    const project = state.projects.get(key.toUpperCase());
    if (!project) throw new Error(`Data Center twin: no project ${key}`);
    return project;
  };
  const repoOf = (project: BbProject, slug: string): BbRepo => {
    const repo = state.findRepo(project, slug);
    if (!repo) throw new Error(`Data Center twin: no repository ${project.key}/${slug}`);
    return repo;
  };
  /** A project admin of the scenario acts; without one, the first user. */
  const actorIn = (project: BbProject): BbUser | undefined => {
    const admin = [...project.members].find(([, permission]) => permission === 'PROJECT_ADMIN')?.[0];
    return state.users.get(admin ?? '') ?? [...state.users.values()][0];
  };
  const send = (repo: BbRepo, eventKey: string, payload: Record<string, unknown>) => {
    const actor = actorIn(repo.project);
    void deliverer.deliver([...repo.project.webhooks, ...repo.webhooks], eventKey, {
      eventKey,
      date: payloadDate(state.now()),
      ...(actor ? { actor: userJson(base(), actor) } : {}),
      ...payload,
    });
  };
  const json = (repo: BbRepo) => repoJson(base(), repo, state.features);

  return {
    createRepository: (projectKey, spec) => state.addRepository(projectNamed(projectKey), spec),

    renameRepository(projectKey, slug, name, newSlug) {
      const repo = repoOf(projectNamed(projectKey), slug);
      const old = json(repo);
      state.renameRepository(repo, newSlug ?? slugOf(name), name);
      send(repo, 'repo:modified', { old, new: json(repo) });
      return repo;
    },

    archiveRepository(projectKey, slug, archived = true) {
      const repo = repoOf(projectNamed(projectKey), slug);
      const old = json(repo);
      repo.archived = archived;
      send(repo, 'repo:modified', { old, new: json(repo) });
      return repo;
    },

    deleteRepository(projectKey, slug) {
      state.removeRepository(repoOf(projectNamed(projectKey), slug));
    },

    push(projectKey, slug, branchName, files = {}) {
      const repo = repoOf(projectNamed(projectKey), slug);
      if (repo.archived) throw new Error(`Data Center twin: ${projectKey}/${slug} is archived`);
      let branch = repo.branches.get(branchName);
      const before = branch?.head ?? null;
      if (!branch) {
        const start = repo.branches.get(repo.defaultBranch);
        branch = { name: branchName, head: start?.head ?? '', files: new Map(start?.files ?? []) };
        repo.branches.set(branchName, branch);
      }
      const author = actorIn(repo.project);
      if (!author) throw new Error('Data Center twin: a push needs a scenario user');
      const after = state.commit(repo, branch, author, 'Pushed in the twin', files).id;
      send(repo, 'repo:refs_changed', {
        repository: json(repo),
        changes: [
          {
            ref: { id: `refs/heads/${branchName}`, displayId: branchName, type: 'BRANCH' },
            refId: `refs/heads/${branchName}`,
            fromHash: before ?? zero,
            toHash: after,
            type: before === null ? 'ADD' : 'UPDATE',
          },
        ],
      });
      return { before, after };
    },

    openPullRequest(projectKey, slug, fromBranch, toBranch) {
      const repo = repoOf(projectNamed(projectKey), slug);
      const target = toBranch ?? repo.defaultBranch;
      const from = repo.branches.get(fromBranch);
      const to = repo.branches.get(target);
      if (!from || !to) throw new Error(`Data Center twin: ${fromBranch} or ${target} does not exist`);
      const author = actorIn(repo.project);
      if (!author) throw new Error('Data Center twin: a pull request needs a scenario user');
      const at = state.now();
      const pr: BbPullRequest = {
        id: Math.max(0, ...repo.pullRequests.keys()) + 1,
        version: 0,
        title: `Merge ${fromBranch}`,
        description: undefined,
        fromBranch,
        toBranch: target,
        baseCommit: to.head,
        author,
        state: 'OPEN',
        closedDate: undefined,
        createdDate: at,
        updatedDate: at,
        comments: [],
      };
      repo.pullRequests.set(pr.id, pr);
      void deliverer.deliver(
        [...repo.project.webhooks, ...repo.webhooks],
        'pr:opened',
        pullRequestEvent(state, base(), 'pr:opened', author, repo, pr),
      );
      return pr;
    },

    closePullRequest(projectKey, slug, id, merged) {
      const repo = repoOf(projectNamed(projectKey), slug);
      const pr = repo.pullRequests.get(id);
      if (!pr || pr.state !== 'OPEN') throw new Error(`Data Center twin: no open pull request #${id}`);
      const actor = actorIn(repo.project)!;
      if (merged) {
        const from = repo.branches.get(pr.fromBranch)!;
        const to = repo.branches.get(pr.toBranch)!;
        const files: Record<string, string | null> = Object.fromEntries(from.files);
        for (const path of to.files.keys()) if (!from.files.has(path)) files[path] = null;
        state.commit(repo, to, actor, `Merge pull request #${id}`, files);
      }
      const at = state.now();
      pr.state = merged ? 'MERGED' : 'DECLINED';
      pr.closedDate = at;
      pr.updatedDate = at;
      pr.version += 1;
      const eventKey = merged ? 'pr:merged' : 'pr:declined';
      void deliverer.deliver(
        [...repo.project.webhooks, ...repo.webhooks],
        eventKey,
        pullRequestEvent(state, base(), eventKey, actor, repo, pr),
      );
      return pr;
    },
  };
}
