import { createHash, randomUUID } from 'node:crypto';
import type {
  BitbucketAccessTokenSeed,
  BitbucketApiTokenScope,
  BitbucketApiTokenSeed,
  BitbucketCloudScenario,
  BitbucketRepositorySeed,
  BitbucketScope,
  BitbucketWorkspaceSeed,
} from './scenario.js';

/** Who wrote something: a user, or an access token acting as its own "user". */
export interface BitbucketActor {
  readonly uuid: string;
  readonly displayName: string;
  readonly accountId: string | null;
  readonly nickname: string | null;
}

export interface BitbucketUser extends BitbucketActor {
  readonly accountId: string;
  readonly email: string | undefined;
}

export interface BitbucketAccessToken {
  readonly value: string;
  readonly kind: 'workspace' | 'project' | 'repository';
  readonly workspace: string;
  readonly project: string | undefined;
  readonly repository: string | undefined;
  readonly scopes: readonly BitbucketScope[];
  expiresAt: string | undefined;
  revoked: boolean;
  readonly actor: BitbucketActor;
  requestsPerHour: number | undefined;
  window: { startedAt: number; count: number };
}

export interface BitbucketApiToken {
  readonly token: string;
  readonly user: BitbucketUser;
  readonly scopes: readonly BitbucketApiTokenScope[];
  expiresAt: string | undefined;
  revoked: boolean;
}

export interface BitbucketHook {
  readonly uuid: string;
  url: string;
  description: string;
  events: string[];
  active: boolean;
  secret: string | undefined;
  readonly subjectType: 'workspace' | 'repository';
  readonly createdAt: string;
}

export interface BitbucketCommentInline {
  readonly path: string;
  readonly to: number | null;
  readonly from: number | null;
  readonly startTo?: number | null;
}

export interface BitbucketComment {
  readonly id: number;
  raw: string;
  readonly author: BitbucketActor;
  readonly inline: BitbucketCommentInline | undefined;
  readonly parentId: number | undefined;
  deleted: boolean;
  /** Set while the comment's thread is resolved. */
  resolution: { readonly user: BitbucketActor; readonly createdOn: string } | undefined;
  readonly createdOn: string;
  updatedOn: string;
}

/** A build status (`commitstatus`) on a commit, one per key. */
export interface BitbucketBuildStatus {
  readonly key: string;
  state: 'FAILED' | 'INPROGRESS' | 'STOPPED' | 'SUCCESSFUL';
  name: string;
  url: string;
  description: string;
  refname: string | undefined;
  readonly createdOn: string;
  updatedOn: string;
}

/** A repository permission as Bitbucket names it. */
export type BitbucketRepositoryPermission = 'read' | 'write' | 'admin';

export interface BitbucketPullRequest {
  readonly id: number;
  title: string;
  description: string;
  readonly author: BitbucketActor;
  readonly source: string;
  readonly destination: string;
  state: 'OPEN' | 'MERGED' | 'DECLINED';
  /** The destination's head when the pull request was opened. */
  readonly baseHash: string | undefined;
  mergeCommit: string | undefined;
  closeSourceBranch: boolean;
  readonly comments: BitbucketComment[];
  readonly createdOn: string;
  updatedOn: string;
}

export interface BitbucketBranch {
  readonly name: string;
  hash: string;
  readonly files: Map<string, string>;
}

/** A branch restriction of kind `push` (`branchrestriction`): who may push to branches matching `pattern`. */
export interface BitbucketBranchRestriction {
  readonly pattern: string;
  readonly users: readonly string[];
}

/** A repository variable of Bitbucket Pipelines (`pipeline_variable`). */
export interface BitbucketPipelineVariable {
  readonly uuid: string;
  key: string;
  value: string;
  secured: boolean;
}

export interface BitbucketRepository {
  readonly uuid: string;
  slug: string;
  name: string;
  readonly workspace: BitbucketWorkspace;
  readonly projectKey: string;
  readonly isPrivate: boolean;
  mainbranch: string;
  readonly branches: Map<string, BitbucketBranch>;
  /** Every commit's files (hash → path → content), so that a file can be read at any commit. */
  readonly commits: Map<string, ReadonlyMap<string, string>>;
  /** Each commit's parent (null for a root), for merge bases. */
  readonly parents: Map<string, string | null>;
  /** Explicit user permissions by account id (workspace owners are admins of every repository). */
  readonly permissions: Map<string, BitbucketRepositoryPermission>;
  /** Build statuses by full commit hash, then key. */
  readonly statuses: Map<string, Map<string, BitbucketBuildStatus>>;
  readonly pullRequests: Map<number, BitbucketPullRequest>;
  readonly hooks: BitbucketHook[];
  readonly createdOn: string;
  /** `workspace/slug` of the repository this one was forked from. */
  readonly parent: string | undefined;
  readonly restrictions: BitbucketBranchRestriction[];
  /** Pipelines' configuration; undefined until first configured. */
  pipelines: { enabled: boolean } | undefined;
  readonly variables: BitbucketPipelineVariable[];
}

export interface BitbucketWorkspace {
  readonly uuid: string;
  readonly slug: string;
  readonly name: string;
  readonly projects: Map<string, { key: string; uuid: string; name: string }>;
  readonly members: Map<string, 'owner' | 'collaborator' | 'member'>;
  readonly repositories: Map<string, BitbucketRepository>;
  readonly hooks: BitbucketHook[];
}

const braced = () => `{${randomUUID()}}`;

/** A branch restriction's glob: `*` matches any run of characters (`/` included), everything else itself. */
export function globMatches(pattern: string, name: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(name);
}

export const hashOf = (seed: string) => createHash('sha1').update(seed).digest('hex');

/** The twin's mutable world, seeded from a scenario. */
export class BitbucketState {
  readonly users = new Map<string, BitbucketUser>();
  readonly workspaces = new Map<string, BitbucketWorkspace>();
  readonly accessTokens = new Map<string, BitbucketAccessToken>();
  /** Keyed by `email:token`. */
  readonly apiTokens = new Map<string, BitbucketApiToken>();
  private nextId = 100;
  private commits = 0;

  constructor(scenario: BitbucketCloudScenario) {
    for (const user of scenario.users) {
      this.users.set(user.accountId, {
        uuid: braced(),
        accountId: user.accountId,
        displayName: user.displayName,
        nickname: user.nickname ?? null,
        email: user.email,
      });
    }
    for (const workspace of scenario.workspaces) this.seedWorkspace(workspace);
    for (const token of scenario.accessTokens) this.addAccessToken(token);
    for (const seed of scenario.apiTokens ?? []) this.addApiToken(seed);
  }

  /** Adds a user after start (a person who joins the workspace later). */
  addUser(seed: {
    accountId: string;
    displayName: string;
    nickname?: string;
    email?: string;
  }): BitbucketUser {
    const user: BitbucketUser = {
      uuid: braced(),
      accountId: seed.accountId,
      displayName: seed.displayName,
      nickname: seed.nickname ?? null,
      email: seed.email,
    };
    this.users.set(seed.accountId, user);
    return user;
  }

  /** A user's effective permission on a repository: workspace owners administer every one. */
  permissionOf(repo: BitbucketRepository, accountId: string): BitbucketRepositoryPermission | undefined {
    if (repo.workspace.members.get(accountId) === 'owner') return 'admin';
    return repo.permissions.get(accountId);
  }

  /** The nearest common ancestor of two commits (git's merge base), when they have one. */
  mergeBase(repo: BitbucketRepository, a: string, b: string): string | undefined {
    const ancestors = new Set<string>();
    for (let at: string | null | undefined = a; at; at = repo.parents.get(at)) ancestors.add(at);
    for (let at: string | null | undefined = b; at; at = repo.parents.get(at))
      if (ancestors.has(at)) return at;
    return undefined;
  }

  /**
   * Whether a push restriction keeps `actor` from pushing to `branch`: a restriction whose glob matches it and
   * that does not name the actor's account among its exempt users.
   */
  pushRefused(repo: BitbucketRepository, branch: string, actor: BitbucketActor): string | undefined {
    const refusing = repo.restrictions.find(
      (r) => globMatches(r.pattern, branch) && !(actor.accountId && r.users.includes(actor.accountId)),
    );
    return refusing?.pattern;
  }

  newId(): number {
    this.nextId += 1;
    return this.nextId;
  }

  /** An Atlassian API token of the scenario user with `seed.email`. */
  addApiToken(seed: BitbucketApiTokenSeed): BitbucketApiToken {
    const user = [...this.users.values()].find((u) => u.email === seed.email);
    if (!user) throw new Error(`Bitbucket scenario: no user with email ${seed.email}`);
    const token: BitbucketApiToken = {
      token: seed.token,
      user,
      scopes: seed.scopes,
      expiresAt: seed.expiresAt,
      revoked: seed.revoked ?? false,
    };
    this.apiTokens.set(`${seed.email}:${seed.token}`, token);
    return token;
  }

  addAccessToken(seed: BitbucketAccessTokenSeed): BitbucketAccessToken {
    const token: BitbucketAccessToken = {
      value: seed.value,
      kind: seed.kind,
      workspace: seed.workspace,
      project: seed.project,
      repository: seed.repository,
      scopes: seed.scopes,
      expiresAt: seed.expiresAt,
      revoked: seed.revoked ?? false,
      actor: { uuid: braced(), displayName: seed.name ?? 'Access token', accountId: null, nickname: null },
      requestsPerHour: seed.requestsPerHour,
      window: { startedAt: 0, count: 0 },
    };
    this.accessTokens.set(seed.value, token);
    return token;
  }

  /** A workspace by slug or `{uuid}`. */
  workspace(idOrSlug: string): BitbucketWorkspace | undefined {
    const bySlug = this.workspaces.get(idOrSlug.toLowerCase());
    if (bySlug) return bySlug;
    for (const workspace of this.workspaces.values()) if (workspace.uuid === idOrSlug) return workspace;
    return undefined;
  }

  /** Records a commit on `branch` (created from `start` when new). */
  commit(
    repo: BitbucketRepository,
    branchName: string,
    change: (files: Map<string, string>) => void,
    start?: BitbucketBranch,
  ) {
    const existing = repo.branches.get(branchName);
    const files = new Map((existing ?? start)?.files ?? []);
    change(files);
    this.commits += 1;
    const hash = hashOf(`${repo.uuid}:${this.commits}:${branchName}`);
    repo.commits.set(hash, new Map(files));
    repo.parents.set(hash, (existing ?? start)?.hash ?? null);
    if (existing) {
      existing.hash = hash;
      existing.files.clear();
      for (const [path, content] of files) existing.files.set(path, content);
    } else {
      repo.branches.set(branchName, { name: branchName, hash, files });
    }
    return hash;
  }

  /**
   * The files at `commit`: a branch name, or a commit hash (or a prefix of one of at least 7 characters);
   * `undefined` for one the repository does not have.
   */
  filesAt(
    repo: BitbucketRepository,
    commit: string,
  ): { hash: string; files: ReadonlyMap<string, string> } | undefined {
    const branch = repo.branches.get(commit);
    if (branch) return { hash: branch.hash, files: branch.files };
    if (!/^[0-9a-f]{7,40}$/i.test(commit)) return undefined;
    for (const [hash, files] of repo.commits) {
      if (hash.startsWith(commit.toLowerCase())) return { hash, files };
    }
    return undefined;
  }

  openPullRequest(
    repo: BitbucketRepository,
    input: {
      id?: number;
      title: string;
      description?: string;
      author: BitbucketActor;
      source: string;
      destination: string;
    },
  ): BitbucketPullRequest {
    const now = new Date().toISOString();
    const pr: BitbucketPullRequest = {
      baseHash: repo.branches.get(input.destination)?.hash,
      mergeCommit: undefined,
      id: input.id ?? Math.max(0, ...repo.pullRequests.keys()) + 1,
      title: input.title,
      description: input.description ?? '',
      author: input.author,
      source: input.source,
      destination: input.destination,
      state: 'OPEN',
      closeSourceBranch: false,
      comments: [],
      createdOn: now,
      updatedOn: now,
    };
    repo.pullRequests.set(pr.id, pr);
    return pr;
  }

  addComment(
    pr: BitbucketPullRequest,
    author: BitbucketActor,
    raw: string,
    inline?: { path: string; to?: number | null; from?: number | null; startTo?: number | null },
    parentId?: number,
  ): BitbucketComment {
    const now = new Date().toISOString();
    const comment: BitbucketComment = {
      id: this.newId(),
      raw,
      author,
      inline: inline && {
        path: inline.path,
        to: inline.to ?? null,
        from: inline.from ?? null,
        ...(inline.startTo == null ? {} : { startTo: inline.startTo }),
      },
      parentId,
      deleted: false,
      resolution: undefined,
      createdOn: now,
      updatedOn: now,
    };
    pr.comments.push(comment);
    return comment;
  }

  private seedWorkspace(seed: BitbucketWorkspaceSeed): void {
    const projects = seed.projects ?? [{ key: 'PROJ', name: 'Default' }];
    const workspace: BitbucketWorkspace = {
      uuid: braced(),
      slug: seed.slug,
      name: seed.name ?? seed.slug,
      projects: new Map(projects.map((p) => [p.key, { key: p.key, uuid: braced(), name: p.name ?? p.key }])),
      members: new Map((seed.members ?? []).map((m) => [m.user, m.permission])),
      repositories: new Map(),
      hooks: (seed.hooks ?? []).map((h) => ({
        uuid: braced(),
        url: h.url,
        description: '',
        events: [...h.events],
        active: true,
        secret: h.secret,
        subjectType: 'workspace' as const,
        createdAt: new Date().toISOString(),
      })),
    };
    this.workspaces.set(seed.slug.toLowerCase(), workspace);
    for (const repo of seed.repositories ?? []) this.seedRepository(workspace, repo);
    const generated = seed.generatedRepositories;
    if (generated) {
      const width = Math.max(5, String(generated.count).length);
      for (let i = 1; i <= generated.count; i++)
        this.seedRepository(workspace, {
          slug: `${generated.prefix ?? 'repo'}-${String(i).padStart(width, '0')}`,
        });
    }
  }

  /** Adds a repository after start, as creating it in Bitbucket would. */
  addRepository(workspace: BitbucketWorkspace, seed: BitbucketRepositorySeed): BitbucketRepository {
    if (workspace.repositories.has(seed.slug)) throw new Error(`Bitbucket twin: ${seed.slug} exists`);
    this.seedRepository(workspace, seed);
    return workspace.repositories.get(seed.slug)!;
  }

  private seedRepository(workspace: BitbucketWorkspace, seed: BitbucketRepositorySeed): void {
    const repo: BitbucketRepository = {
      uuid: braced(),
      slug: seed.slug,
      name: seed.name ?? seed.slug,
      workspace,
      projectKey: seed.project ?? workspace.projects.keys().next().value!,
      isPrivate: seed.isPrivate ?? true,
      mainbranch: seed.mainbranch ?? 'main',
      branches: new Map(),
      commits: new Map(),
      parents: new Map(),
      permissions: new Map(),
      statuses: new Map(),
      pullRequests: new Map(),
      hooks: [],
      createdOn: new Date(
        Date.parse('2024-01-01T00:00:00Z') + workspace.repositories.size * 1000,
      ).toISOString(),
      parent: seed.parent,
      restrictions: (seed.branchRestrictions ?? []).map((r) => ({
        pattern: r.pattern,
        users: [...(r.users ?? [])],
      })),
      pipelines: seed.pipelinesEnabled === undefined ? undefined : { enabled: seed.pipelinesEnabled },
      variables: [],
    };
    workspace.repositories.set(repo.slug, repo);
    if (seed.empty) return;
    if (!seed.files && !seed.branches && !seed.pullRequests) {
      repo.branches.set(repo.mainbranch, {
        name: repo.mainbranch,
        hash: hashOf(repo.uuid),
        files: new Map(),
      });
      repo.commits.set(hashOf(repo.uuid), new Map());
      repo.parents.set(hashOf(repo.uuid), null);
      return;
    }
    this.commit(repo, repo.mainbranch, (files) => {
      for (const [path, content] of Object.entries(seed.files ?? { 'README.md': `# ${repo.name}\n` }))
        files.set(path, content);
    });
    const main = repo.branches.get(repo.mainbranch)!;
    for (const name of seed.branches ?? []) this.commit(repo, name, () => {}, main);
    for (const pr of seed.pullRequests ?? []) {
      const author = this.users.get(pr.author)!;
      if (!repo.branches.has(pr.source)) this.commit(repo, pr.source, () => {}, main);
      const opened = this.openPullRequest(repo, {
        id: pr.id,
        title: pr.title,
        author,
        source: pr.source,
        destination: pr.destination ?? repo.mainbranch,
      });
      opened.state = pr.state ?? 'OPEN';
      for (const c of pr.comments ?? []) this.addComment(opened, this.users.get(c.author)!, c.body, c.inline);
    }
  }
}
