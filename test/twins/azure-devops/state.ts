import { createHash } from 'node:crypto';
import { addGroups } from './groups.js';
import { addIteration } from './iterations.js';
import type { AdoPipeline, AdoVariableGroup } from './pipeline-types.js';
import type {
  AzureDevOpsMemberSpec,
  AzureDevOpsProjectSpec,
  AzureDevOpsRepositorySpec,
  AzureDevOpsScenario,
} from './scenario.js';

export interface AdoUser {
  readonly id: string;
  readonly principalName: string;
  readonly displayName: string;
  readonly descriptor: string;
}

export interface AdoPat {
  readonly value: string;
  readonly user: AdoUser;
  readonly scopes: ReadonlySet<string> | 'full';
  readonly expiresAt: Date | undefined;
  readonly organizations: 'all' | readonly string[];
}

export interface AdoComment {
  readonly id: number;
  readonly parentCommentId: number;
  readonly author: AdoUser;
  content: string;
  readonly commentType: string;
  readonly publishedDate: string;
  lastUpdatedDate: string;
  /** Deleting a comment keeps it in its thread, marked deleted. */
  isDeleted: boolean;
}

export interface AdoThread {
  readonly id: number;
  status: string;
  readonly threadContext: Record<string, unknown> | undefined;
  readonly pullRequestThreadContext: Record<string, unknown> | undefined;
  readonly comments: AdoComment[];
  readonly publishedDate: string;
  lastUpdatedDate: string;
  properties: Record<string, unknown> | undefined;
}

export interface AdoPullRequest {
  readonly id: number;
  readonly repo: AdoRepo;
  title: string;
  description: string;
  readonly sourceRefName: string;
  readonly targetRefName: string;
  readonly createdBy: AdoUser;
  readonly creationDate: string;
  status: 'active' | 'completed' | 'abandoned';
  readonly isDraft: boolean;
  readonly threads: AdoThread[];
  /** One per push to the source branch, the first when the pull request is created. */
  readonly iterations: AdoIteration[];
  readonly statuses: AdoPullRequestStatus[];
  closedDate: string | undefined;
  /** The commit that completed the pull request into its target. */
  mergeCommit: string | undefined;
  /** Path → `changeTrackingId`: a file keeps its id across iterations. */
  readonly changeTrackingIds: Map<string, number>;
}

/** `GitPullRequestIteration`: the source and target commits of one push, and their common commit. */
export interface AdoIteration {
  readonly id: number;
  readonly sourceCommit: string;
  readonly targetCommit: string;
  readonly commonCommit: string;
  readonly reason: 'create' | 'push';
  readonly createdDate: string;
}

/** `GitPullRequestStatus`: statuses accumulate; ids are unique within the pull request. */
export interface AdoPullRequestStatus {
  readonly id: number;
  readonly iterationId: number | undefined;
  readonly state: string;
  readonly description: string;
  readonly context: { readonly name: string; readonly genre: string | undefined };
  readonly targetUrl: string | undefined;
  readonly createdBy: AdoUser;
  readonly creationDate: string;
}

export interface AdoCommitSnapshot {
  readonly id: string;
  readonly parents: readonly string[];
  readonly comment: string;
  readonly files: ReadonlyMap<string, string>;
}

export interface AdoRepo {
  readonly id: string;
  name: string;
  readonly project: AdoProject;
  readonly defaultBranch: string;
  isDisabled: boolean;
  /** Ref name (`refs/heads/main`) → commit id. */
  readonly refs: Map<string, string>;
  readonly commits: Map<string, AdoCommitSnapshot>;
  readonly pullRequests: Map<number, AdoPullRequest>;
  /** Created as a fork (`isFork`). */
  readonly isFork: boolean;
  /** Branches (`refs/heads/…`) whose policies require a pull request: a direct push is refused (TF402455). */
  readonly policyRefs: Set<string>;
  /** Ref → files another client pushes just before the next push to that ref arrives (a lost race). */
  readonly racedPushes: Map<string, Readonly<Record<string, string>>>;
}

export interface AdoProject {
  readonly id: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly visibility: 'private' | 'public';
  readonly org: AdoOrganization;
  /** Explicit repositories by lower-cased name, plus generated ones once used. */
  readonly repos: Map<string, AdoRepo>;
  readonly explicitRepoNames: string[];
  readonly generatedRepoCount: number;
  /** YAML pipelines (build definitions) of the project. */
  readonly pipelines: AdoPipeline[];
}

export interface AdoMember {
  readonly user: AdoUser;
  readonly license: string;
  /** Member of Project Collection Administrators, directly or through nested groups. */
  collectionAdmin: boolean;
  readonly projects: ReadonlyMap<string, string>;
  readonly dateCreated: string;
}

/** An Azure DevOps group of the organization (collection) or of one project. */
export interface AdoGroup {
  /** `vssgp.…` subject descriptor. */
  readonly descriptor: string;
  readonly displayName: string;
  /** `[{org}]\{name}` for collection groups, `[{project}]\{name}` for project groups. */
  readonly principalName: string;
  readonly description: string;
  readonly originId: string;
  /** `vstfs:///Framework/IdentityDomain/{org id}` or `vstfs:///Classification/TeamProject/{project id}`. */
  readonly domain: string;
  /** Descriptors of the direct members, users and groups. */
  readonly members: Set<string>;
  /** The access level of the group's licensing rule (`accountLicenseType`), when the group has one. */
  readonly licenseRule: string | undefined;
}

export interface AdoHook {
  readonly id: string;
  publisherId: string;
  eventType: string;
  resourceVersion: string;
  consumerId: string;
  consumerActionId: string;
  publisherInputs: Record<string, string>;
  consumerInputs: Record<string, string>;
  readonly createdBy: AdoUser | undefined;
  readonly createdDate: string;
  modifiedBy?: AdoUser | undefined;
  modifiedDate?: string;
}

export interface AdoOrganization {
  readonly id: string;
  readonly name: string;
  /** Explicit projects in order, then generated ones. */
  readonly projects: AdoProject[];
  readonly members: Map<string, AdoMember>;
  /** Project groups first, then the collection's, as the graph lists them. */
  readonly groups: AdoGroup[];
  readonly hooks: AdoHook[];
  nextPullRequestId: number;
  /** Variable groups belong to the organization and are shared into projects. */
  readonly variableGroups: AdoVariableGroup[];
  nextVariableGroupId: number;
  nextPipelineId: number;
}

/** The twin's live state: seeded from the scenario, changed by the API, readable by tests. */
export interface AzureDevOpsState {
  readonly users: Map<string, AdoUser>;
  readonly pats: Map<string, AdoPat>;
  /** By lower-cased name. */
  readonly organizations: Map<string, AdoOrganization>;
  readonly badCredentialAnswer: 'by-header' | '203' | '401';
  readonly unknownOrganizationStatus: 404 | 401;
  /** The Microsoft Entra tenant every user signs in with. */
  readonly tenantId: string;
  /** Graph list answers (users, groups) per page; the service does not document its page size. */
  readonly graphPageSize: number;
  repoCount(project: AdoProject): number;
  repoAt(project: AdoProject, index: number): AdoRepo;
  /** By name (case-insensitive) or id within a project; generated repositories are stored once found. */
  findRepo(project: AdoProject, nameOrId: string): AdoRepo | undefined;
  /** By id anywhere in the organization. */
  findRepoById(org: AdoOrganization, id: string): AdoRepo | undefined;
  findProject(org: AdoOrganization, nameOrId: string): AdoProject | undefined;
  /** Creates an empty-but-initialized repository (one commit on `refs/heads/main`) after start. */
  addRepo(project: AdoProject, name: string): AdoRepo;
  /** Renames a repository, keeping its id. */
  renameRepo(repo: AdoRepo, name: string): void;
  /** Deletes a repository for good. */
  removeRepo(repo: AdoRepo): void;
  commit(
    repo: AdoRepo,
    parent: string | undefined,
    comment: string,
    files: ReadonlyMap<string, string>,
  ): AdoCommitSnapshot;
  now(): string;
}

const hex = (seed: string, length = 40) => createHash('sha1').update(seed).digest('hex').slice(0, length);
/** A stable GUID-shaped id derived from a seed. */
export const guid = (seed: string) => {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
const generatedRepoId = (project: AdoProject, index: number) =>
  `${project.id.slice(0, 24)}${String(index).padStart(12, '0')}`;
const generatedRepoName = (index: number) => `repo-${String(index + 1).padStart(5, '0')}`;
export const zeroId = '0'.repeat(40);

/** Builds the state; throws on a scenario that names unknown users. */
export function createAzureDevOpsState(scenario: AzureDevOpsScenario): AzureDevOpsState {
  let clock = Date.parse('2026-01-05T09:00:00Z');
  const now = () => new Date((clock += 1000)).toISOString();

  const users = new Map<string, AdoUser>();
  for (const spec of scenario.users) {
    const id = spec.id ?? guid(`user:${spec.principalName}`);
    users.set(spec.principalName.toLowerCase(), {
      id,
      principalName: spec.principalName,
      displayName: spec.displayName ?? spec.principalName,
      descriptor: `aad.${Buffer.from(id).toString('base64url')}`,
    });
  }
  const userNamed = (name: string) => {
    const user = users.get(name.toLowerCase());
    if (!user) throw new Error(`scenario: unknown user ${name}`);
    return user;
  };

  const commit = (
    repo: AdoRepo,
    parent: string | undefined,
    comment: string,
    files: ReadonlyMap<string, string>,
    id?: string,
  ) => {
    const snapshot: AdoCommitSnapshot = {
      id: id ?? hex(`${repo.id}:${parent ?? ''}:${comment}:${repo.commits.size}`),
      parents: parent ? [parent] : [],
      comment,
      files,
    };
    repo.commits.set(snapshot.id, snapshot);
    return snapshot;
  };

  const makeRepo = (project: AdoProject, spec: AzureDevOpsRepositorySpec, id: string): AdoRepo => {
    const repo: AdoRepo = {
      id,
      name: spec.name,
      project,
      defaultBranch: spec.defaultBranch ?? 'refs/heads/main',
      isDisabled: spec.isDisabled ?? false,
      refs: new Map(),
      commits: new Map(),
      pullRequests: new Map(),
      isFork: spec.isFork ?? false,
      policyRefs: new Set(spec.policyBranches ?? []),
      racedPushes: new Map(),
    };
    // An empty repository has no commit and no ref until its first push.
    if (spec.empty === true) return repo;
    const files = new Map(
      Object.entries(spec.files ?? {}).map(([p, c]) => [p.startsWith('/') ? p : `/${p}`, c]),
    );
    const initial = commit(repo, undefined, 'Initial commit', files, id.replace(/-/g, '').padEnd(40, '0'));
    repo.refs.set(repo.defaultBranch, initial.id);
    for (const branch of spec.branches ?? []) {
      repo.refs.set(branch, commit(repo, initial.id, `Work on ${branch}`, files).id);
    }
    return repo;
  };
  const generatedRepo = (project: AdoProject, index: number) =>
    makeRepo(project, { name: generatedRepoName(index) }, generatedRepoId(project, index));

  const organizations = new Map<string, AdoOrganization>();
  for (const orgSpec of scenario.organizations) {
    const org: AdoOrganization = {
      id: orgSpec.id ?? guid(`org:${orgSpec.name}`),
      name: orgSpec.name,
      projects: [],
      members: new Map(),
      groups: [],
      hooks: [],
      nextPullRequestId: 1,
      variableGroups: [],
      nextVariableGroupId: 1,
      nextPipelineId: 1,
    };
    organizations.set(org.name.toLowerCase(), org);
    const addProject = (spec: AzureDevOpsProjectSpec) => {
      const project: AdoProject = {
        id: spec.id ?? guid(`project:${org.name}/${spec.name}`),
        name: spec.name,
        description: spec.description,
        visibility: spec.visibility ?? 'private',
        org,
        repos: new Map(),
        explicitRepoNames: [],
        generatedRepoCount: spec.generatedRepositoryCount ?? 0,
        pipelines: [],
      };
      org.projects.push(project);
      for (const repoSpec of spec.repositories ?? []) {
        const repo = makeRepo(
          project,
          repoSpec,
          repoSpec.id ?? guid(`repo:${org.name}/${spec.name}/${repoSpec.name}`),
        );
        project.repos.set(repo.name.toLowerCase(), repo);
        project.explicitRepoNames.push(repo.name.toLowerCase());
        for (const prSpec of repoSpec.pullRequests ?? []) {
          const pr: AdoPullRequest = {
            id: org.nextPullRequestId++,
            repo,
            title: prSpec.title,
            description: prSpec.description ?? '',
            sourceRefName: prSpec.sourceRefName,
            targetRefName: prSpec.targetRefName ?? repo.defaultBranch,
            createdBy: userNamed(prSpec.createdBy),
            creationDate: now(),
            status: prSpec.status ?? 'active',
            isDraft: prSpec.isDraft ?? false,
            threads: [],
            iterations: [],
            statuses: [],
            closedDate: undefined,
            mergeCommit: undefined,
            changeTrackingIds: new Map(),
          };
          addIteration(pr, 'create', now());
          prSpec.threads?.forEach((t, index) => {
            const at = now();
            pr.threads.push({
              id: index + 1,
              status: t.status ?? 'active',
              threadContext: t.threadContext ? { ...t.threadContext } : undefined,
              pullRequestThreadContext: undefined,
              publishedDate: at,
              lastUpdatedDate: at,
              properties: undefined,
              comments: t.comments.map((c, i) => ({
                id: i + 1,
                parentCommentId: i === 0 ? 0 : 1,
                author: userNamed(c.author),
                content: c.content,
                commentType: 'text',
                publishedDate: at,
                lastUpdatedDate: at,
                isDeleted: false,
              })),
            });
          });
          repo.pullRequests.set(pr.id, pr);
        }
      }
    };
    orgSpec.projects.forEach(addProject);
    for (let i = 0; i < (orgSpec.generatedProjectCount ?? 0); i++) {
      addProject({ name: `project-${String(i + 1).padStart(4, '0')}` });
    }
    for (const m of orgSpec.members as readonly AzureDevOpsMemberSpec[]) {
      const user = userNamed(m.user);
      org.members.set(user.principalName.toLowerCase(), {
        user,
        license: m.license ?? 'express',
        collectionAdmin: false,
        projects: new Map(Object.entries(m.projects ?? {}).map(([name, role]) => [name.toLowerCase(), role])),
        dateCreated: '2025-03-01T10:00:00Z',
      });
    }
    addGroups(org, orgSpec);
    for (const hook of orgSpec.hookSubscriptions ?? []) {
      org.hooks.push({
        id: guid(`hook:${org.name}:${org.hooks.length}`),
        publisherId: 'tfs',
        eventType: hook.eventType,
        resourceVersion: '1.0',
        consumerId: 'webHooks',
        consumerActionId: 'httpRequest',
        publisherInputs: hook.projectId ? { projectId: hook.projectId } : {},
        consumerInputs: { url: hook.url, ...(hook.httpHeaders ? { httpHeaders: hook.httpHeaders } : {}) },
        createdBy: undefined,
        createdDate: now(),
      });
    }
  }

  const pats = new Map<string, AdoPat>();
  for (const spec of scenario.pats) {
    pats.set(spec.value, {
      value: spec.value,
      user: userNamed(spec.user),
      scopes: spec.scopes === 'full' ? 'full' : new Set(spec.scopes),
      expiresAt: spec.expiresAt ? new Date(spec.expiresAt) : undefined,
      organizations:
        spec.organizations === undefined || spec.organizations === 'all'
          ? 'all'
          : spec.organizations.map((o) => o.toLowerCase()),
    });
  }

  const state: AzureDevOpsState = {
    users,
    pats,
    organizations,
    badCredentialAnswer: scenario.badCredentialAnswer ?? 'by-header',
    unknownOrganizationStatus: scenario.unknownOrganizationStatus ?? 404,
    tenantId: guid('tenant'),
    graphPageSize: scenario.graphPageSize ?? 500,
    repoCount: (project) => project.explicitRepoNames.length + project.generatedRepoCount,
    repoAt(project, index) {
      if (index < project.explicitRepoNames.length)
        return project.repos.get(project.explicitRepoNames[index]!)!;
      const generated = index - project.explicitRepoNames.length;
      return project.repos.get(generatedRepoName(generated)) ?? generatedRepo(project, generated);
    },
    findRepo(project, nameOrId) {
      const key = nameOrId.toLowerCase();
      const byName = project.repos.get(key) ?? [...project.repos.values()].find((r) => r.id === key);
      if (byName) return byName;
      let index = -1;
      const byGeneratedName = /^repo-(\d{5})$/.exec(key);
      if (byGeneratedName) index = Number(byGeneratedName[1]) - 1;
      else if (key.startsWith(project.id.slice(0, 24))) index = Number(key.slice(24));
      if (!(index >= 0 && index < project.generatedRepoCount)) return undefined;
      const repo = generatedRepo(project, index);
      project.repos.set(repo.name, repo);
      return repo;
    },
    findRepoById(org, id) {
      for (const project of org.projects) {
        const repo = state.findRepo(project, id);
        if (repo && repo.id === id.toLowerCase()) return repo;
      }
      return undefined;
    },
    findProject(org, nameOrId) {
      const key = nameOrId.toLowerCase();
      return org.projects.find((p) => p.name.toLowerCase() === key || p.id === key);
    },
    addRepo(project, name) {
      const repo = makeRepo(
        project,
        { name },
        guid(`repo:${project.org.name}/${project.name}/${name}:${now()}`),
      );
      project.repos.set(name.toLowerCase(), repo);
      project.explicitRepoNames.push(name.toLowerCase());
      return repo;
    },
    renameRepo(repo, name) {
      const { project } = repo;
      const old = repo.name.toLowerCase();
      project.repos.delete(old);
      repo.name = name;
      project.repos.set(name.toLowerCase(), repo);
      const at = project.explicitRepoNames.indexOf(old);
      if (at >= 0) project.explicitRepoNames[at] = name.toLowerCase();
    },
    removeRepo(repo) {
      const { project } = repo;
      const key = repo.name.toLowerCase();
      project.repos.delete(key);
      const at = project.explicitRepoNames.indexOf(key);
      if (at >= 0) project.explicitRepoNames.splice(at, 1);
    },
    commit,
    now,
  };
  return state;
}
