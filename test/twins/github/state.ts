import { createPrivateKey, createPublicKey } from 'node:crypto';
import { addedText, diffFile, iso, makeCommit } from './git-objects.js';
import { patchOf, renamed } from './patch.js';
import { loadScenario } from './load-scenario.js';
import type { GitHubScenario, ScenarioDiffFile } from './scenario.js';
import type {
  ActionsSecretsRecord,
  AppRecord,
  CheckRunRecord,
  CodeRecord,
  DeliveryRecord,
  DiffFileRecord,
  GitCommit,
  InstallationRecord,
  IssueCommentRecord,
  ManifestCodeRecord,
  OrgRecord,
  PullRecord,
  RepoRecord,
  ReviewCommentRecord,
  ReviewRecord,
  TokenRecord,
  UserRecord,
} from './state-records.js';

export type * from './state-records.js';
export { blobSha, generatePrivateKeyPem, iso, randomHex } from './git-objects.js';

const DAY = 86_400_000;

/** The twin's live, mutable GitHub: built from a scenario, changed by API calls and the web pages. */
export class GitHubState {
  readonly users = new Map<number, UserRecord>();
  readonly orgs = new Map<number, OrgRecord>();
  readonly repos = new Map<number, RepoRecord>();
  readonly pulls = new Map<string, PullRecord>();
  readonly issueComments = new Map<number, IssueCommentRecord>();
  readonly reviewComments = new Map<number, ReviewCommentRecord>();
  readonly reviews = new Map<number, ReviewRecord>();
  /** Resolved review threads, by the id of the thread's first comment, with who resolved them. */
  readonly resolvedThreads = new Map<number, number>();
  readonly checkRuns = new Map<number, CheckRunRecord>();
  /** GraphQL mutations answered (REST writes are counted from the request log). */
  graphqlMutations = 0;
  /** Content creations refused by the secondary limits (403 "You have exceeded a secondary rate limit…"). */
  secondaryLimitRefusals = 0;
  /** Actions secrets of each repository (by repository id), with the key pair they are sealed to. */
  readonly actionsSecrets = new Map<number, ActionsSecretsRecord>();
  readonly apps = new Map<number, AppRecord>();
  readonly installations = new Map<number, InstallationRecord>();
  readonly tokens = new Map<string, TokenRecord>();
  readonly oauthCodes = new Map<string, CodeRecord>();
  readonly manifestCodes = new Map<string, ManifestCodeRecord>();
  readonly deliveries = new Map<number, DeliveryRecord>();
  /** Web sign-in sessions: cookie value → user id. */
  readonly sessions = new Map<string, number>();
  /** Milliseconds added to the wall clock (token and code expiry, rate-limit windows). */
  clockOffsetMs = 0;
  private nextId = 900_000;
  /** Lookup indexes (lower-case keys); repositories are never renamed or moved. */
  private readonly reposByOwner = new Map<string, RepoRecord[]>();
  private readonly reposByFullName = new Map<string, RepoRecord>();

  constructor(scenario: GitHubScenario) {
    loadScenario(this, scenario);
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  newId(): number {
    this.nextId += 1;
    return this.nextId;
  }

  userByLogin(login: string): UserRecord | undefined {
    const lower = login.toLowerCase();
    for (const u of this.users.values()) if (u.login.toLowerCase() === lower) return u;
    return undefined;
  }

  orgByLogin(login: string): OrgRecord | undefined {
    const lower = login.toLowerCase();
    for (const o of this.orgs.values()) if (o.login.toLowerCase() === lower) return o;
    return undefined;
  }

  appBySlug(slug: string): AppRecord | undefined {
    for (const a of this.apps.values()) if (a.slug === slug) return a;
    return undefined;
  }

  appByClientId(clientId: string): AppRecord | undefined {
    for (const a of this.apps.values()) if (a.clientId === clientId) return a;
    return undefined;
  }

  repoByName(owner: string, name: string): RepoRecord | undefined {
    const o = owner.toLowerCase();
    const n = name.toLowerCase();
    for (const r of this.repos.values())
      if (r.owner.toLowerCase() === o && r.name.toLowerCase() === n) return r;
    return undefined;
  }

  reposOf(owner: string): RepoRecord[] {
    const o = owner.toLowerCase();
    return [...this.repos.values()].filter((r) => r.owner.toLowerCase() === o);
  }

  installationFor(appId: number, account: string): InstallationRecord | undefined {
    const lower = account.toLowerCase();
    for (const i of this.installations.values())
      if (i.appId === appId && i.account.toLowerCase() === lower) return i;
    return undefined;
  }

  /** Repositories an installation can see (all of the account's, or the selected ones). */
  installationRepos(installation: InstallationRecord): RepoRecord[] {
    const all = this.reposOf(installation.account);
    return installation.repositorySelection === 'all'
      ? all
      : all.filter((r) => installation.selectedRepoIds.has(r.id));
  }

  addRepo(
    owner: OrgRecord | UserRecord,
    input: {
      name: string;
      id?: number;
      defaultBranch?: string;
      private?: boolean;
      archived?: boolean;
      fork?: boolean;
      protection?: 'classic' | 'ruleset';
      description?: string;
      files?: Readonly<Record<string, string>>;
      empty?: boolean;
    },
  ): RepoRecord {
    const created = iso(this.now() - 300 * DAY);
    const repo: RepoRecord = {
      id: input.id ?? this.newId(),
      owner: owner.login,
      ownerId: owner.id,
      ownerType: 'members' in owner ? 'Organization' : 'User',
      name: input.name,
      description: input.description ?? null,
      defaultBranch: input.defaultBranch ?? 'main',
      private: input.private ?? false,
      archived: input.archived ?? false,
      fork: input.fork ?? false,
      defaultBranchProtection: input.protection,
      createdAt: created,
      pushedAt: created,
      git: input.empty ? { commits: new Map(), branches: new Map() } : undefined,
      initialFiles: input.files ?? { 'README.md': `# ${input.name}\n` },
      nextNumber: 1,
      collaborators: new Map(),
    };
    this.repos.set(repo.id, repo);
    const ownerKey = repo.owner.toLowerCase();
    const list = this.reposByOwner.get(ownerKey) ?? [];
    list.push(repo);
    this.reposByOwner.set(ownerKey, list);
    this.reposByFullName.set(`${ownerKey}/${repo.name.toLowerCase()}`, repo);
    return repo;
  }

  addApp(
    input: Omit<AppRecord, 'publicKey' | 'botUserId' | 'createdAt' | 'updatedAt' | 'webhookActive'> & {
      webhookActive?: boolean;
    },
  ): AppRecord {
    const created = iso(this.now() - 30 * DAY);
    const app: AppRecord = {
      ...input,
      webhookActive: input.webhookActive ?? true,
      publicKey: createPublicKey(createPrivateKey(input.privateKeyPem)),
      botUserId: 40_000_000 + input.id,
      createdAt: created,
      updatedAt: created,
    };
    this.apps.set(app.id, app);
    this.users.set(app.botUserId, {
      id: app.botUserId,
      login: `${app.slug}[bot]`,
      name: null,
      email: null,
      password: undefined,
      siteAdmin: false,
      type: 'Bot',
      createdAt: created,
    });
    return app;
  }

  /** Install (or update the repository selection of) `app` on `account`, as the install page does. */
  upsertInstallation(
    app: AppRecord,
    account: string,
    selection: 'all' | 'selected',
    repoNames: readonly string[],
    id?: number,
  ): InstallationRecord {
    const ids = repoNames.map((name) => {
      const repo = this.repoByName(account, name);
      if (!repo) throw new Error(`unknown repository ${account}/${name}`);
      return repo.id;
    });
    const existing = this.installationFor(app.id, account);
    const now = iso(this.now());
    if (existing) {
      existing.repositorySelection = selection;
      existing.selectedRepoIds.clear();
      for (const repoId of ids) existing.selectedRepoIds.add(repoId);
      existing.permissions = app.permissions;
      existing.events = [...app.events];
      existing.updatedAt = now;
      return existing;
    }
    const installation: InstallationRecord = {
      id: id ?? this.newId(),
      appId: app.id,
      account: this.orgByLogin(account)?.login ?? this.userByLogin(account)?.login ?? account,
      repositorySelection: selection,
      selectedRepoIds: new Set(ids),
      permissions: app.permissions,
      events: [...app.events],
      suspendedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    this.installations.set(installation.id, installation);
    return installation;
  }

  /** The repository's git data, created on first use with one commit holding the scenario files. */
  git(repo: RepoRecord): NonNullable<RepoRecord['git']> {
    if (!repo.git) {
      const files = new Map(Object.entries(repo.initialFiles).map(([p, text]) => [p, Buffer.from(text)]));
      const commit = makeCommit('Initial commit', [], files, repo.createdAt);
      repo.git = {
        commits: new Map([[commit.sha, commit]]),
        branches: new Map([[repo.defaultBranch, commit.sha]]),
      };
    }
    return repo.git;
  }

  /** Whether the repository has no commit yet (no branch). */
  isEmpty(repo: RepoRecord): boolean {
    return repo.git !== undefined && repo.git.branches.size === 0;
  }

  /**
   * Commit `files` (path → content, `null` deletes) on top of `branch`; returns the new commit. In an empty
   * repository the first commit creates `branch`.
   */
  commit(
    repo: RepoRecord,
    branch: string,
    message: string,
    files: ReadonlyMap<string, Buffer | null>,
  ): GitCommit {
    const git = this.git(repo);
    const parentSha = git.branches.get(branch);
    if (!parentSha && git.branches.size > 0) throw new Error(`unknown branch ${branch}`);
    const next = new Map(parentSha ? git.commits.get(parentSha)!.files : []);
    for (const [path, content] of files) {
      if (content === null) next.delete(path);
      else next.set(path, content);
    }
    const commit = makeCommit(message, parentSha ? [parentSha] : [], next, iso(this.now()));
    git.commits.set(commit.sha, commit);
    git.branches.set(branch, commit.sha);
    repo.pushedAt = commit.date;
    this.refreshPulls(repo, branch);
    return commit;
  }

  createPull(
    repo: RepoRecord,
    input: {
      number?: number;
      title: string;
      body: string | null;
      authorId: number;
      head: string;
      base: string;
      draft: boolean;
      state?: 'open' | 'closed';
      files: readonly ScenarioDiffFile[];
    },
  ): PullRecord {
    const git = this.git(repo);
    const baseSha = git.branches.get(input.base);
    if (!baseSha) throw new Error(`unknown base branch ${input.base}`);
    if (!git.branches.has(input.head)) {
      git.branches.set(input.head, baseSha);
      const changed = new Map<string, Buffer | null>();
      for (const f of input.files)
        changed.set(f.filename, f.status === 'removed' ? null : Buffer.from(addedText(f.patch)));
      if (changed.size > 0) this.commit(repo, input.head, input.title, changed);
    }
    const number = input.number ?? repo.nextNumber;
    repo.nextNumber = Math.max(repo.nextNumber, number + 1);
    const now = iso(this.now());
    const pull: PullRecord = {
      id: this.newId(),
      repoId: repo.id,
      number,
      title: input.title,
      body: input.body,
      state: input.state ?? 'open',
      mergedAt: null,
      mergedBy: null,
      closedAt: input.state === 'closed' ? now : null,
      draft: input.draft,
      authorId: input.authorId,
      head: input.head,
      headSha: git.branches.get(input.head)!,
      base: input.base,
      baseSha,
      files:
        input.files.length > 0
          ? input.files.map(diffFile)
          : this.diffBranches(repo, baseSha, git.branches.get(input.head)!),
      createdAt: now,
      updatedAt: now,
    };
    this.pulls.set(`${repo.id}#${number}`, pull);
    return pull;
  }

  pull(repo: RepoRecord, number: number): PullRecord | undefined {
    return this.pulls.get(`${repo.id}#${number}`);
  }

  addIssueComment(
    repo: RepoRecord,
    number: number,
    authorId: number,
    appId: number | undefined,
    body: string,
  ): IssueCommentRecord {
    const now = iso(this.now());
    const comment: IssueCommentRecord = {
      id: this.newId(),
      repoId: repo.id,
      number,
      authorId,
      appId,
      body,
      createdAt: now,
      updatedAt: now,
    };
    this.issueComments.set(comment.id, comment);
    return comment;
  }

  requireUser(login: string): UserRecord {
    const user = this.userByLogin(login);
    if (!user) throw new Error(`scenario: unknown user ${login}`);
    return user;
  }

  requireRepo(fullName: string): RepoRecord {
    const [owner = '', name = ''] = fullName.split('/');
    const repo = this.repoByName(owner, name);
    if (!repo) throw new Error(`scenario: unknown repository ${fullName}`);
    return repo;
  }

  /**
   * Open pull requests from `branch` follow its new head: their diff is computed again against their base
   * commit (the merge base while the base branch is not merged in).
   */
  private refreshPulls(repo: RepoRecord, branch: string): void {
    const head = this.git(repo).branches.get(branch);
    if (!head) return;
    for (const pull of this.pulls.values()) {
      if (pull.repoId !== repo.id || pull.state !== 'open' || pull.head !== branch || pull.headSha === head)
        continue;
      pull.headSha = head;
      pull.files = this.diffBranches(repo, pull.baseSha, head);
      pull.updatedAt = iso(this.now());
    }
  }

  /** The files that differ between two commits, as GitHub lists them (renames found by similar content). */
  diffBranches(repo: RepoRecord, baseSha: string, headSha: string): DiffFileRecord[] {
    const git = this.git(repo);
    const base = git.commits.get(baseSha)!.files;
    const head = git.commits.get(headSha)!.files;
    const text = (content: Buffer | undefined) => (content ? content.toString('utf8') : '');
    const binary = (content: Buffer | undefined) => content?.includes(0) ?? false;
    const patch = (before: Buffer | undefined, after: Buffer | undefined) =>
      binary(before) || binary(after) ? '' : patchOf(text(before), text(after));
    const removed = [...base.keys()].filter((path) => !head.has(path));
    const files: DiffFileRecord[] = [];
    for (const [path, content] of head) {
      const before = base.get(path);
      if (before?.equals(content)) continue;
      if (before) {
        files.push(diffFile({ filename: path, status: 'modified', patch: patch(before, content) }));
        continue;
      }
      const from = removed.find((old) => !binary(content) && renamed(text(base.get(old)), text(content)));
      if (from !== undefined) {
        removed.splice(removed.indexOf(from), 1);
        files.push({
          ...diffFile({ filename: path, status: 'renamed', patch: patch(base.get(from), content) }),
          previousFilename: from,
        });
        continue;
      }
      files.push(diffFile({ filename: path, status: 'added', patch: patch(undefined, content) }));
    }
    for (const path of removed) {
      files.push(diffFile({ filename: path, status: 'removed', patch: patch(base.get(path), undefined) }));
    }
    return files.sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
  }
}
