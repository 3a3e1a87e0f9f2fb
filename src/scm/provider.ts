import type { ScmKindId } from '../core/scm-kinds.js';
import type { FileLocation } from './links/types.js';
import type { ScmIdentity, TestReport } from './test-report.js';

/*
 * The contract every SCM kind implements, as small capability interfaces. Types name no SCM: each adapter maps
 * its API onto them. Every method that talks to an SCM rejects with `ScmError` (src/scm/errors.ts), whose kind
 * tells the job runner whether to retry and the UI what to say.
 */

// ---------------------------------------------------------------------------------------------------------------
// Test connection

export {
  assessTokenExpiry,
  blockedRow,
  buildTestReport,
  capabilityIds,
  capabilityLabels,
  capabilityRows,
  expiryWarningDays,
  failedRow,
  missingScopes,
  notCheckedRow,
  notOfferedRow,
  summarizeReport,
  type CapabilityCheck,
  type CapabilityId,
  type Check,
  type CheckStatus,
  type ScmIdentity,
  type ScopeReport,
  type TestReport,
  type TestReportInput,
  type TokenExpiry,
} from './test-report.js';

/** Tells whether an SCM answers and what a token may do there. */
export interface ConnectionTester {
  /**
   * Runs every check and resolves with a report, also when checks fail (a revoked token is a report with
   * `ok: false` and a fix, not a rejection). Rejects only on a bug or an invalid connection configuration.
   */
  testConnection(): Promise<TestReport>;
}

// ---------------------------------------------------------------------------------------------------------------
// Organizations, repositories, members

/**
 * A source code organization: GitHub organization or user, GitLab top-level group, Bitbucket workspace,
 * Bitbucket Data Center project, Azure DevOps organization.
 */
export interface ScmOrganization {
  /** Stable id (numeric id, UUID, GUID), never the name, which can be renamed. */
  readonly externalId: string;
  /** The name as it appears in URLs and in the connection form (login, group path, workspace slug, project key). */
  readonly name: string;
  readonly displayName?: string;
  readonly webUrl: string;
}

/** Enough to name an organization in a call. */
export type ScmOrganizationRef = Pick<ScmOrganization, 'externalId' | 'name'>;

export type RepositoryVisibility = 'public' | 'private' | 'internal';

export interface ScmRepository {
  /** Stable id: numeric id / UUID / GUID, never the name. */
  readonly externalId: string;
  readonly name: string;
  /**
   * The path that names the repository and that `FileLocation.repository.fullName` accepts: GitHub
   * `owner/repo`; GitLab `group/sub…/project`; Bitbucket Cloud `workspace/slug`; Bitbucket Data Center
   * `KEY/slug` (personal `~USER/slug`); Azure DevOps `organization/project/repo`.
   */
  readonly fullName: string;
  /** Null for an empty repository. */
  readonly defaultBranch: string | null;
  readonly visibility: RepositoryVisibility;
  readonly archived: boolean;
  /** A fork of another repository (bulk CI skips forks: their pull requests get no secrets). */
  readonly fork?: boolean;
  /** The repository's page; http(s). */
  readonly webUrl: string;
}

/** Enough to name a repository in a call. */
export type ScmRepositoryRef = Pick<ScmRepository, 'externalId' | 'fullName'>;

export interface ScmMember {
  /** The SCM's immutable user id. */
  readonly externalId: string;
  readonly login: string;
  readonly name?: string;
  /** `admin`: may manage the organization (GitHub org owner, GitLab Owner, workspace/project admin). */
  readonly role: 'admin' | 'member';
  /**
   * The role as the SCM names it, for an account's role mapping: GitHub `owner` or `member`; GitLab `owner`,
   * `maintainer`, `developer`, `reporter`, `planner`, `guest` or `minimal_access`. Set by the kinds that can
   * manage an account's membership (GitHub, GitLab).
   */
  readonly scmRole?: string;
}

/** Who to look up in an organization: the SCM's immutable user id, and the login as last seen. */
export interface ScmMemberRef {
  readonly externalId: string;
  readonly login: string;
}

/**
 * Lists what a connection can see. Iterables are lazy: pages are fetched as the caller consumes them, at the
 * API's largest page size, and pagination never shows outside the adapter.
 */
export interface RepositoryLister {
  /** The organizations this connection covers (usually one; a GitHub App install flow may add more). */
  listOrganizations(): AsyncIterable<ScmOrganization>;
  /** Every repository of `org` the connection may read, archived ones included; GitLab includes subgroups. */
  listRepositories(org: ScmOrganizationRef): AsyncIterable<ScmRepository>;
}

/** Reads organization membership, so that roles can be managed by the SCM. */
export interface MemberLister {
  /** Direct and inherited members of `org`, each once, with the highest role they hold. */
  listMembers(org: ScmOrganizationRef): AsyncIterable<ScmMember>;
  /**
   * One person's membership of `org` as the SCM holds it now, asked live: the member, or undefined when they are
   * not an active member (outside collaborators, pending invitations, members awaiting approval, blocked or
   * deactivated users are not; nor is a login that now belongs to another id). Present on the kinds that can
   * manage an account's membership (GitHub, GitLab).
   */
  checkMember?(org: ScmOrganizationRef, user: ScmMemberRef): Promise<ScmMember | undefined>;
}

// ---------------------------------------------------------------------------------------------------------------
// Pull request comments

export interface PullRequestRef {
  readonly repository: ScmRepositoryRef;
  /** The number users see: GitHub/Bitbucket number, GitLab `iid`, Azure DevOps pull request id. */
  readonly number: number;
}

/** Identifies a comment for an edit or a delete. */
export interface ScmCommentRef {
  readonly id: string;
  /** Azure DevOps thread, GitLab discussion: the container of the comment. */
  readonly threadId?: string;
  /** Bitbucket Data Center's optimistic-locking version, required there for edits and deletes. */
  readonly version?: number;
}

/** Where an inline comment sits: a line (or, where the SCM takes one, a range) of the pull request's new side. */
export interface InlinePosition {
  readonly path: string;
  /** The line the comment is on; the last line of the range when `startLine` is given. */
  readonly line: number;
  /** The first line of a multi-line range, on SCMs that take ranges (GitHub, GitLab, Azure DevOps). */
  readonly startLine?: number;
  readonly commitSha: string;
}

export interface ScmComment extends ScmCommentRef {
  readonly body: string;
  readonly author: Pick<ScmIdentity, 'id' | 'login'>;
  /** Present for inline comments. */
  readonly position?: InlinePosition;
  readonly webUrl?: string;
  /**
   * Replies in the comment's thread after it (GitHub review thread, GitLab discussion, Bitbucket replies, Azure
   * DevOps thread). Listings return thread roots only, with this count; absent where the SCM has no threads.
   */
  readonly replyCount?: number;
  /** Whether its thread is resolved; absent where the SCM cannot resolve a comment. */
  readonly resolved?: boolean;
}

/** Inclusive range of line numbers on the new side. */
export interface LineRange {
  readonly start: number;
  readonly end: number;
}

/** A file of a pull request's diff: where on its new side an inline comment may be placed. */
export interface PullRequestDiffFile {
  /** The path at the head commit (a renamed file's new path). */
  readonly path: string;
  /** The lines of the diff's hunks on the new side, added and context lines; `whole-file` where any line of a changed file may be commented (Azure DevOps). */
  readonly commentable: readonly LineRange[] | 'whole-file';
}

/** The pull request as the SCM holds it now. */
export interface PullRequestDiff {
  /** The head commit the diff was read at; inline comments are placed at this commit. */
  readonly headSha: string;
  /** The commit the diff is against (merge base or target branch head, as the SCM computes the diff). */
  readonly baseSha: string;
  /** Changed files that have a new side (deleted files are not listed). */
  readonly files: readonly PullRequestDiffFile[];
  readonly state: 'open' | 'merged' | 'closed';
}

/** One inline comment of a batch. */
export interface NewInlineComment {
  readonly position: InlinePosition;
  readonly body: string;
}

/** The check scm-connect reports on the scanned head commit. */
export interface CommitStatus {
  /** The head commit the status is for. */
  readonly commitSha: string;
  readonly state: 'pending' | 'success' | 'failure';
  /** Short text shown next to the check (SCMs cut it: keep it under 140 characters). */
  readonly description: string;
  /** scm-connect's page for the scan, or the summary comment. */
  readonly targetUrl: string;
}

/**
 * How an SCM's markdown hides a marker and offers a change: what differs per SCM in a comment body. The marker
 * it writes must contain `text` verbatim and render as nothing.
 */
export interface CommentFormat {
  hiddenMarker(text: string): string;
  /**
   * A suggestion the author can apply that replaces the comment's lines with `replacement` (lines joined by
   * `\n`, no trailing newline); absent where the SCM has no suggestions.
   */
  suggestion?(replacement: string, position: InlinePosition): string;
  /** The longest body the SCM accepts, in characters. */
  readonly maxBodyLength: number;
}

/**
 * The primitives of talking on a pull request. Finding our own comment (hidden marker + author), updating in
 * place, resolving and deleting duplicates is written once over these (src/comments), not per adapter.
 */
export interface PullRequestCommenter {
  readonly format: CommentFormat;
  /** The account comments are posted as: our comments are the ones with its id. */
  identity(): Promise<ScmIdentity>;
  /** Summary (not inline) comments of the pull request, oldest first. */
  listComments(pr: PullRequestRef): AsyncIterable<ScmComment>;
  createComment(pr: PullRequestRef, body: string): Promise<ScmComment>;
  updateComment(pr: PullRequestRef, comment: ScmCommentRef, body: string): Promise<ScmComment>;
  /** Resolves when the comment is gone, also when it was already gone. */
  deleteComment(pr: PullRequestRef, comment: ScmCommentRef): Promise<void>;
  /** Inline comments; present when `capabilities.inlineComments`. Edit and delete them with the methods above. */
  listInlineComments?(pr: PullRequestRef): AsyncIterable<ScmComment>;
  /** Rejects with `ScmError` kind `invalid` when the line is not part of the diff (the caller folds it into the summary). */
  createInlineComment?(pr: PullRequestRef, position: InlinePosition, body: string): Promise<ScmComment>;
  /**
   * Several inline comments in as few calls as the SCM allows (GitHub: one review); in the order given. Where
   * absent, the caller creates them one by one. Positions must be commentable lines of the current diff.
   */
  createInlineComments?(pr: PullRequestRef, comments: readonly NewInlineComment[]): Promise<ScmComment[]>;
  /** The pull request's state, head and base, and the lines its diff lets an inline comment sit on. */
  pullRequestDiff(pr: PullRequestRef): Promise<PullRequestDiff>;
  /** Marks the thread of a comment resolved, or unresolved again; absent where the SCM cannot. */
  resolveComment?(pr: PullRequestRef, comment: ScmCommentRef, resolved: boolean): Promise<void>;
  /** Answers in the thread of one of the comments (the confirmation of a triage by reply). */
  replyToComment(pr: PullRequestRef, comment: ScmCommentRef, body: string): Promise<ScmComment>;
  /**
   * Sets scm-connect's status on the pull request's head commit (GitHub commit status, GitLab commit status,
   * Bitbucket build status, Azure DevOps pull request status), replacing the one it set before.
   */
  setCommitStatus(pr: PullRequestRef, status: CommitStatus): Promise<void>;
  /** Whether the SCM user (by the SCM's immutable id, login as reported) may write to the repository. */
  canWrite(
    repository: ScmRepositoryRef,
    user: { readonly id: string; readonly login: string },
  ): Promise<boolean>;
}

// ---------------------------------------------------------------------------------------------------------------
// CI files

/** The CI system a kind's repositories run: what the scanner's CI job is written for. */
export type CiSystem = 'github-actions' | 'gitlab-ci' | 'bitbucket-pipelines' | 'azure-pipelines';

/** The scanner's CI job to add to a repository. */
export interface CiTemplate {
  /** Repository path of the CI file (`.github/workflows/scan.yml`, `.gitlab-ci.yml`, `azure-pipelines.yml`). */
  readonly path: string;
  readonly content: string;
  /** The branch the change is proposed on (`scanner/add-ci`); unused by a direct commit. */
  readonly branch: string;
  readonly commitMessage: string;
  readonly pullRequest: { readonly title: string; readonly description: string };
}

/** A file as the SCM holds it: its text and git's blob id of its bytes. */
export interface CiFile {
  readonly content: string;
  readonly blobId: string;
}

export interface CiJobResult {
  /**
   * `opened`: branch, file and pull request created; `updated`: our open pull request got the new content;
   * `unchanged`: our open pull request already has it; `present`: the default branch already has the file with
   * this content, nothing proposed or committed; `committed`: a direct commit on the default branch.
   */
  readonly outcome: 'opened' | 'updated' | 'unchanged' | 'present' | 'committed';
  readonly pullRequest?: { readonly number: number; readonly webUrl: string };
  /** The commit a direct write made (`committed`). */
  readonly commit?: { readonly sha: string; readonly webUrl: string };
}

/** Adds the scanner's CI job to a repository, through a pull request or a direct commit. */
export interface CiWriter {
  readonly system: CiSystem;
  /**
   * The file at `path` on `ref` (the default branch when omitted), or undefined when the path holds none.
   * Rejects `not-found` with code `repository_empty` for an empty repository.
   */
  readCiFile(
    repository: ScmRepositoryRef & Pick<ScmRepository, 'defaultBranch'>,
    path: string,
    ref?: string,
  ): Promise<CiFile | undefined>;
  /**
   * Pull-request mode. Idempotent: calling it again (after a crash, a retry, a second bulk run) converges on one
   * branch and one open pull request, never a second one, and writes no commit when the branch's blob already
   * matches. Rejects with `not-found` (code `repository_empty`) for an empty repository.
   */
  ensureCiJob(
    repository: ScmRepositoryRef & Pick<ScmRepository, 'defaultBranch'>,
    template: CiTemplate,
  ): Promise<CiJobResult>;
  /**
   * Direct mode: commits the file on the default branch, or answers `present` when its blob already matches.
   * Rejects `forbidden` with code `branch_protected` (and a fix naming the rule) when the branch's protection
   * refuses a direct push.
   */
  commitCiFile(
    repository: ScmRepositoryRef & Pick<ScmRepository, 'defaultBranch'>,
    template: Pick<CiTemplate, 'path' | 'content' | 'commitMessage'>,
  ): Promise<CiJobResult>;
}

/**
 * Where a CI job's secret lives in the SCM: a GitHub Actions repository secret (sealed with the repository's
 * public key), a GitLab CI/CD project variable (masked), a Bitbucket Pipelines repository variable (secured), an
 * Azure Pipelines variable group of the project (secret). Values are written, never read back.
 */
export interface CiSecretStore {
  /** Words for the UI: "GitHub Actions repository secret". */
  readonly label: string;
  /**
   * The key of the place a secret for `repository` is stored: the repository's id for per-repository stores,
   * the project's for Azure DevOps, whose variable groups belong to a project. One token is made per key.
   */
  scopeOf(repository: ScmRepositoryRef): string;
  /** Whether a secret or variable named `name` exists there (its name only; values are never read). */
  hasSecret(repository: ScmRepositoryRef, name: string): Promise<boolean>;
  /** Creates or replaces it. Rejects `forbidden` with the permission or scope to grant. */
  putSecret(repository: ScmRepositoryRef, name: string, value: string): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// Files at a commit

/** A file of a repository at a commit, and the SCM's id of its content (the git blob id where the SCM gives one). */
export interface ScmFile {
  readonly content: Buffer;
  readonly blobId: string;
}

/** Reads files of the connection's repositories at a commit. */
export interface FileReader {
  /**
   * The file `path` (repository-relative, `/`-separated) at `commitSha`. Resolves undefined when the file does not
   * exist at that commit; rejects `not-found` for an unknown repository or commit, `too-large` over a limit
   * (say which), and as every call does for auth, rate limits, transport. Never follows a path out of the repository.
   */
  readFile(repository: ScmRepositoryRef, commitSha: string, path: string): Promise<ScmFile | undefined>;
}

// ---------------------------------------------------------------------------------------------------------------
// Webhooks (receiving them: src/scm/webhook-receiver.ts; registering them: here)

/** Where the SCM is to deliver, and the secret it signs or authenticates each delivery with. */
export interface HookTarget {
  /** `https://…/webhooks/{kind}/{hookId}`, the connection's own address. */
  readonly url: string;
  /**
   * The HMAC key (GitHub, Bitbucket), the secret token (GitLab `X-Gitlab-Token`), or `user:password` for the
   * basic-auth credentials of Azure DevOps service hooks.
   */
  readonly secret: string;
}

/** The hook (or, for Azure DevOps, the subscriptions, one per event) the SCM made, by the SCM's own ids. */
export interface RegisteredHook {
  readonly hookIds: readonly string[];
  /** GitLab only: the signing token GitLab generated for the hook, when the instance has signing tokens. */
  readonly signingSecret?: string;
}

/**
 * Registers scm-connect's hook on the connection's target (GitLab group, Bitbucket Cloud workspace, Bitbucket
 * Data Center project, Azure DevOps organization) for repository and push events, and removes it. Register is
 * idempotent by URL: a hook already delivering to `target.url` is updated, not doubled. A refusal rejects with
 * `ScmError` (`forbidden` with the permission or scope to grant, in words the admin can act on).
 */
export interface WebhookRegistrar {
  registerHook(target: HookTarget): Promise<RegisteredHook>;
  /** Removes what {@link registerHook} made; a hook already gone is not an error. */
  removeHook(hook: RegisteredHook): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// Links and the provider

/** Builds web links. Pure: no network, no credentials. */
export interface LinkBuilder {
  /**
   * A commit-pinned link to a file and line range, on http(s) only. Throws `ScmError` kind `invalid` for a
   * commit id that is not 7–64 hex digits, a path with `..`, or a bad line range.
   */
  fileUrl(location: FileLocation): string;
}

/** Which optional capabilities an adapter offers; each flag matches the presence of its interface. */
export interface ProviderCapabilities {
  readonly members: boolean;
  readonly comments: boolean;
  /** Comments on a line of the diff (`PullRequestCommenter.createInlineComment`). */
  readonly inlineComments: boolean;
  readonly ci: boolean;
  readonly webhooks: boolean;
  /** Reads files at a commit (`FileReader`). */
  readonly files: boolean;
}

/**
 * One connection's adapter, created by the kind's factory (`createXProvider(connection, deps)`); all state hangs
 * off the instance. Testing, listing and links are required; the rest are present when the kind offers them.
 */
export interface ScmProvider extends ConnectionTester, RepositoryLister, LinkBuilder {
  readonly kind: ScmKindId;
  readonly capabilities: ProviderCapabilities;
  readonly members?: MemberLister;
  readonly comments?: PullRequestCommenter;
  readonly ci?: CiWriter;
  /** Present with `ci`: where the CI job's secret is stored. */
  readonly ciSecrets?: CiSecretStore;
  readonly webhooks?: WebhookRegistrar;
  readonly files?: FileReader;
}
