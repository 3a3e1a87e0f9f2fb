import { createHash, randomUUID } from 'node:crypto';
import { GitLabOAuthStore } from './oauth-store.js';
import type {
  GitLabBranch,
  GitLabCommit,
  GitLabDiscussion,
  GitLabGroup,
  GitLabMember,
  GitLabMergeRequest,
  GitLabNote,
  GitLabProject,
  GitLabToken,
  GitLabUser,
} from './records.js';
import type {
  GitLabGroupSeed,
  GitLabMergeRequestSeed,
  GitLabProjectSeed,
  GitLabScenario,
  GitLabTokenSeed,
  GitLabUserSeed,
} from './scenario.js';

export type * from './records.js';

const baseTime = Date.parse('2024-01-01T00:00:00Z');
const isoAt = (seconds: number) => new Date(baseTime + seconds * 1000).toISOString();

/** The twin's mutable world, seeded from a scenario. Everything hangs off this instance. */
export class GitLabState {
  readonly users = new Map<number, GitLabUser>();
  readonly tokens = new Map<string, GitLabToken>();
  readonly groups = new Map<number, GitLabGroup>();
  readonly projects = new Map<number, GitLabProject>();
  /** OAuth applications, codes and tokens, and web sign-in sessions. */
  readonly oauth = new GitLabOAuthStore();
  /** Each group's own projects in id order. */
  private readonly projectsByGroup = new Map<number, GitLabProject[]>();
  today: string;
  /** Milliseconds added to the wall clock (OAuth code and token expiry). */
  clockOffsetMs = 0;
  private nextId = 1_000_000;
  private commitCounter = 0;

  constructor(scenario: GitLabScenario) {
    this.today = scenario.today ?? new Date().toISOString().slice(0, 10);
    for (const user of scenario.users) this.addUser(user);
    for (const seed of scenario.tokens) this.addToken(seed);
    for (const seed of scenario.groups) this.seedGroup(seed);
    for (const seed of scenario.oauthApplications ?? []) this.oauth.register(seed);
  }

  /** Adds (or replaces) a user. */
  addUser(seed: GitLabUserSeed): GitLabUser {
    const user: GitLabUser = {
      id: seed.id,
      username: seed.username,
      name: seed.name ?? seed.username,
      email: seed.email,
      bot: seed.bot ?? false,
      admin: seed.admin ?? false,
      password: seed.password,
      state: seed.state ?? 'active',
    };
    this.users.set(user.id, user);
    return user;
  }

  /** Adds a token for an existing user. */
  addToken(seed: GitLabTokenSeed): GitLabToken {
    const user = this.requireUser(seed.user);
    const token: GitLabToken = {
      id: seed.id ?? this.newId(),
      value: seed.value,
      name: seed.name ?? 'token',
      userId: user.id,
      scopes: [...seed.scopes],
      expiresAt: seed.expiresAt ?? null,
      revoked: seed.revoked ?? false,
      kind: seed.kind ?? 'personal',
      createdAt: isoAt(0),
      lastUsedAt: null,
      requestsPerMinute: seed.requestsPerMinute,
      window: { startedAt: 0, count: 0 },
    };
    this.tokens.set(seed.value, token);
    return token;
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  newId(): number {
    this.nextId += 1;
    return this.nextId;
  }

  userByName(username: string): GitLabUser | undefined {
    for (const user of this.users.values()) if (user.username === username) return user;
    return undefined;
  }

  requireUser(username: string): GitLabUser {
    const user = this.userByName(username);
    if (!user) throw new Error(`GitLab scenario: unknown user ${username}`);
    return user;
  }

  /** A group by numeric id or full path (`acme/backend`). */
  group(idOrPath: string): GitLabGroup | undefined {
    if (/^\d+$/.test(idOrPath)) return this.groups.get(Number(idOrPath));
    for (const group of this.groups.values()) if (group.fullPath === idOrPath) return group;
    return undefined;
  }

  /** A project by numeric id or `path_with_namespace`. */
  project(idOrPath: string): GitLabProject | undefined {
    if (/^\d+$/.test(idOrPath)) return this.projects.get(Number(idOrPath));
    const slash = idOrPath.lastIndexOf('/');
    const group = this.group(idOrPath.slice(0, slash));
    if (!group) return undefined;
    const path = idOrPath.slice(slash + 1);
    for (const project of this.projects.values())
      if (project.groupId === group.id && project.path === path) return project;
    return undefined;
  }

  private requireProject(pathWithNamespace: string): GitLabProject {
    const project = this.project(pathWithNamespace);
    if (!project) throw new Error(`GitLab scenario: project ${pathWithNamespace} comes first`);
    return project;
  }

  parent(group: GitLabGroup): GitLabGroup | undefined {
    return group.parentId === null ? undefined : this.groups.get(group.parentId);
  }

  /** The group and its ancestors, nearest first. */
  ancestry(group: GitLabGroup): GitLabGroup[] {
    const chain: GitLabGroup[] = [];
    for (let g: GitLabGroup | undefined = group; g; g = this.parent(g)) chain.push(g);
    return chain;
  }

  children(group: GitLabGroup): GitLabGroup[] {
    return [...this.groups.values()].filter((g) => g.parentId === group.id);
  }

  descendants(group: GitLabGroup): GitLabGroup[] {
    const out: GitLabGroup[] = [];
    const walk = (g: GitLabGroup) => {
      for (const child of this.children(g)) {
        out.push(child);
        walk(child);
      }
    };
    walk(group);
    return out;
  }

  /** Effective members of a group: direct plus inherited, one entry per user with the highest level. */
  groupMembers(group: GitLabGroup): GitLabMember[] {
    return mergeMembers(this.ancestry(group).map((g) => g.members));
  }

  projectMembers(project: GitLabProject): GitLabMember[] {
    return mergeMembers([
      project.members,
      ...this.ancestry(this.groups.get(project.groupId)!).map((g) => g.members),
    ]);
  }

  groupAccess(group: GitLabGroup, user: GitLabUser | undefined): number {
    if (!user) return 0;
    return this.groupMembers(group).find((m) => m.userId === user.id)?.accessLevel ?? 0;
  }

  projectAccess(project: GitLabProject, user: GitLabUser | undefined): number {
    if (!user) return 0;
    return this.projectMembers(project).find((m) => m.userId === user.id)?.accessLevel ?? 0;
  }

  canSeeGroup(group: GitLabGroup, user: GitLabUser | undefined): boolean {
    if (group.visibility === 'public' || user?.admin) return true;
    if (!user) return false;
    if (group.visibility === 'internal' && !user.bot) return true;
    if (this.groupAccess(group, user) > 0) return true;
    return this.descendants(group).some((g) => g.members.has(user.id));
  }

  canSeeProject(project: GitLabProject, user: GitLabUser | undefined): boolean {
    if (project.visibility === 'public' || user?.admin) return true;
    if (!user) return false;
    if (project.visibility === 'internal' && !user.bot) return true;
    return this.projectAccess(project, user) > 0;
  }

  /**
   * The projects the user can see with at least `minLevel` access, computing each group's inherited access
   * once so that listing 10,000 projects stays cheap.
   */
  visibleProjects(
    projects: readonly GitLabProject[],
    user: GitLabUser | undefined,
    minLevel = 0,
  ): GitLabProject[] {
    const groupLevel = new Map<number, number>();
    const out: GitLabProject[] = [];
    for (const project of projects) {
      let inherited = groupLevel.get(project.groupId);
      if (inherited === undefined) {
        inherited = user?.admin ? 50 : this.groupAccess(this.groups.get(project.groupId)!, user);
        groupLevel.set(project.groupId, inherited);
      }
      const own = user && project.members.size > 0 ? (project.members.get(user.id)?.accessLevel ?? 0) : 0;
      const level = Math.max(inherited, own);
      const visible =
        level > 0 ||
        project.visibility === 'public' ||
        (project.visibility === 'internal' && user !== undefined && !user.bot);
      if (visible && level >= minLevel) out.push(project);
    }
    return out;
  }

  /** Projects of a group, optionally with those of every subgroup, in id order. */
  groupProjects(group: GitLabGroup, includeSubgroups: boolean): GitLabProject[] {
    const own = this.projectsByGroup.get(group.id) ?? [];
    if (!includeSubgroups) return own;
    const all = [own, ...this.descendants(group).map((g) => this.projectsByGroup.get(g.id) ?? [])].flat();
    return all.sort((a, b) => a.id - b.id);
  }

  fullPath(project: GitLabProject): string {
    return `${this.groups.get(project.groupId)!.fullPath}/${project.path}`;
  }

  /** Records a commit on `branch` (created from `start` when new) and returns it. */
  commit(
    project: GitLabProject,
    branchName: string,
    message: string,
    author: GitLabUser,
    change: (files: Map<string, string>) => void,
    start?: GitLabBranch,
  ): GitLabCommit {
    const existing = project.branches.get(branchName);
    const base = existing ?? start;
    const files = new Map(base?.files ?? []);
    change(files);
    this.commitCounter += 1;
    const id = sha(`${project.id}:${this.commitCounter}:${branchName}:${message}`);
    const commit: GitLabCommit = {
      id,
      parentIds: base ? [base.commit] : [],
      message,
      authorName: author.name,
      authorEmail: author.email ?? `${author.username}@example.com`,
      createdAt: new Date().toISOString(),
      files: new Map(files),
    };
    project.commits.set(id, commit);
    if (existing) {
      existing.commit = id;
      existing.files.clear();
      for (const [path, content] of files) existing.files.set(path, content);
    } else {
      project.branches.set(branchName, { name: branchName, commit: id, files });
    }
    // A push to an open merge request's source branch makes a new diff version, as GitLab does.
    for (const mr of project.mergeRequests.values()) {
      if (mr.state !== 'opened' || mr.sourceBranch !== branchName) continue;
      mr.diffRefs = { ...mr.diffRefs, headSha: id };
      mr.versions.push(mr.diffRefs);
    }
    return commit;
  }

  /** The user's role in the project, inherited included; an administrator counts as Owner. */
  accessLevel(project: GitLabProject, user: GitLabUser | undefined): number {
    return user?.admin ? 50 : this.projectAccess(project, user);
  }

  /**
   * Whether `user` may push to `branchName` (GitLab's `can_push_to_branch?`): Developer or more on an unprotected
   * branch; on a protected one, the rule's push level (`0`: no one).
   */
  canPush(project: GitLabProject, user: GitLabUser | undefined, branchName: string): boolean {
    const level = this.accessLevel(project, user);
    const rule = project.protectedBranches.get(branchName);
    if (!rule) return level >= 30;
    return rule.pushAccessLevel !== 0 && level >= rule.pushAccessLevel;
  }

  /**
   * The files at `ref`: a branch name, or a commit id (40 hex digits, or a prefix of at least 7 as GitLab
   * accepts); `undefined` for a ref the project does not have.
   */
  filesAt(
    project: GitLabProject,
    ref: string,
  ): { commitId: string; files: ReadonlyMap<string, string> } | undefined {
    const branch = project.branches.get(ref);
    if (branch) return { commitId: branch.commit, files: branch.files };
    if (!/^[0-9a-f]{7,40}$/i.test(ref)) return undefined;
    const id = ref.toLowerCase();
    for (const commit of project.commits.values()) {
      if (commit.id.startsWith(id)) return { commitId: commit.id, files: commit.files };
    }
    return undefined;
  }

  /** Opens a merge request between two existing branches; its diff is from the target's head to the source's. */
  openMergeRequest(
    project: GitLabProject,
    input: {
      iid?: number;
      title: string;
      description?: string;
      author: GitLabUser;
      source: string;
      target: string;
    },
  ): GitLabMergeRequest {
    const source = project.branches.get(input.source)!;
    const target = project.branches.get(input.target)!;
    const iid = input.iid ?? Math.max(0, ...project.mergeRequests.keys()) + 1;
    const now = new Date().toISOString();
    const mr: GitLabMergeRequest = {
      id: this.newId(),
      iid,
      projectId: project.id,
      title: input.title,
      description: input.description ?? '',
      authorId: input.author.id,
      sourceBranch: input.source,
      targetBranch: input.target,
      state: 'opened',
      diffRefs: { baseSha: target.commit, headSha: source.commit, startSha: target.commit },
      versions: [],
      removeSourceBranch: false,
      discussions: [],
      createdAt: now,
      updatedAt: now,
    };
    mr.versions.push(mr.diffRefs);
    project.mergeRequests.set(iid, mr);
    return mr;
  }

  addNote(
    mr: GitLabMergeRequest,
    author: GitLabUser,
    body: string,
    options: {
      system?: boolean;
      position?: Record<string, unknown>;
      discussion?: GitLabDiscussion;
      /** Start a thread (discussions API) rather than a standalone note. */
      thread?: boolean;
    } = {},
  ): GitLabNote {
    const now = new Date().toISOString();
    // A reply takes its thread's type and position (`Discussion#reply_attributes`): replies to a diff thread are
    // diff notes too.
    const root = options.discussion?.notes[0];
    const position = options.position ?? (root?.type === 'DiffNote' ? root.position : undefined);
    const note: GitLabNote = {
      id: this.newId(),
      body,
      authorId: author.id,
      system: options.system ?? false,
      type: position ? 'DiffNote' : options.discussion || options.thread ? 'DiscussionNote' : null,
      position,
      createdAt: now,
      updatedAt: now,
    };
    if (options.discussion) options.discussion.notes.push(note);
    else
      mr.discussions.push({
        id: sha(`discussion:${note.id}`),
        individualNote: options.position === undefined && !options.thread,
        notes: [note],
        resolvedById: null,
        resolvedAt: null,
      });
    mr.updatedAt = now;
    return note;
  }

  private seedGroup(seed: GitLabGroupSeed): void {
    const parent = seed.parent === undefined ? undefined : this.group(seed.parent);
    if (seed.parent !== undefined && !parent)
      throw new Error(`GitLab scenario: parent ${seed.parent} comes first`);
    const group: GitLabGroup = {
      id: seed.id,
      path: seed.path,
      name: seed.name ?? seed.path,
      fullPath: parent ? `${parent.fullPath}/${seed.path}` : seed.path,
      parentId: parent?.id ?? null,
      visibility: seed.visibility ?? 'private',
      plan: seed.plan ?? parent?.plan ?? 'premium',
      members: this.seedMembers(seed.members),
      hooks: [],
      invitations: [],
      createdAt: isoAt(seed.id),
    };
    this.groups.set(group.id, group);
    for (const hook of seed.hooks ?? []) {
      group.hooks.push({
        id: this.newId(),
        uuid: randomUUID(),
        groupId: group.id,
        url: hook.url,
        name: null,
        description: null,
        token: hook.token,
        events: new Set(hook.events ?? ['push_events']),
        enableSslVerification: true,
        createdAt: isoAt(group.id),
      });
    }
    for (const invitation of seed.invitations ?? []) {
      const inviter = invitation.invitedBy
        ? this.requireUser(invitation.invitedBy).id
        : ([...group.members.values()].find((m) => m.accessLevel === 50)?.userId ?? null);
      group.invitations.push({
        id: this.newId(),
        email: invitation.email,
        accessLevel: invitation.accessLevel,
        expiresAt: invitation.expiresAt ?? null,
        invitedById: inviter,
        createdAt: isoAt(group.id),
      });
    }
    for (const project of seed.projects ?? []) this.seedProject(group, project);
    const generated = seed.generatedProjects;
    if (generated) {
      const prefix = generated.prefix ?? 'project';
      const width = Math.max(5, String(generated.count).length);
      for (let i = 1; i <= generated.count; i++) {
        this.seedProject(group, {
          path: `${prefix}-${String(i).padStart(width, '0')}`,
          archived: generated.archivedEvery ? i % generated.archivedEvery === 0 : false,
        });
      }
    }
  }

  /** Creates a project in `group` after start, as `POST /projects` would. */
  addProject(group: GitLabGroup, seed: GitLabProjectSeed): GitLabProject {
    return this.seedProject(group, seed);
  }

  /** Deletes a project for good. */
  removeProject(project: GitLabProject): void {
    this.projects.delete(project.id);
    const siblings = this.projectsByGroup.get(project.groupId) ?? [];
    this.projectsByGroup.set(
      project.groupId,
      siblings.filter((p) => p.id !== project.id),
    );
  }

  private seedProject(group: GitLabGroup, seed: GitLabProjectSeed): GitLabProject {
    const project: GitLabProject = {
      id: seed.id ?? this.newId(),
      path: seed.path,
      name: seed.name ?? seed.path,
      groupId: group.id,
      visibility: seed.visibility ?? 'private',
      archived: seed.archived ?? false,
      defaultBranch: seed.defaultBranch ?? 'main',
      members: this.seedMembers(seed.members),
      branches: new Map(),
      commits: new Map(),
      mergeRequests: new Map(),
      protectedBranches: new Map(),
      statuses: [],
      variables: new Map(),
      forkedFromId: seed.forkedFrom === undefined ? null : this.requireProject(seed.forkedFrom).id,
      createdAt: isoAt(this.projects.size),
    };
    project.protectedBranches.set(project.defaultBranch, { pushAccessLevel: 40, mergeAccessLevel: 40 });
    for (const rule of seed.protectedBranches ?? []) {
      if (typeof rule === 'string') {
        project.protectedBranches.set(rule, { pushAccessLevel: 40, mergeAccessLevel: 40 });
      } else {
        project.protectedBranches.set(rule.name, {
          pushAccessLevel: rule.pushAccessLevel,
          mergeAccessLevel: rule.mergeAccessLevel ?? 40,
        });
      }
    }
    for (const variable of seed.variables ?? []) {
      project.variables.set(variable.key, {
        key: variable.key,
        value: variable.value,
        variableType: 'env_var',
        protected: variable.protected ?? false,
        masked: variable.masked ?? false,
        hidden: false,
        raw: false,
        environmentScope: '*',
        description: null,
      });
    }
    this.projects.set(project.id, project);
    const siblings = this.projectsByGroup.get(group.id) ?? [];
    siblings.push(project);
    if (siblings.length > 1 && siblings[siblings.length - 2]!.id > project.id)
      siblings.sort((a, b) => a.id - b.id);
    this.projectsByGroup.set(group.id, siblings);
    const root = this.users.values().next().value;
    if (!root || seed.empty) return project;
    if (seed.files || seed.branches || seed.mergeRequests) {
      this.commit(project, project.defaultBranch, 'Initial commit', root, (files) => {
        for (const [path, content] of Object.entries(seed.files ?? { 'README.md': `# ${project.name}\n` }))
          files.set(path, content);
      });
    } else {
      // A cheap, fileless default branch: generated projects stay light.
      project.branches.set(project.defaultBranch, {
        name: project.defaultBranch,
        commit: sha(`empty:${project.id}`),
        files: new Map(),
      });
    }
    const main = project.branches.get(project.defaultBranch)!;
    for (const name of seed.branches ?? [])
      this.commit(project, name, `Work on ${name}`, root, () => {}, main);
    for (const mr of seed.mergeRequests ?? []) this.seedMergeRequest(project, mr, main);
    return project;
  }

  private seedMergeRequest(project: GitLabProject, seed: GitLabMergeRequestSeed, main: GitLabBranch): void {
    const author = this.requireUser(seed.author);
    for (const name of [seed.sourceBranch, seed.targetBranch]) {
      if (!project.branches.has(name)) this.commit(project, name, `Work on ${name}`, author, () => {}, main);
    }
    const sourceFiles = seed.sourceFiles;
    if (sourceFiles) {
      this.commit(project, seed.sourceBranch, `Change ${seed.sourceBranch}`, author, (files) => {
        for (const [path, content] of Object.entries(sourceFiles)) files.set(path, content);
      });
    }
    const mr = this.openMergeRequest(project, {
      iid: seed.iid,
      title: seed.title,
      description: seed.description,
      author,
      source: seed.sourceBranch,
      target: seed.targetBranch,
    });
    mr.state = seed.state ?? 'opened';
    for (const note of seed.notes ?? []) this.addNote(mr, this.requireUser(note.author), note.body, note);
  }

  private seedMembers(seeds: GitLabGroupSeed['members']): Map<number, GitLabMember> {
    const members = new Map<number, GitLabMember>();
    for (const seed of seeds ?? []) {
      const user = this.requireUser(seed.user);
      members.set(user.id, {
        userId: user.id,
        accessLevel: seed.accessLevel,
        expiresAt: seed.expiresAt ?? null,
        state: seed.state ?? 'active',
        createdAt: isoAt(0),
      });
    }
    return members;
  }
}

function mergeMembers(sources: Iterable<Map<number, GitLabMember>>): GitLabMember[] {
  const best = new Map<number, GitLabMember>();
  for (const source of sources) {
    for (const member of source.values()) {
      const seen = best.get(member.userId);
      if (!seen || seen.accessLevel < member.accessLevel) best.set(member.userId, member);
    }
  }
  return [...best.values()].sort((a, b) => a.userId - b.userId);
}

export const sha = (seed: string): string => createHash('sha1').update(seed).digest('hex');
