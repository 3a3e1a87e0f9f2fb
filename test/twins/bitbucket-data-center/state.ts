import { createHash } from 'node:crypto';
import type {
  BitbucketAnchorSpec,
  BitbucketDataCenterScenario,
  BitbucketPermission,
  BitbucketProjectSpec,
  BitbucketRepositorySpec,
  BitbucketTokenScope,
} from './scenario.js';

export interface BbUser {
  readonly id: number;
  readonly name: string;
  readonly displayName: string;
  readonly email: string | undefined;
  readonly sysAdmin: boolean;
  readonly active: boolean;
  /** `SERVICE` for the hidden user behind a project or repository token. */
  readonly type: 'NORMAL' | 'SERVICE';
}

export interface BbToken {
  readonly id: string;
  readonly value: string;
  name: string;
  readonly scope: BitbucketTokenScope;
  permissions: BitbucketPermission[];
  readonly expiresAt: Date | undefined;
  readonly createdAt: Date;
  lastAuthenticated: Date | undefined;
  /** The acting user: the owner of a personal token, a service user for project and repository tokens. */
  readonly user: BbUser;
}

export interface BbCommit {
  readonly id: string;
  readonly message: string;
  readonly author: BbUser;
  readonly parents: readonly string[];
  readonly timestamp: number;
}

export interface BbBranch {
  readonly name: string;
  head: string;
  readonly files: Map<string, string>;
}

export interface BbComment {
  readonly id: number;
  version: number;
  text: string;
  readonly author: BbUser;
  readonly anchor: BitbucketAnchorSpec | undefined;
  readonly parentId: number | undefined;
  readonly severity: 'NORMAL' | 'BLOCKER';
  readonly createdDate: number;
  updatedDate: number;
  /** Roots only: whether the thread was marked resolved, by whom and when. */
  threadResolved: { readonly by: BbUser; readonly at: number } | undefined;
}

/** A build status (`RestBuildStatus`) of a commit; one per key. */
export interface BbBuildStatus {
  readonly key: string;
  readonly state: 'INPROGRESS' | 'SUCCESSFUL' | 'FAILED' | 'CANCELLED' | 'UNKNOWN';
  readonly name: string | undefined;
  readonly url: string;
  readonly description: string | undefined;
  readonly createdDate: number;
  readonly updatedDate: number;
}

export interface BbPullRequest {
  readonly id: number;
  version: number;
  title: string;
  description: string | undefined;
  readonly fromBranch: string;
  readonly toBranch: string;
  /** The target branch's head when the pull request was opened: what its diff is computed against. */
  readonly baseCommit: string;
  readonly author: BbUser;
  state: 'OPEN' | 'MERGED' | 'DECLINED';
  closedDate: number | undefined;
  readonly createdDate: number;
  updatedDate: number;
  readonly comments: BbComment[];
}

export interface BbWebhook {
  readonly id: number;
  name: string;
  url: string;
  events: string[];
  active: boolean;
  configuration: Record<string, string>;
  sslVerificationRequired: boolean;
  readonly scopeType: 'project' | 'repository';
  readonly createdDate: number;
  updatedDate: number;
}

export interface BbRepo {
  readonly id: number;
  slug: string;
  name: string;
  readonly description: string | undefined;
  readonly project: BbProject;
  /** The configured default branch; it exists in `branches` once pushed. */
  defaultBranch: string;
  archived: boolean;
  readonly public: boolean;
  readonly branches: Map<string, BbBranch>;
  /** Every commit's files (commit id → path → content), so that a file can be read at any commit. */
  readonly trees: Map<string, ReadonlyMap<string, string>>;
  readonly pullRequests: Map<number, BbPullRequest>;
  readonly webhooks: BbWebhook[];
  /** Build statuses by commit id, then by key. */
  readonly builds: Map<string, Map<string, BbBuildStatus>>;
}

export interface BbProject {
  readonly id: number;
  readonly key: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly public: boolean;
  readonly members: Map<string, BitbucketPermission>;
  readonly groups: Map<string, BitbucketPermission>;
  /** Explicit repositories in listing order, and generated ones once written to. */
  readonly repos: Map<string, BbRepo>;
  readonly explicitSlugs: string[];
  readonly generatedCount: number;
  readonly webhooks: BbWebhook[];
}

/** What the server's release serves, by the version `application-properties` reports. */
export interface BbFeatures {
  /** `…/repos/{slug}/default-branch` (7.5: repositories got a configured default branch). */
  readonly configuredDefaultBranch: boolean;
  /** `archived` on `RestRepository` (8.0: repository archiving). */
  readonly archiving: boolean;
  /** `draft` on `RestPullRequest` (8.18: draft pull requests). */
  readonly draftPullRequests: boolean;
}

/** The twin's live state: seeded from the scenario, changed by the API, readable by tests. */
export interface BitbucketDataCenterState {
  readonly version: string;
  readonly features: BbFeatures;
  /** Which caller headers authenticated answers carry. */
  userHeaders: 'id-and-name' | 'name-only' | 'none';
  readonly buildNumber: string;
  readonly displayName: string;
  readonly contextPath: string;
  readonly users: Map<string, BbUser>;
  /** By token value. */
  readonly tokens: Map<string, BbToken>;
  readonly projects: Map<string, BbProject>;
  readonly commits: Map<string, BbCommit>;
  /** Number of repositories in a project's listing (explicit + generated). */
  repoCount(project: BbProject): number;
  /** The repository at listing position `index`; generated ones are built on the fly unless stored. */
  repoAt(project: BbProject, index: number): BbRepo;
  /** Finds a repository by slug; a generated one is stored from then on so writes stick. */
  findRepo(project: BbProject, slug: string): BbRepo | undefined;
  /** A user by slug: a person of the scenario or the service user behind a project or repository token. */
  findUser(slug: string): BbUser | undefined;
  /** Adds a repository at the end of the project's listing, as creating it in Data Center would. */
  addRepository(project: BbProject, spec: BitbucketRepositorySpec): BbRepo;
  /** Gives a repository a new slug (and name), keeping its place in the listing. */
  renameRepository(repo: BbRepo, slug: string, name: string): void;
  removeRepository(repo: BbRepo): void;
  /** Commits `files` on `branch` of `repo` (`null` deletes a file), keeping the files at the new commit in `repo.trees`. */
  commit(
    repo: BbRepo,
    branch: BbBranch,
    author: BbUser,
    message: string,
    files: Readonly<Record<string, string | null>>,
  ): BbCommit;
  nextId(kind: 'project' | 'repo' | 'user' | 'comment' | 'webhook' | 'token'): number;
  now(): number;
}

const generatedSlug = (index: number) => `repo-${String(index + 1).padStart(5, '0')}`;
const sha = (seed: string) => createHash('sha1').update(seed).digest('hex');

/** `major.minor` of `version` is at least `major.minor` of `since`. */
function versionAtLeast(version: string, since: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const [sinceMajor = 0, sinceMinor = 0] = since.split('.').map(Number);
  return major > sinceMajor || (major === sinceMajor && minor >= sinceMinor);
}

/** Builds the state from a scenario; throws on a scenario that refers to unknown users or projects. */
export function createBitbucketDataCenterState(
  scenario: BitbucketDataCenterScenario,
): BitbucketDataCenterState {
  const counters = { project: 0, repo: 0, user: 0, comment: 0, webhook: 0, token: 0 };
  const nextId = (kind: keyof typeof counters) => (counters[kind] += 1);
  let clock = Date.parse('2026-01-05T09:00:00Z');
  const now = () => (clock += 1000);

  const users = new Map<string, BbUser>();
  for (const spec of scenario.users) {
    users.set(spec.name, {
      id: nextId('user'),
      name: spec.name,
      displayName: spec.displayName ?? spec.name,
      email: spec.email,
      sysAdmin: spec.sysAdmin ?? false,
      active: spec.active ?? true,
      type: 'NORMAL',
    });
  }
  const userNamed = (name: string): BbUser => {
    const user = users.get(name);
    if (!user) throw new Error(`scenario: unknown user ${name}`);
    return user;
  };
  const systemUser: BbUser = {
    id: 0,
    name: 'system',
    displayName: 'System',
    email: undefined,
    sysAdmin: false,
    active: true,
    type: 'SERVICE',
  };

  const commits = new Map<string, BbCommit>();
  const commit = (
    repo: BbRepo,
    branch: BbBranch,
    author: BbUser,
    message: string,
    files: Readonly<Record<string, string | null>>,
  ) => {
    for (const [path, content] of Object.entries(files)) {
      if (content === null) branch.files.delete(path);
      else branch.files.set(path, content);
    }
    const created: BbCommit = {
      id: sha(`${branch.head}:${message}:${commits.size}`),
      message,
      author,
      parents: branch.head ? [branch.head] : [],
      timestamp: now(),
    };
    commits.set(created.id, created);
    repo.trees.set(created.id, new Map(branch.files));
    branch.head = created.id;
    return created;
  };

  const makeRepo = (project: BbProject, spec: BitbucketRepositorySpec, id: number): BbRepo => {
    const defaultBranch = spec.defaultBranch ?? 'main';
    const main: BbBranch = {
      name: defaultBranch,
      head: sha(`${project.key}/${spec.slug}`),
      files: new Map(),
    };
    for (const [path, content] of Object.entries(spec.files ?? {})) main.files.set(path, content);
    const branches = new Map<string, BbBranch>(spec.empty ? [] : [[defaultBranch, main]]);
    for (const name of spec.empty ? [] : (spec.branches ?? [])) {
      branches.set(name, {
        name,
        head: sha(`${project.key}/${spec.slug}@${name}`),
        files: new Map(main.files),
      });
    }
    const trees = new Map([...branches.values()].map((b) => [b.head, new Map(b.files)] as const));
    return {
      id,
      slug: spec.slug,
      name: spec.name ?? spec.slug,
      description: spec.description,
      project,
      defaultBranch,
      archived: spec.archived ?? false,
      public: spec.public ?? project.public,
      branches,
      trees,
      pullRequests: new Map(),
      webhooks: [],
      builds: new Map(),
    };
  };

  const generatedRepo = (project: BbProject, index: number): BbRepo =>
    makeRepo(
      project,
      { slug: generatedSlug(index), name: `Repo ${String(index + 1).padStart(5, '0')}` },
      1_000_000 + project.id * 100_000 + index,
    );

  const projects = new Map<string, BbProject>();
  const seedProject = (spec: BitbucketProjectSpec) => {
    const project: BbProject = {
      id: spec.id ?? nextId('project'),
      key: spec.key,
      name: spec.name ?? spec.key,
      description: spec.description,
      public: spec.public ?? false,
      members: new Map((spec.members ?? []).map((m) => [userNamed(m.user).name, m.permission])),
      groups: new Map((spec.groups ?? []).map((g) => [g.group, g.permission])),
      repos: new Map(),
      explicitSlugs: [],
      generatedCount: spec.generatedRepositoryCount ?? 0,
      webhooks: [],
    };
    projects.set(project.key, project);
    for (const repoSpec of spec.repositories ?? []) {
      const repo = makeRepo(project, repoSpec, nextId('repo'));
      project.repos.set(repo.slug, repo);
      project.explicitSlugs.push(repo.slug);
      let prId = 0;
      for (const pr of repoSpec.pullRequests ?? []) {
        prId += 1;
        const created = now();
        const stored: BbPullRequest = {
          id: prId,
          version: 0,
          title: pr.title,
          description: pr.description,
          fromBranch: pr.fromBranch,
          toBranch: pr.toBranch ?? repo.defaultBranch,
          baseCommit: repo.branches.get(pr.toBranch ?? repo.defaultBranch)?.head ?? '',
          closedDate: undefined,
          author: userNamed(pr.author),
          state: pr.state ?? 'OPEN',
          createdDate: created,
          updatedDate: created,
          comments: [],
        };
        for (const c of pr.comments ?? []) {
          const at = now();
          stored.comments.push({
            id: nextId('comment'),
            version: 0,
            text: c.text,
            author: userNamed(c.author),
            anchor: c.anchor,
            parentId: undefined,
            severity: 'NORMAL',
            createdDate: at,
            updatedDate: at,
            threadResolved: undefined,
          });
        }
        repo.pullRequests.set(prId, stored);
      }
    }
    for (const hook of spec.webhooks ?? []) {
      const at = now();
      project.webhooks.push({
        id: nextId('webhook'),
        name: hook.name,
        url: hook.url,
        events: [...hook.events],
        active: hook.active ?? true,
        configuration: hook.secret ? { secret: hook.secret } : {},
        sslVerificationRequired: true,
        scopeType: 'project',
        createdDate: at,
        updatedDate: at,
      });
    }
  };
  scenario.projects.forEach(seedProject);

  const tokens = new Map<string, BbToken>();
  for (const spec of scenario.tokens) {
    const id = String(100_000_000_000 + nextId('token'));
    const user =
      spec.scope.type === 'user'
        ? userNamed(spec.scope.user)
        : {
            ...systemUser,
            id: 900_000 + Number(id.slice(-6)),
            name: `${spec.scope.type}-token-${id}`,
            displayName: spec.name ?? 'Access token',
          };
    tokens.set(spec.value, {
      id,
      value: spec.value,
      name: spec.name ?? `token ${id}`,
      scope: spec.scope,
      permissions: [...spec.permissions],
      expiresAt: spec.expiresAt ? new Date(spec.expiresAt) : undefined,
      createdAt: new Date(spec.createdAt ?? '2025-06-01T00:00:00Z'),
      lastAuthenticated: undefined,
      user,
    });
  }

  const version = scenario.version ?? '9.4.2';
  return {
    version,
    features: {
      configuredDefaultBranch: versionAtLeast(version, '7.5'),
      archiving: versionAtLeast(version, '8.0'),
      draftPullRequests: versionAtLeast(version, '8.18'),
    },
    userHeaders: scenario.userHeaders ?? 'id-and-name',
    buildNumber: scenario.buildNumber ?? '9004002',
    displayName: scenario.displayName ?? 'Bitbucket',
    contextPath: (scenario.contextPath ?? '').replace(/\/+$/, ''),
    users,
    tokens,
    projects,
    commits,
    repoCount: (project) => project.explicitSlugs.length + project.generatedCount,
    repoAt(project, index) {
      if (index < project.explicitSlugs.length) return project.repos.get(project.explicitSlugs[index]!)!;
      const generated = index - project.explicitSlugs.length;
      return project.repos.get(generatedSlug(generated)) ?? generatedRepo(project, generated);
    },
    findRepo(project, slug) {
      const stored = project.repos.get(slug);
      if (stored) return stored;
      const match = /^repo-(\d{5})$/.exec(slug);
      const index = match ? Number(match[1]) - 1 : -1;
      if (index < 0 || index >= project.generatedCount) return undefined;
      const repo = generatedRepo(project, index);
      project.repos.set(slug, repo);
      return repo;
    },
    findUser(slug) {
      return users.get(slug) ?? [...tokens.values()].find((token) => token.user.name === slug)?.user;
    },
    addRepository(project, spec) {
      if (project.repos.has(spec.slug)) throw new Error(`twin: ${project.key}/${spec.slug} exists`);
      const repo = makeRepo(project, spec, nextId('repo'));
      project.repos.set(repo.slug, repo);
      project.explicitSlugs.push(repo.slug);
      return repo;
    },
    renameRepository(repo, slug, name) {
      const { project } = repo;
      if (slug !== repo.slug && project.repos.has(slug))
        throw new Error(`twin: ${project.key}/${slug} exists`);
      const index = project.explicitSlugs.indexOf(repo.slug);
      if (index < 0) throw new Error('twin: only scenario and added repositories can be renamed');
      project.repos.delete(repo.slug);
      repo.slug = slug;
      repo.name = name;
      project.repos.set(slug, repo);
      project.explicitSlugs[index] = slug;
    },
    removeRepository(repo) {
      const { project } = repo;
      project.repos.delete(repo.slug);
      const index = project.explicitSlugs.indexOf(repo.slug);
      if (index >= 0) project.explicitSlugs.splice(index, 1);
    },
    commit,
    nextId,
    now,
  };
}
