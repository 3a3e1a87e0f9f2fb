import type { AzureDevOpsDeliveries, AzureDevOpsDelivery } from './deliveries.js';
import { recordPush } from './iterations.js';
import { newPullRequest } from './pull-requests.js';
import type { AzureDevOpsProjectRole } from './scenario.js';
import { identityRef, repoJson } from './shapes.js';
import {
  guid,
  zeroId,
  type AdoOrganization,
  type AdoProject,
  type AdoPullRequest,
  type AdoRepo,
  type AzureDevOpsState,
} from './state.js';

/*
 * Changes made the way a person makes them in Azure DevOps, each followed by the service-hook event the `tfs`
 * publisher raises: git.repo.created, git.repo.renamed, git.repo.statuschanged (disabled / enabled),
 * git.repo.deleted and git.push. Resource shapes: the git.push sample of "Service hooks events"; the repository
 * events as `src/scm/azure-devops/webhooks.ts` names its sources.
 */

export interface AzureDevOpsControl {
  createRepository(org: string, project: string, name: string): Promise<AzureDevOpsDelivery[]>;
  renameRepository(
    org: string,
    project: string,
    name: string,
    newName: string,
  ): Promise<AzureDevOpsDelivery[]>;
  setRepositoryDisabled(
    org: string,
    project: string,
    name: string,
    disabled: boolean,
  ): Promise<AzureDevOpsDelivery[]>;
  deleteRepository(org: string, project: string, name: string): Promise<AzureDevOpsDelivery[]>;
  /**
   * A commit on `branch` (created from the default branch when new), pushed by the organization's first member;
   * `files` (repository path without the leading `/` → content) are written in it, the rest of the tree is kept.
   */
  push(
    org: string,
    project: string,
    name: string,
    branch: string,
    files?: Readonly<Record<string, string>>,
  ): Promise<AzureDevOpsDelivery[]>;
  /**
   * A pull request from `branch` into the default branch, opened by the organization's first member (as the
   * REST API opens one; no event is delivered, scm-connect subscribes to none for opening).
   */
  openPullRequest(org: string, project: string, name: string, branch: string, title?: string): AdoPullRequest;
  /** A user added to the organization with a role in projects and personal access tokens (`full` or scopes). */
  addMember(org: string, member: TwinMember): void;
}

/** A person added after start. */
export interface TwinMember {
  readonly principalName: string;
  readonly displayName: string;
  readonly projects: Readonly<Record<string, AzureDevOpsProjectRole>>;
  readonly pats: readonly { readonly value: string; readonly scopes: readonly string[] | 'full' }[];
}

export function createAzureDevOpsControl(
  state: AzureDevOpsState,
  deliveries: AzureDevOpsDeliveries,
  origin: () => string,
): AzureDevOpsControl {
  const find = (orgName: string, projectName: string, repoName?: string) => {
    const org = state.organizations.get(orgName.toLowerCase());
    if (!org) throw new Error(`Azure DevOps twin: no organization ${orgName}`);
    const project = state.findProject(org, projectName);
    if (!project) throw new Error(`Azure DevOps twin: no project ${projectName}`);
    const repo = repoName === undefined ? undefined : state.findRepo(project, repoName);
    if (repoName !== undefined && !repo) throw new Error(`Azure DevOps twin: no repository ${repoName}`);
    return { org, project, repo: repo! };
  };
  const send = (org: AdoOrganization, project: AdoProject, eventType: string, resource: unknown) =>
    deliveries.deliver(org, eventType, resource, project.id);

  return {
    async createRepository(orgName, projectName, name) {
      const { org, project } = find(orgName, projectName);
      const repo = state.addRepo(project, name);
      return send(org, project, 'git.repo.created', { repository: repoJson(origin(), repo) });
    },
    async renameRepository(orgName, projectName, name, newName) {
      const { org, project, repo } = find(orgName, projectName, name);
      const oldName = repo.name;
      state.renameRepo(repo, newName);
      return send(org, project, 'git.repo.renamed', {
        oldName,
        newName,
        repository: repoJson(origin(), repo),
      });
    },
    async setRepositoryDisabled(orgName, projectName, name, disabled) {
      const { org, project, repo } = find(orgName, projectName, name);
      repo.isDisabled = disabled;
      return send(org, project, 'git.repo.statuschanged', { disabled, repository: repoJson(origin(), repo) });
    },
    async deleteRepository(orgName, projectName, name) {
      const { org, project, repo } = find(orgName, projectName, name);
      state.removeRepo(repo);
      return send(org, project, 'git.repo.deleted', {
        projectId: project.id,
        repositoryId: repo.id,
        repositoryName: repo.name,
        isHardDelete: true,
        project: { id: project.id, name: project.name, state: 'wellFormed', visibility: project.visibility },
      });
    },
    async push(orgName, projectName, name, branch, files = {}) {
      const { org, project, repo } = find(orgName, projectName, name);
      return send(org, project, 'git.push', pushResource(org, repo, `refs/heads/${branch}`, files));
    },
    openPullRequest(orgName, projectName, name, branch, title = `Merge ${branch}`) {
      const { org, repo } = find(orgName, projectName, name);
      const createdBy = [...org.members.values()][0]?.user;
      if (!createdBy) throw new Error(`Azure DevOps twin: ${orgName} has no members`);
      return newPullRequest(state, repo, {
        title,
        description: '',
        sourceRefName: `refs/heads/${branch}`,
        targetRefName: repo.defaultBranch,
        createdBy,
        isDraft: false,
      });
    },
    addMember(orgName, spec) {
      const org = state.organizations.get(orgName.toLowerCase());
      if (!org) throw new Error(`Azure DevOps twin: no organization ${orgName}`);
      const id = guid(`user:${spec.principalName}`);
      const user = {
        id,
        principalName: spec.principalName,
        displayName: spec.displayName,
        descriptor: `aad.${Buffer.from(id).toString('base64url')}`,
      };
      state.users.set(spec.principalName.toLowerCase(), user);
      org.members.set(spec.principalName.toLowerCase(), {
        user,
        license: 'express',
        collectionAdmin: false,
        projects: new Map(Object.entries(spec.projects).map(([p, role]) => [p.toLowerCase(), role])),
        dateCreated: state.now(),
      });
      for (const pat of spec.pats) {
        state.pats.set(pat.value, {
          value: pat.value,
          user,
          scopes: pat.scopes === 'full' ? 'full' : new Set(pat.scopes),
          expiresAt: undefined,
          organizations: 'all',
        });
      }
    },
  };

  function pushResource(
    org: AdoOrganization,
    repo: AdoRepo,
    refName: string,
    files: Readonly<Record<string, string>>,
  ) {
    const before = repo.refs.get(refName);
    const base = before ?? repo.refs.get(repo.defaultBranch);
    const parent = base ? repo.commits.get(base) : undefined;
    const tree = new Map(parent?.files ?? []);
    // The twin keeps item paths as Azure DevOps shows them, from the root: `/src/app.ts`.
    for (const [path, content] of Object.entries(files)) tree.set(`/${path}`, content);
    const commit = state.commit(repo, base, `Update ${refName.slice('refs/heads/'.length)}`, tree);
    repo.refs.set(refName, commit.id);
    recordPush(repo, refName, state.now());
    const pusher = [...org.members.values()][0]?.user;
    const repository = repoJson(origin(), repo);
    const date = state.now();
    return {
      commits: [
        {
          commitId: commit.id,
          author: pusher ? { name: pusher.displayName, email: pusher.principalName, date } : undefined,
          committer: pusher ? { name: pusher.displayName, email: pusher.principalName, date } : undefined,
          comment: commit.comment,
          url: `${repository.url}/commits/${commit.id}`,
        },
      ],
      refUpdates: [{ name: refName, oldObjectId: before ?? zeroId, newObjectId: commit.id }],
      repository,
      pushedBy: pusher ? identityRef(origin(), pusher) : undefined,
      pushId: repo.commits.size,
      date,
      url: `${repository.url}/pushes/${repo.commits.size}`,
    };
  }
}
