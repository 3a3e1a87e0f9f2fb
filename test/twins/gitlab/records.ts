/** The records a GitLab twin keeps; see `GitLabState`. */
import type { GitLabAccessLevel, GitLabScope, GitLabUserState, GitLabVisibility } from './scenario.js';

export interface GitLabUser {
  readonly id: number;
  readonly username: string;
  readonly name: string;
  readonly email: string | undefined;
  readonly bot: boolean;
  readonly admin: boolean;
  /** For the web sign-in page; `undefined`: cannot sign in there. */
  password: string | undefined;
  state: GitLabUserState;
}

export interface GitLabToken {
  readonly id: number;
  value: string;
  readonly name: string;
  readonly userId: number;
  readonly scopes: GitLabScope[];
  expiresAt: string | null;
  revoked: boolean;
  readonly kind: 'personal' | 'group' | 'project' | 'oauth';
  readonly createdAt: string;
  /** OAuth access tokens: when they stop working (ms since the epoch, on the twin's clock). */
  readonly expiresAtMs?: number;
  /** OAuth access tokens: the application's uid. */
  readonly applicationUid?: string;
  lastUsedAt: string | null;
  requestsPerMinute: number | undefined;
  /** Fixed one-minute window used for the per-token budget. */
  window: { startedAt: number; count: number };
}

export interface GitLabMember {
  readonly userId: number;
  accessLevel: GitLabAccessLevel;
  expiresAt: string | null;
  /** `membership_state`. */
  state: 'active' | 'awaiting';
  readonly createdAt: string;
}

/** A pending invitation of an email address to a group. */
export interface GitLabInvitation {
  readonly id: number;
  readonly email: string;
  readonly accessLevel: GitLabAccessLevel;
  readonly expiresAt: string | null;
  readonly invitedById: number | null;
  readonly createdAt: string;
}

export interface GitLabHook {
  readonly id: number;
  /** Sent as `X-Gitlab-Webhook-UUID` with every delivery of this hook. */
  readonly uuid: string;
  readonly groupId: number;
  url: string;
  name: string | null;
  description: string | null;
  token: string | undefined;
  readonly events: Set<string>;
  enableSslVerification: boolean;
  readonly createdAt: string;
}

export interface GitLabGroup {
  readonly id: number;
  readonly path: string;
  readonly name: string;
  readonly fullPath: string;
  readonly parentId: number | null;
  readonly visibility: GitLabVisibility;
  /** gitlab.com plan of a top-level group (or the self-managed license); group webhooks need Premium. */
  readonly plan: 'free' | 'premium' | 'ultimate';
  readonly members: Map<number, GitLabMember>;
  readonly hooks: GitLabHook[];
  readonly invitations: GitLabInvitation[];
  readonly createdAt: string;
}

export interface GitLabCommit {
  readonly id: string;
  readonly parentIds: string[];
  readonly message: string;
  readonly authorName: string;
  readonly authorEmail: string;
  readonly createdAt: string;
  /** The repository's files at this commit (path → content), so that a file can be read at any commit. */
  readonly files: ReadonlyMap<string, string>;
}

export interface GitLabBranch {
  readonly name: string;
  commit: string;
  readonly files: Map<string, string>;
}

/**
 * A protected branch rule ("Protected branches API"): who may push (`0` no one, `30` Developers and
 * Maintainers, `40` Maintainers) and merge. The default branch gets one when the project is made.
 */
export interface GitLabBranchProtection {
  pushAccessLevel: 0 | 30 | 40;
  mergeAccessLevel: 0 | 30 | 40;
}

/** A project's CI/CD variable ("Project-level CI/CD variables API"); the twin keeps its value for "the CI". */
export interface GitLabVariable {
  readonly key: string;
  value: string;
  variableType: 'env_var' | 'file';
  protected: boolean;
  masked: boolean;
  /** Masked and hidden (17.4+): the value is never shown again. */
  readonly hidden: boolean;
  raw: boolean;
  environmentScope: string;
  description: string | null;
}

export interface GitLabNote {
  readonly id: number;
  body: string;
  readonly authorId: number;
  readonly system: boolean;
  /** `null` for a standalone note; a reply turns it into a `DiscussionNote`. */
  type: null | 'DiffNote' | 'DiscussionNote';
  readonly position: Record<string, unknown> | undefined;
  readonly createdAt: string;
  updatedAt: string;
}

export interface GitLabDiscussion {
  readonly id: string;
  /** A standalone note; replying to it makes it a thread. */
  individualNote: boolean;
  readonly notes: GitLabNote[];
  /** Threads only: resolved, by whom and when. */
  resolvedById: number | null;
  resolvedAt: string | null;
}

/** One version of a merge request's diff: the three commits a diff position names. */
export interface GitLabDiffRefs {
  readonly baseSha: string;
  readonly headSha: string;
  readonly startSha: string;
}

/** A commit status (`POST /projects/:id/statuses/:sha`); a newer one of the same name retires it. */
export interface GitLabCommitStatus {
  readonly id: number;
  readonly sha: string;
  readonly ref: string | null;
  readonly name: string;
  status: 'created' | 'pending' | 'running' | 'success' | 'failed' | 'canceled';
  targetUrl: string | null;
  description: string | null;
  readonly authorId: number;
  readonly createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  retried: boolean;
}

export interface GitLabMergeRequest {
  readonly id: number;
  readonly iid: number;
  readonly projectId: number;
  title: string;
  description: string;
  readonly authorId: number;
  readonly sourceBranch: string;
  readonly targetBranch: string;
  state: 'opened' | 'closed' | 'merged';
  /** The latest diff version; a push to the source branch adds one. */
  diffRefs: GitLabDiffRefs;
  /** Every diff version, oldest first: a position may name any of them. */
  readonly versions: GitLabDiffRefs[];
  removeSourceBranch: boolean;
  readonly discussions: GitLabDiscussion[];
  readonly createdAt: string;
  updatedAt: string;
}

export interface GitLabProject {
  readonly id: number;
  path: string;
  name: string;
  readonly groupId: number;
  readonly visibility: GitLabVisibility;
  archived: boolean;
  defaultBranch: string;
  readonly members: Map<number, GitLabMember>;
  readonly branches: Map<string, GitLabBranch>;
  readonly commits: Map<string, GitLabCommit>;
  readonly mergeRequests: Map<number, GitLabMergeRequest>;
  /** Protected branch rules by branch name (exact names; wildcards are not modelled). */
  readonly protectedBranches: Map<string, GitLabBranchProtection>;
  readonly statuses: GitLabCommitStatus[];
  /** CI/CD variables by key (environment scope `*` unless set otherwise). */
  readonly variables: Map<string, GitLabVariable>;
  /** The project this one was forked from (`forked_from_project`). */
  readonly forkedFromId: number | null;
  readonly createdAt: string;
}
