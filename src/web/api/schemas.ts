import { z } from 'zod/mini';

/**
 * The shapes of the API answers the UI reads. Parsing them keeps `unknown` server data out of the components;
 * unknown fields are dropped, so additions on the server do not break the UI.
 */
export const roleSchema = z.enum(['admin', 'member']);
export type Role = z.infer<typeof roleSchema>;

export const accountSummarySchema = z.object({ id: z.string(), name: z.string(), role: roleSchema });
export type AccountSummary = z.infer<typeof accountSummarySchema>;

export const sessionSchema = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string(), instanceAdmin: z.boolean() }),
  accounts: z.array(accountSummarySchema),
  currentAccountId: z.nullable(z.string()),
  csrfToken: z.string(),
});
export type Session = z.infer<typeof sessionSchema>;

export const setupStatusSchema = z.object({ needed: z.boolean() });

export const accountListSchema = z.object({ items: z.array(accountSummarySchema) });

export const memberSchema = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  joinedAt: z.string(),
  /** Came from the account's membership source: kept current by it, not edited by hand. */
  managed: z.optional(z.boolean()),
  /** Their role in the membership source (`owner`, `developer`…), when managed. */
  scmRole: z.nullish(z.string()),
});
export type Member = z.infer<typeof memberSchema>;
export const memberListSchema = z.object({ items: z.array(memberSchema) });

export const invitationSchema = z.object({
  email: z.string(),
  role: roleSchema,
  url: z.string(),
  expiresAt: z.string(),
});
export type Invitation = z.infer<typeof invitationSchema>;

export const addMemberResultSchema = z.object({ invitation: invitationSchema });
export type AddMemberResult = z.infer<typeof addMemberResultSchema>;

export const invitationInfoSchema = z.object({ email: z.string(), accountName: z.string() });
export type InvitationInfo = z.infer<typeof invitationInfoSchema>;

/** An API token's role: an account role, or `scan-upload` (uploads scans and nothing else: for CI jobs). */
export const tokenRoleSchema = z.enum(['admin', 'member', 'scan-upload']);
export type TokenRole = z.infer<typeof tokenRoleSchema>;

export const apiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: tokenRoleSchema,
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.nullish(z.string()),
});
export type ApiToken = z.infer<typeof apiTokenSchema>;
export const apiTokenListSchema = z.object({ items: z.array(apiTokenSchema) });
export const createdTokenSchema = z.object({ token: apiTokenSchema, secret: z.string() });
export type CreatedToken = z.infer<typeof createdTokenSchema>;

export const checkStatusSchema = z.enum(['ok', 'warn', 'fail', 'skipped']);
export type CheckStatus = z.infer<typeof checkStatusSchema>;

/** One line of a connection report: what was found and, for a warning or failure, what to do. */
export const checkSchema = z.object({
  status: checkStatusSchema,
  message: z.string(),
  fix: z.nullish(z.string()),
  code: z.nullish(z.string()),
});
export type Check = z.infer<typeof checkSchema>;

/** The answer to "Test connection" (`TestReport` of src/scm/provider.ts), rendered line by line. */
export const testReportSchema = z.object({
  ok: z.boolean(),
  status: z.enum(['ok', 'warn', 'fail']),
  checkedAt: z.string(),
  reachable: checkSchema,
  identity: z.nullish(z.object({ id: z.string(), login: z.string(), name: z.nullish(z.string()) })),
  serverVersion: z.nullish(z.string()),
  scopes: z.nullish(
    z.object({ granted: z.array(z.string()), needed: z.array(z.string()), missing: z.array(z.string()) }),
  ),
  target: checkSchema,
  tokenExpiry: z.nullish(
    z.object({
      expiresAt: z.nullish(z.string()),
      daysLeft: z.nullish(z.number()),
      status: checkStatusSchema,
      warning: z.nullish(z.string()),
      fix: z.nullish(z.string()),
    }),
  ),
  capabilities: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      status: checkStatusSchema,
      message: z.string(),
      fix: z.nullish(z.string()),
    }),
  ),
});
export type TestReport = z.infer<typeof testReportSchema>;

export const organizationSchema = z.object({
  id: z.string(),
  name: z.string(),
  webUrl: z.nullish(z.string()),
});
export type Organization = z.infer<typeof organizationSchema>;

/** What went wrong (a failed sync, a failed test): a machine-readable code, what to fix, and when. */
export const problemSchema = z.object({ code: z.string(), message: z.string(), at: z.string() });
export type Problem = z.infer<typeof problemSchema>;

export const connectionSchema = z.object({
  id: z.string(),
  kind: z.string(),
  name: z.string(),
  baseUrl: z.nullish(z.string()),
  target: z.nullish(z.string()),
  status: z.enum(['connected', 'pending', 'needs_attention']),
  /** Why it needs attention, and whether a sync or a test found it; null while connected. */
  statusReason: z.nullish(z.extend(problemSchema, { source: z.optional(z.string()) })),
  hasToken: z.boolean(),
  tokenUpdatedAt: z.nullish(z.string()),
  createdAt: z.string(),
  hasCaCertificate: z.optional(z.boolean()),
  lastSyncedAt: z.nullish(z.string()),
  syncError: z.nullish(problemSchema),
  repositoryCount: z.optional(z.number()),
  /** Pull request comments go to its repositories (those whose own switch is on too). */
  commentsEnabled: z.optional(z.boolean()),
  /** A stored report the page cannot read (an older shape) shows as "not tested" rather than breaking the list. */
  lastTest: z.nullish(z.catch(z.nullable(testReportSchema), null)),
  organizations: z.array(organizationSchema),
  /** The hook that keeps the inventory current; null until scm-connect tried to register one. */
  webhook: z.nullish(
    z.object({
      status: z.enum(['registered', 'not_registered']),
      problem: z.nullable(z.object({ code: z.string(), message: z.string() })),
      lastDeliveryAt: z.nullable(z.string()),
      lastFailure: z.nullable(problemSchema),
      warning: z.nullable(z.string()),
    }),
  ),
  /** GitHub App connections: their own app (GitHub Enterprise Server) and the installations they link. */
  github: z.nullish(
    z.object({
      app: z.nullable(
        z.object({
          appId: z.string(),
          slug: z.string(),
          name: z.string(),
          installUrl: z.string(),
          settingsUrl: z.string(),
        }),
      ),
      installations: z.array(
        z.object({
          installationId: z.string(),
          account: z.object({ login: z.string(), type: z.string() }),
          repositorySelection: z.enum(['all', 'selected']),
          allowOtherAccounts: z.boolean(),
          suspendedAt: z.nullable(z.string()),
          removedAt: z.nullable(z.string()),
          settingsUrl: z.string(),
        }),
      ),
    }),
  ),
});
export type Connection = z.infer<typeof connectionSchema>;
export const connectionListSchema = z.object({ items: z.array(connectionSchema) });

export const jobSchema = z.object({
  id: z.string(),
  kind: z.string(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']),
  attempts: z.number(),
  lastError: z.nullish(z.string()),
  createdAt: z.string(),
  finishedAt: z.nullish(z.string()),
});
export type Job = z.infer<typeof jobSchema>;
export const startedJobSchema = z.object({ job: jobSchema });

export const accountOrganizationSchema = z.object({
  id: z.string(),
  connectionId: z.string(),
  kind: z.string(),
  name: z.string(),
  webUrl: z.nullish(z.string()),
  repositoryCount: z.optional(z.number()),
});
export type AccountOrganization = z.infer<typeof accountOrganizationSchema>;
export const accountOrganizationListSchema = z.object({ items: z.array(accountOrganizationSchema) });

export const repositorySchema = z.object({
  id: z.string(),
  connectionId: z.string(),
  organizationId: z.nullish(z.string()),
  name: z.string(),
  fullName: z.string(),
  defaultBranch: z.nullish(z.string()),
  visibility: z.nullish(z.string()),
  archived: z.boolean(),
  webUrl: z.nullish(z.string()),
  syncedAt: z.nullish(z.string()),
  /** An admin excluded it from scanning: uploads for it are refused. */
  excluded: z.optional(z.boolean()),
  tags: z.optional(z.array(z.string())),
  /** Pull request comments go to it (when its connection has them on too). */
  commentsEnabled: z.optional(z.boolean()),
  lastScan: z.nullish(
    z.object({
      id: z.string(),
      status: z.string(),
      commitSha: z.nullish(z.string()),
      branch: z.nullish(z.string()),
      createdAt: z.string(),
    }),
  ),
  openFindings: z.nullish(
    z.object({
      critical: z.number(),
      high: z.number(),
      medium: z.number(),
      low: z.number(),
      info: z.number(),
    }),
  ),
});
export type Repository = z.infer<typeof repositorySchema>;
export const repositoryPageSchema = z.object({
  items: z.array(repositorySchema),
  nextCursor: z.nullish(z.string()),
  total: z.optional(z.number()),
});
export type RepositoryPage = z.infer<typeof repositoryPageSchema>;

/** The error body of every API answer. */
/** A refused field of a request: `path` like `body.group`, `message` what is wrong with it. */
export const apiIssueSchema = z.object({ path: z.string(), message: z.string() });
export type ApiIssue = z.infer<typeof apiIssueSchema>;

export const errorBodySchema = z.object({
  code: z.optional(z.string()),
  message: z.optional(z.string()),
  details: z.optional(z.object({ issues: z.optional(z.array(apiIssueSchema)) })),
});
