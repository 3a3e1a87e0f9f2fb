import { z } from 'zod/mini';

/**
 * The answers of the bulk CI job API (`…/ci-settings`, `…/ci-jobs`). Unknown fields are dropped and unknown
 * enum values refused, as elsewhere in the UI.
 */
export const ciSystems = ['github-actions', 'gitlab-ci', 'bitbucket-pipelines', 'azure-pipelines'] as const;
export type CiSystem = (typeof ciSystems)[number];

export const ciTriggersSchema = z.object({
  pullRequests: z.boolean(),
  defaultBranchPushes: z.boolean(),
  schedule: z.boolean(),
});
export type CiTriggers = z.infer<typeof ciTriggersSchema>;

/** The account's template of the scanner's CI job. Names a secret; never holds its value. */
export const ciJobSettingsSchema = z.object({
  image: z.string(),
  scanCommand: z.string(),
  sarifPath: z.string(),
  uploadImage: z.optional(z.string()),
  uploadCommand: z.optional(z.string()),
  secretName: z.string(),
  triggers: ciTriggersSchema,
  updatedAt: z.nullish(z.string()),
});
export type CiJobSettings = z.infer<typeof ciJobSettingsSchema>;

export const skipReasons = ['archived', 'empty', 'fork', 'excluded', 'no_ci_system'] as const;
export type SkipReason = (typeof skipReasons)[number];

export const ciOutcomes = ['opened', 'updated', 'unchanged', 'present', 'committed'] as const;
export type CiOutcome = (typeof ciOutcomes)[number];

export const ciReviewSchema = z.object({
  total: z.number(),
  eligible: z.number(),
  skipped: z.array(
    z.object({
      repositoryId: z.string(),
      fullName: z.string(),
      // A reason this page does not know yet is still shown, by its message.
      reason: z.string(),
      message: z.string(),
    }),
  ),
  alreadyDone: z.array(
    z.object({
      repositoryId: z.string(),
      fullName: z.string(),
      outcome: z.enum(ciOutcomes),
      pullRequestUrl: z.nullable(z.string()),
      at: z.string(),
    }),
  ),
  systems: z.array(
    z.object({
      system: z.enum(ciSystems),
      label: z.string(),
      path: z.string(),
      content: z.string(),
      repositories: z.number(),
    }),
  ),
});
export type CiReview = z.infer<typeof ciReviewSchema>;

export const ciFileReviewSchema = z.object({
  repositoryId: z.string(),
  fullName: z.string(),
  system: z.enum(ciSystems),
  path: z.string(),
  existing: z.nullable(z.string()),
  proposed: z.string(),
  diff: z.nullable(z.string()),
  status: z.enum(['new', 'merge', 'present']),
});
export type CiFileReview = z.infer<typeof ciFileReviewSchema>;

export const ciRunStatuses = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type CiRunStatus = (typeof ciRunStatuses)[number];

export const ciModes = ['pull-request', 'direct'] as const;
export type CiMode = (typeof ciModes)[number];

export const ciRunCountsSchema = z.object({
  pending: z.number(),
  opened: z.number(),
  updated: z.number(),
  present: z.number(),
  committed: z.number(),
  skipped: z.number(),
  failed: z.number(),
});
export type CiRunCounts = z.infer<typeof ciRunCountsSchema>;

/** One bulk run: adding the CI job to many repositories. */
export const ciRunSchema = z.object({
  id: z.string(),
  status: z.enum(ciRunStatuses),
  mode: z.enum(ciModes),
  createdAt: z.string(),
  startedAt: z.nullish(z.string()),
  finishedAt: z.nullish(z.string()),
  createdBy: z.nullish(z.object({ id: z.string(), email: z.string() })),
  total: z.number(),
  counts: ciRunCountsSchema,
});
export type CiRun = z.infer<typeof ciRunSchema>;
export const ciRunListSchema = z.object({ items: z.array(ciRunSchema) });

export const ciStepStatuses = ['pending', 'running', 'done', 'skipped', 'failed'] as const;
export type CiStepStatus = (typeof ciStepStatuses)[number];

/** What a run did (or is to do) in one repository. */
export const ciStepSchema = z.object({
  repositoryId: z.string(),
  fullName: z.string(),
  connectionId: z.string(),
  system: z.nullable(z.enum(ciSystems)),
  status: z.enum(ciStepStatuses),
  outcome: z.nullable(z.enum(ciOutcomes)),
  pullRequestUrl: z.nullable(z.string()),
  commitUrl: z.nullable(z.string()),
  secret: z.nullable(z.enum(['created', 'present'])),
  reason: z.nullable(z.string()),
  message: z.nullable(z.string()),
  fix: z.nullable(z.string()),
  updatedAt: z.string(),
});
export type CiStep = z.infer<typeof ciStepSchema>;
export const ciStepPageSchema = z.object({
  items: z.array(ciStepSchema),
  nextCursor: z.nullish(z.string()),
});
export type CiStepPage = z.infer<typeof ciStepPageSchema>;
