import type { KeyObject } from 'node:crypto';
import type { Permissions } from './scenario.js';

export interface UserRecord {
  readonly id: number;
  login: string;
  name: string | null;
  email: string | null;
  password: string | undefined;
  siteAdmin: boolean;
  readonly type: 'User' | 'Bot';
  readonly createdAt: string;
}

export interface OrgRecord {
  readonly id: number;
  login: string;
  name: string | null;
  description: string | null;
  /** user id → role */
  readonly members: Map<number, 'admin' | 'member'>;
  /** Pending invitations by invitee's user id: not members until accepted. */
  readonly invitations: Map<number, OrgInvitationRecord>;
  readonly createdAt: string;
}

/** An invitation to join an organization that the person has not accepted yet. */
export interface OrgInvitationRecord {
  readonly id: number;
  readonly role: 'admin' | 'member';
  readonly inviterId: number;
  readonly createdAt: string;
}

export interface GitCommit {
  readonly sha: string;
  readonly message: string;
  readonly parents: readonly string[];
  readonly files: ReadonlyMap<string, Buffer>;
  readonly date: string;
}

export interface RepoRecord {
  readonly id: number;
  /** Org (or user) login that owns the repository. */
  readonly owner: string;
  readonly ownerId: number;
  readonly ownerType: 'Organization' | 'User';
  readonly name: string;
  description: string | null;
  defaultBranch: string;
  private: boolean;
  archived: boolean;
  /** A fork of another repository (the listing's `fork: true`; its parent is not modelled). */
  readonly fork: boolean;
  /**
   * How the default branch is protected against direct pushes: a classic branch protection rule or a ruleset
   * requiring pull requests; `PUT …/contents/{path}` on it is refused (409) either way.
   */
  defaultBranchProtection: 'classic' | 'ruleset' | undefined;
  readonly createdAt: string;
  pushedAt: string;
  /** Created on first use so 10,000 generated repositories stay cheap. */
  git: { commits: Map<string, GitCommit>; branches: Map<string, string> } | undefined;
  readonly initialFiles: Readonly<Record<string, string>>;
  nextNumber: number;
  /** Direct collaborators: user id → role (`read`, `triage`, `write`, `maintain`, `admin`). */
  readonly collaborators: Map<number, CollaboratorRole>;
}

export type CollaboratorRole = 'read' | 'triage' | 'write' | 'maintain' | 'admin';

export interface DiffFileRecord {
  readonly filename: string;
  readonly status: 'added' | 'removed' | 'modified' | 'renamed';
  /** The hunks; `''` when GitHub sends no `patch` (a binary file, or a rename without changes). */
  readonly patch: string;
  /** A renamed file's path at the base. */
  readonly previousFilename?: string;
  readonly additions: number;
  readonly deletions: number;
}

export interface PullRecord {
  readonly id: number;
  readonly repoId: number;
  readonly number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  /** When it was merged (closed by a merge); null otherwise. */
  mergedAt: string | null;
  mergedBy: number | null;
  closedAt: string | null;
  draft: boolean;
  readonly authorId: number;
  readonly head: string;
  headSha: string;
  readonly base: string;
  baseSha: string;
  files: DiffFileRecord[];
  readonly createdAt: string;
  updatedAt: string;
}

export interface IssueCommentRecord {
  readonly id: number;
  readonly repoId: number;
  readonly number: number;
  readonly authorId: number;
  /** App id when the author is an app's bot. */
  readonly appId: number | undefined;
  body: string;
  readonly createdAt: string;
  updatedAt: string;
}

export interface ReviewCommentRecord {
  readonly id: number;
  readonly repoId: number;
  readonly number: number;
  readonly reviewId: number;
  readonly authorId: number;
  body: string;
  readonly path: string;
  readonly line: number | null;
  readonly side: 'LEFT' | 'RIGHT';
  readonly startLine: number | null;
  readonly startSide: 'LEFT' | 'RIGHT' | null;
  readonly subjectType: 'line' | 'file';
  readonly commitId: string;
  /** The deprecated `original_position`: the line's index in the file's patch when the comment was made. */
  readonly originalPosition: number;
  readonly inReplyTo: number | undefined;
  readonly createdAt: string;
  updatedAt: string;
}

export interface ReviewRecord {
  readonly id: number;
  readonly repoId: number;
  readonly number: number;
  readonly authorId: number;
  readonly body: string;
  readonly state: 'COMMENTED' | 'APPROVED' | 'CHANGES_REQUESTED' | 'PENDING';
  readonly commitId: string;
  readonly submittedAt: string;
}

export interface AppRecord {
  readonly id: number;
  slug: string;
  name: string;
  description: string | null;
  url: string;
  clientId: string;
  clientSecret: string;
  privateKeyPem: string;
  publicKey: KeyObject;
  webhookSecret: string | null;
  webhookUrl: string | null;
  webhookActive: boolean;
  permissions: Permissions;
  events: string[];
  /** Login of the owning org or user. */
  owner: string;
  setupUrl: string | null;
  callbackUrls: string[];
  setupOnUpdate: boolean;
  requestOauthOnInstall: boolean;
  public: boolean;
  /** Id of the app's `slug[bot]` user, the author of what installation tokens write. */
  readonly botUserId: number;
  readonly createdAt: string;
  updatedAt: string;
}

export interface InstallationRecord {
  readonly id: number;
  readonly appId: number;
  readonly account: string;
  repositorySelection: 'all' | 'selected';
  readonly selectedRepoIds: Set<number>;
  permissions: Permissions;
  events: string[];
  suspendedAt: string | null;
  readonly createdAt: string;
  updatedAt: string;
}

export interface TokenRecord {
  readonly token: string;
  readonly kind: 'installation' | 'user';
  readonly appId: number;
  readonly installationId: number | undefined;
  readonly userId: number | undefined;
  readonly permissions: Permissions;
  /** Repository ids the token is narrowed to; `undefined` = whatever the installation can see. */
  readonly repoIds: ReadonlySet<number> | undefined;
  readonly expiresAt: number;
  revoked: boolean;
}

export interface CodeRecord {
  readonly code: string;
  readonly appId: number;
  readonly userId: number;
  readonly redirectUri: string | undefined;
  /** PKCE `code_challenge` (S256) given on authorize; the exchange must then send its `code_verifier`. */
  readonly challenge?: string;
  readonly expiresAt: number;
  used: boolean;
}

export interface ManifestCodeRecord {
  readonly code: string;
  readonly appId: number;
  readonly expiresAt: number;
  used: boolean;
}

export interface DeliveryRecord {
  readonly id: number;
  readonly guid: string;
  readonly appId: number;
  readonly deliveredAt: string;
  readonly redelivery: boolean;
  readonly duration: number;
  readonly status: string;
  readonly statusCode: number;
  readonly event: string;
  readonly action: string | null;
  readonly installationId: number | null;
  readonly repositoryId: number | null;
}

/** A check run an app made on a commit. */
export interface CheckRunRecord {
  readonly id: number;
  readonly repoId: number;
  readonly appId: number;
  readonly name: string;
  readonly headSha: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  detailsUrl: string | null;
  externalId: string | null;
  title: string | null;
  summary: string | null;
  text: string | null;
  readonly startedAt: string;
  completedAt: string | null;
}

/**
 * A repository's GitHub Actions secrets: the X25519 key pair `GET …/actions/secrets/public-key` hands out the
 * public half of (`key_id` names it), and each secret's plaintext as the twin opened it: what a workflow run
 * would see, never served by the API.
 */
export interface ActionsSecretsRecord {
  keyId: string;
  publicKey: Uint8Array;
  privateKey: Uint8Array;
  /** By upper-case name (secret names are case-insensitive and listed upper-case). */
  readonly secrets: Map<string, { value: string; createdAt: string; updatedAt: string }>;
}
