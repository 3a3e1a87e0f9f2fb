import type { Generated } from 'kysely';

/** Timestamps are ISO 8601 UTC strings in both engines, so they sort and compare alike. */
type Timestamp = string;

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  created_at: Timestamp;
  /** 0 or 1: may set up the instance's GitHub App (the person who set the instance up, `admin create`). */
  instance_admin: Generated<number>;
}

export interface AccountsTable {
  id: string;
  name: string;
  created_at: Timestamp;
  /** The role new members get: from the membership source, single sign-on, an invitation without one. */
  default_role: Generated<Role>;
  /** 1: members must sign in through the account's active single sign-on provider. */
  require_sso: Generated<number>;
  /** The local admin who may still sign in with a password while single sign-on is required. */
  break_glass_user_id: string | null;
}

export type Role = 'admin' | 'member';

/** An API token acts with a role in its account; `scan-upload` may upload scans and do nothing else. */
export type TokenRole = Role | 'scan-upload';

export interface MembershipsTable {
  account_id: string;
  user_id: string;
  role: Role;
  created_at: Timestamp;
  /** 1: the account's membership source added the member, and removes them when the SCM does. */
  managed: Generated<number>;
  /** The role held in the SCM organization (`owner`, `member`, `maintainer`…) when managed. */
  scm_role: string | null;
}

export interface SessionsTable {
  /** sha256 of the cookie value: a database dump holds no usable session. */
  id_hash: string;
  user_id: string;
  account_id: string | null;
  csrf_token: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  /** How the person signed in. */
  method: Generated<SignInMethod>;
  /** The account's single sign-on provider the session came through, for `oidc` and `saml`. */
  sso_provider_id: string | null;
}

export type SignInMethod = 'password' | IdentityProvider;

export interface ApiTokensTable {
  id: string;
  account_id: string;
  name: string;
  role: TokenRole;
  token_hash: string;
  prefix: string;
  created_by: string | null;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
}

export interface InvitationsTable {
  id: string;
  account_id: string;
  email: string;
  role: Role;
  token_hash: string;
  created_by: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface InstanceSettingsTable {
  key: string;
  value: string;
}

export interface RateLimitsTable {
  key: string;
  window_start: Timestamp;
  count: number;
}

export interface AuditEventsTable {
  id: string;
  account_id: string | null;
  actor_user_id: string | null;
  action: string;
  target: string | null;
  details: string | null;
  created_at: Timestamp;
}

/** `needs_attention`: the last sync or test failed; the `status_reason_*` columns say why. */
export type ConnectionStatus = 'connected' | 'pending' | 'needs_attention';

/** What found the problem: a sync, or a test (Test connection or a scheduled check). */
export type StatusReasonSource = 'sync' | 'test';

export interface ConnectionsTable {
  id: string;
  account_id: string;
  kind: string;
  name: string;
  base_url: string;
  /** org / group / workspace / project key, as the SCM names it. */
  target: string;
  status: ConnectionStatus;
  /** Non-secret settings of the kind, JSON. */
  settings: string;
  /** `v1:{kid}:…` envelope ciphertext bound to this row; null for app-based kinds. */
  token_encrypted: string | null;
  /** Custom CA bundle (PEM) for self-managed instances; public material, stored as is. */
  ca_pem: string | null;
  token_updated_at: Timestamp | null;
  last_test: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_synced_at: Timestamp | null;
  /** Why the last sync failed, in words safe to show. */
  sync_error: string | null;
  /** Its machine-readable code (`invalid_credentials`, `pagination_origin_mismatch`, …). */
  sync_error_code: string | null;
  sync_error_at: Timestamp | null;
  /** Why the status is `needs_attention` (all null while connected). */
  status_reason_code: string | null;
  status_reason_message: string | null;
  status_reason_at: Timestamp | null;
  status_reason_source: StatusReasonSource | null;
  /** 0 or 1: pull request comments go to this connection's repositories (default 1). */
  comments_enabled: Generated<number>;
}

export interface OrganizationsTable {
  id: string;
  account_id: string;
  connection_id: string;
  /** The SCM's stable id (numeric id, uuid or GUID), never the name. */
  external_id: string;
  name: string;
  web_url: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RepositoriesTable {
  id: string;
  account_id: string;
  connection_id: string;
  organization_id: string;
  external_id: string;
  name: string;
  full_name: string;
  default_branch: string | null;
  visibility: 'public' | 'private' | 'internal';
  /** 0 or 1: the same in both engines. */
  archived: number;
  web_url: string;
  /** 0 or 1: an admin excluded the repository from scanning (uploads for it are refused). */
  excluded: Generated<number>;
  /** JSON array of the tags an admin gave the repository. */
  tags: Generated<string>;
  /** 0 or 1: pull request comments go to this repository's pull requests (default 1). */
  comments_enabled: Generated<number>;
  /** 0 or 1: a fork of another repository (bulk CI skips it). */
  fork: Generated<number>;
  synced_at: Timestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface JobsTable {
  id: string;
  /** Null for instance jobs (key rotation, pruning). */
  account_id: string | null;
  kind: string;
  /** JSON. */
  payload: string;
  status: JobStatus;
  /** Runs started so far, the current one included. */
  attempts: number;
  max_attempts: number;
  /** Not claimed before this time. */
  run_at: Timestamp;
  /** The worker running the job, and when its claim lapses if that worker stops renewing it. */
  lease_owner: string | null;
  lease_expires_at: Timestamp | null;
  /** A message safe to show: never a stack trace or an upstream body. */
  last_error: string | null;
  /** JSON: the handler's return value, or its last reported progress. */
  result: string | null;
  /** Unique per account (and among instance jobs) when given. */
  idempotency_key: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  finished_at: Timestamp | null;
  /** The connection the job works on (its payload's `connectionId`), for the Activity filter. */
  connection_id: string | null;
  /** When the current (or last) run was claimed. */
  started_at: Timestamp | null;
  /** How far the current run got: `progress_done` of `progress_total` (null while the total is unknown). */
  progress_done: number | null;
  progress_total: number | null;
}

export interface JobSchedulesTable {
  name: string;
  account_id: string | null;
  kind: string;
  /** JSON. */
  payload: string;
  every_ms: number;
  /** Start of the newest slot a job was enqueued for. */
  last_slot_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WebhookEndpointsTable {
  /** The unguessable `{hookId}` of `POST /webhooks/{kind}/{hookId}`. */
  id: string;
  account_id: string;
  /** The connection it serves; null for an endpoint of a GitHub App (`app_id`). */
  connection_id: string | null;
  app_id: string | null;
  /** `github`, `gitlab`, `bitbucket-cloud`, `bitbucket-data-center` or `azure-devops`. */
  kind: string;
  /** `v1:{kid}:…` ciphertexts bound to this row. */
  secret_encrypted: string;
  signing_secret_encrypted: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_delivery_at: Timestamp | null;
  last_failure_at: Timestamp | null;
  /** Why the last refused delivery was refused, in words safe to show. */
  last_failure: string | null;
  /** JSON array of the SCM's ids of the hook (subscriptions, for Azure DevOps) scm-connect registered; null if none. */
  registered_hook_ids: string | null;
  /** When the hook was last registered on the SCM. */
  registered_at: Timestamp | null;
  /** Why scm-connect could not register the hook (`{code, message}` JSON, safe to show); null when it could. */
  registration_problem: string | null;
  /**
   * When a sync found repositories created or removed on the SCM while the hook, registered before, delivered
   * nothing since the sync before: the hook looks silent. Cleared by the warning's reader once a delivery is newer.
   */
  silent_activity_at: Timestamp | null;
}

export type WebhookDeliveryStatus = 'received' | 'processed' | 'ignored' | 'failed';

export interface WebhookDeliveriesTable {
  id: string;
  account_id: string;
  endpoint_id: string;
  /** The SCM's id of the delivery, unique per endpoint. */
  delivery_id: string;
  event: string;
  received_at: Timestamp;
  /** The raw body as received (UTF-8 JSON). */
  body: string;
  body_bytes: number;
  status: WebhookDeliveryStatus;
  /** What processing did, or why it did nothing. */
  outcome: string | null;
  processed_at: Timestamp | null;
}

/** A GitHub App registered through the manifest flow; its secrets are `v1:{kid}:…` ciphertexts bound to the row. */
export interface GitHubAppsTable {
  id: string;
  /** Null for the instance's app on github.com; the account of a GitHub Enterprise Server app. */
  account_id: string | null;
  /** The GitHub Enterprise Server connection whose app this is; null for the instance's app. */
  connection_id: string | null;
  /** Web root: https://github.com or the Enterprise Server's address. */
  web_url: string;
  api_url: string;
  /** GitHub's numeric id of the app, as an integer string. */
  app_id: string;
  slug: string;
  name: string;
  /** The organization that owns the app; null for an app owned by a user. */
  owner: string | null;
  client_id: string;
  /** JSON object: permission → `read` / `write`, as granted at registration. */
  permissions: string;
  /** JSON array of the webhook events the app subscribes to. */
  events: string;
  private_key_encrypted: string;
  webhook_secret_encrypted: string;
  client_secret_encrypted: string;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type GitHubFlowPurpose = 'install' | 'authorize' | 'manifest';

/** A single-use `state` of a redirect to GitHub, valid ten minutes for one session and one account. */
export interface GitHubFlowStatesTable {
  /** sha256 of the `state` value. */
  state_hash: string;
  purpose: GitHubFlowPurpose;
  account_id: string;
  user_id: string;
  /** The session that started the flow (its `id_hash`). */
  session_hash: string;
  /** sha256 of the nonce cookie set with it, so a link followed in another browser is not enough. */
  nonce_hash: string;
  /** JSON: what the flow needs back (the installation to confirm, the manifest's host). */
  details: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
}

/** An installation of a GitHub App linked to one connection of one account. Ids are integer strings. */
export interface GitHubInstallationsTable {
  id: string;
  account_id: string;
  connection_id: string;
  /** The app's web root and numeric id: the app whose installation this is. */
  web_url: string;
  app_id: string;
  installation_id: string;
  /** The organization's or user's numeric id and login. */
  target_id: string;
  target_login: string;
  target_type: 'Organization' | 'User';
  repository_selection: 'all' | 'selected';
  /** 0 or 1: an admin of the organization let other scm-connect accounts link this installation too. */
  allow_other_accounts: number;
  linked_by_user_id: string | null;
  /** The GitHub user who proved admin rights when linking. */
  linked_by_github_user_id: string;
  suspended_at: Timestamp | null;
  /** When GitHub said the app was uninstalled. */
  removed_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A member asked an organization owner to install the app (`setup_action=request`). */
export interface GitHubInstallRequestsTable {
  id: string;
  account_id: string;
  user_id: string | null;
  web_url: string;
  app_id: string;
  github_user_id: string;
  github_login: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export type ScanStatus = 'queued' | 'processing' | 'processed' | 'failed';

/** One SARIF upload for a repository at a commit; its log is kept (gzip, base64) until processed. */
export interface ScansTable {
  id: string;
  account_id: string;
  connection_id: string;
  repository_id: string;
  commit_sha: string;
  branch: string | null;
  pull_request_number: number | null;
  base_commit_sha: string | null;
  base_branch: string | null;
  /** sha256 of (repository, commit, the runs' tools and categories): the same upload twice is one scan. */
  dedupe_key: string;
  status: ScanStatus;
  error_code: string | null;
  error_message: string | null;
  log_gzip_base64: string | null;
  log_bytes: number;
  result_count: number;
  /** JSON: what processing found (counts by state and severity). */
  summary: string | null;
  uploaded_by_user_id: string | null;
  uploaded_by_token_id: string | null;
  created_at: Timestamp;
  processed_at: Timestamp | null;
}

export interface ScanRunsTable {
  id: string;
  account_id: string;
  scan_id: string;
  run_index: number;
  tool_name: string;
  tool_version: string | null;
  /** `runAutomationDetails.id` up to its last `/` (SARIF's category), '' when none. */
  category: string;
  result_count: number;
}

export interface ScanRulesTable {
  id: string;
  account_id: string;
  tool_name: string;
  rule_id: string;
  name: string | null;
  short_description: string | null;
  full_description: string | null;
  help_text: string | null;
  help_markdown: string | null;
  help_uri: string | null;
  default_level: string | null;
  security_severity: string | null;
  /** JSON array. */
  tags: Generated<string>;
  updated_at: Timestamp;
}

export type FindingState = 'open' | 'fixed' | 'removed';
export type FindingSeverity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export type IgnoreReason = 'false_positive' | 'acceptable_risk' | 'other';

export interface FindingsTable {
  id: string;
  account_id: string;
  connection_id: string;
  repository_id: string;
  branch: string;
  tool_name: string;
  category: string;
  rule_id: string;
  /** The finding's identity within (repository, branch, tool, category). */
  fingerprint: string;
  state: FindingState;
  ignored_reason: IgnoreReason | null;
  ignored_note: string | null;
  ignored_by_user_id: string | null;
  ignored_at: Timestamp | null;
  severity: FindingSeverity;
  /** SARIF `level`: none, note, warning, error. */
  level: string;
  message: string;
  path: string | null;
  start_line: number | null;
  start_column: number | null;
  end_line: number | null;
  end_column: number | null;
  /** JSON: related locations, code flows, fixes, as last seen. */
  details: string | null;
  /** The commit it was last seen at. */
  commit_sha: string;
  first_seen_scan_id: string;
  last_seen_scan_id: string;
  fixed_in_scan_id: string | null;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
  fixed_at: Timestamp | null;
  updated_at: Timestamp;
}

export interface ScanFindingsTable {
  scan_id: string;
  finding_id: string;
  account_id: string;
  /** 0 or 1. */
  new_in_pull_request: Generated<number>;
  path: string | null;
  start_line: number | null;
  end_line: number | null;
}

export type FindingEventKind = 'opened' | 'fixed' | 'reopened' | 'removed' | 'ignored' | 'unignored';

export interface FindingEventsTable {
  id: string;
  account_id: string;
  finding_id: string;
  kind: FindingEventKind;
  scan_id: string | null;
  user_id: string | null;
  reason: string | null;
  note: string | null;
  at: Timestamp;
  /** JSON {@link FindingEventVia}: where a triage came from, when not from scm-connect's own pages or API. */
  via: string | null;
}

export interface FileLineHashesTable {
  account_id: string;
  repository_id: string;
  blob_id: string;
  /** JSON array: one hash per line of the file. */
  line_hashes: string;
  created_at: Timestamp;
}

/** An account's pull request comment settings, once an admin saved them; defaults apply until then. */
export interface CommentSettingsTable {
  account_id: string;
  /** A rule firing more times than this in one pull request goes to the summary instead of inline. */
  rule_threshold: number;
  /** JSON array of the `FindingSeverity` values that make the commit status fail. */
  blocking_severities: string;
  updated_by_user_id: string | null;
  updated_at: Timestamp;
}

/** A triage made by replying to one of scm-connect's comments on a pull request. */
export interface FindingEventVia {
  readonly kind: 'pull-request-comment';
  /** The SCM login of who replied. */
  readonly login: string;
  readonly pullRequest: number;
  /** The reply, or the comment replied to. */
  readonly url?: string;
}

export type PullRequestCommentPlacement = 'inline' | 'listed' | 'summary';

/** What scm-connect said on a pull request about one finding (`f-…`), or its summary (`summary`). */
export interface PullRequestCommentsTable {
  account_id: string;
  connection_id: string;
  repository_id: string;
  pull_request_number: number;
  key: string;
  finding_id: string | null;
  /** `inline`: a comment on its line; `listed`: only in the summary (no comment of its own); `summary`. */
  placement: PullRequestCommentPlacement;
  /** The SCM's ids (as `ScmCommentRef`); null for a `listed` finding. */
  comment_id: string | null;
  thread_id: string | null;
  comment_version: number | null;
  web_url: string | null;
  /** sha256 of the body last written (or adopted). */
  body_hash: string | null;
  status: 'open' | 'fixed';
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** One pull request's reconciliation: the newest scan done, the status set, and who reconciles it now. */
export interface PullRequestCommentStatesTable {
  account_id: string;
  connection_id: string;
  repository_id: string;
  pull_request_number: number;
  last_scan_id: string | null;
  last_scan_created_at: Timestamp | null;
  head_sha: string | null;
  status_state: string | null;
  status_description: string | null;
  status_sha: string | null;
  status_target_url: string | null;
  lease_owner: string | null;
  lease_expires_at: Timestamp | null;
  reconciled_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Where an identity comes from: an SCM's sign-in or an account's single sign-on provider. */
export type IdentityProvider = 'github' | 'gitlab' | 'oidc' | 'saml';

/** A sign-in method linked to a user, keyed by (provider, issuer, subject): never by login or email. */
export interface UserIdentitiesTable {
  id: string;
  user_id: string;
  provider: IdentityProvider;
  /** GitHub's or GitLab's web root (`https://github.com`), the OIDC issuer, or the SAML IdP entity id. */
  issuer: string;
  /** The SCM's numeric user id, the OIDC `sub`, or the SAML NameID. */
  subject: string;
  /** Shown, never matched: the login or username as last seen. */
  login: string | null;
  email: string | null;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
}

export type SignInFlowPurpose = 'sign-in' | 'link' | 'test';

/** A single-use `state` of a redirect to an SCM or identity provider, valid ten minutes in one browser. */
export interface SignInFlowsTable {
  /** sha256 of the `state` value (SAML: of the request id). */
  state_hash: string;
  purpose: SignInFlowPurpose;
  provider: IdentityProvider;
  /** What to sign in with: the GitHub App's row id, the GitLab OAuth application's id, the SSO provider's id. */
  provider_ref: string;
  /** The signed-in person linking a method (`link`) or testing a provider (`test`). */
  user_id: string | null;
  account_id: string | null;
  /** sha256 of the nonce cookie set with it, so a link followed in another browser is not enough. */
  nonce_hash: string;
  /** Sealed JSON: the PKCE verifier and OIDC nonce. */
  sealed: string | null;
  /** A path inside scm-connect to land on afterwards. */
  return_to: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
}

/** An OAuth application on gitlab.com or a self-managed GitLab, for Sign in with GitLab. */
export interface GitLabOAuthAppsTable {
  id: string;
  /** The instance's web root, `https://gitlab.com` or the self-managed address. */
  web_url: string;
  application_id: string;
  secret_encrypted: string;
  /** PEM of a private CA the instance's certificate chains to. */
  ca_certificate: string | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** The GitHub organization or GitLab top-level group that manages an account's membership. */
export interface MembershipSourcesTable {
  account_id: string;
  connection_id: string;
  organization_external_id: string;
  organization_name: string;
  /** JSON object SCM role → account role; null: everyone gets the account's default role. */
  role_mapping: string | null;
  last_reconciled_at: Timestamp | null;
  /** JSON: what the last reconciliation did, or why it failed. */
  last_outcome: string | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type SsoProtocol = 'oidc' | 'saml';
export type SsoStatus = 'draft' | 'tested' | 'active';

/** An account's OpenID Connect or SAML identity provider. */
export interface SsoProvidersTable {
  id: string;
  account_id: string;
  protocol: SsoProtocol;
  name: string;
  /** JSON: the protocol's settings (issuer, client id, scopes, claims, domains; or the IdP's metadata). */
  settings: string;
  /** The OIDC client secret, sealed; null for SAML. */
  secret_encrypted: string | null;
  status: SsoStatus;
  tested_at: Timestamp | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A SAML assertion id accepted once, kept until the assertion expires. */
export interface SamlAssertionsSeenTable {
  provider_id: string;
  assertion_id: string;
  expires_at: Timestamp;
}

/** An account's CI job settings (the template of the scanner's CI job), once an admin saved them. */
export interface CiJobSettingsTable {
  account_id: string;
  /** JSON: the settings as the template reads them. */
  settings: string;
  updated_at: Timestamp;
  updated_by: string | null;
}

export type BulkCiMode = 'pull-request' | 'direct';
export type BulkCiRunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type BulkCiStepStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed';
export type BulkCiOutcome = 'opened' | 'updated' | 'unchanged' | 'present' | 'committed';

/** One bulk run adding the scanner's CI job to many repositories. */
export interface BulkCiRunsTable {
  id: string;
  account_id: string;
  created_by: string | null;
  mode: BulkCiMode;
  /** `succeeded` once it ended, even with failed repositories; `failed` when the job itself gave up. */
  status: BulkCiRunStatus;
  /** JSON: the CI job settings as they were when the run started. */
  settings: string;
  /** The address the CI job uploads scans to. */
  service_url: string;
  /** The durable job working on it (the newest, after a resume). */
  job_id: string | null;
  /** How many times it was resumed. */
  resumes: Generated<number>;
  created_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
}

/** One repository of a bulk run. */
export interface BulkCiStepsTable {
  run_id: string;
  account_id: string;
  repository_id: string;
  connection_id: string;
  /** The repository's full name when the run started (the report outlives the repository). */
  full_name: string;
  /** Its CI system; null for a kind without one. */
  system: string | null;
  /** The order it is worked on (0-based). */
  position: number;
  status: BulkCiStepStatus;
  outcome: BulkCiOutcome | null;
  pull_request_url: string | null;
  commit_url: string | null;
  /** `created` or `present`. */
  secret: 'created' | 'present' | null;
  /** Why it was skipped or failed: a stable code (`archived`, `branch_protected`, …). */
  reason: string | null;
  /** In words safe to show; never an upstream body. */
  message: string | null;
  fix: string | null;
  attempts: Generated<number>;
  updated_at: Timestamp;
}

/** Which scan-upload API token backs the CI secret stored in one place of an SCM. */
export interface CiSecretsTable {
  account_id: string;
  connection_id: string;
  /** `CiSecretStore.scopeOf(repository)`: the repository's id, or the Azure DevOps project's. */
  scope_key: string;
  secret_name: string;
  /** The token whose value is stored there; null once it was revoked. */
  api_token_id: string | null;
  /** A token made to replace it, not yet known to be stored (a crash in between leaves it here, to revoke). */
  pending_api_token_id: string | null;
  created_at: Timestamp;
}

export interface Database {
  users: UsersTable;
  accounts: AccountsTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  invitations: InvitationsTable;
  instance_settings: InstanceSettingsTable;
  rate_limits: RateLimitsTable;
  audit_events: AuditEventsTable;
  connections: ConnectionsTable;
  organizations: OrganizationsTable;
  repositories: RepositoriesTable;
  jobs: JobsTable;
  job_schedules: JobSchedulesTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  github_apps: GitHubAppsTable;
  github_flow_states: GitHubFlowStatesTable;
  github_installations: GitHubInstallationsTable;
  github_install_requests: GitHubInstallRequestsTable;
  scans: ScansTable;
  scan_runs: ScanRunsTable;
  scan_rules: ScanRulesTable;
  findings: FindingsTable;
  scan_findings: ScanFindingsTable;
  finding_events: FindingEventsTable;
  file_line_hashes: FileLineHashesTable;
  pull_request_comments: PullRequestCommentsTable;
  pull_request_comment_states: PullRequestCommentStatesTable;
  comment_settings: CommentSettingsTable;
  user_identities: UserIdentitiesTable;
  sign_in_flows: SignInFlowsTable;
  gitlab_oauth_apps: GitLabOAuthAppsTable;
  membership_sources: MembershipSourcesTable;
  sso_providers: SsoProvidersTable;
  saml_assertions_seen: SamlAssertionsSeenTable;
  ci_job_settings: CiJobSettingsTable;
  bulk_ci_runs: BulkCiRunsTable;
  bulk_ci_steps: BulkCiStepsTable;
  ci_secrets: CiSecretsTable;
}
