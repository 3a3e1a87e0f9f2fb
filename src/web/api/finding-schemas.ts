import { z } from 'zod/mini';

/**
 * The findings API's answers (`GET …/findings`, `…/findings/{id}`, `…/scans/{id}`). Every text and link in them
 * comes from a scanner's log or an SCM: the components render text as text and links only when http(s).
 */
export const severities = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof severities)[number];

export const findingStates = ['open', 'fixed', 'removed'] as const;
export type FindingState = (typeof findingStates)[number];

export const ignoreReasons = ['false_positive', 'acceptable_risk', 'other'] as const;
export type IgnoreReason = (typeof ignoreReasons)[number];

const personSchema = z.object({ id: z.string(), name: z.string() });
export type Person = z.infer<typeof personSchema>;

/** Where a result points: the path and lines, its link at the scanned commit and on the default branch. */
export const findingLocationSchema = z.object({
  path: z.nullish(z.string()),
  startLine: z.nullish(z.number()),
  endLine: z.nullish(z.number()),
  startColumn: z.nullish(z.number()),
  endColumn: z.nullish(z.number()),
  url: z.nullish(z.string()),
  defaultBranchUrl: z.nullish(z.string()),
  /** Why there is no link (a path outside the repository, say). */
  unlinkedReason: z.nullish(z.string()),
});
export type FindingLocation = z.infer<typeof findingLocationSchema>;

const ruleSchema = z.object({
  name: z.nullish(z.string()),
  shortDescription: z.nullish(z.string()),
  helpUri: z.nullish(z.string()),
  tags: z.nullish(z.array(z.string())),
});

export const findingSchema = z.object({
  id: z.string(),
  repository: z.object({
    id: z.string(),
    fullName: z.string(),
    connectionId: z.string(),
    kind: z.nullish(z.string()),
  }),
  branch: z.nullish(z.string()),
  tool: z.string(),
  category: z.nullish(z.string()),
  ruleId: z.string(),
  rule: z.nullish(ruleSchema),
  state: z.enum(findingStates),
  ignored: z.nullish(
    z.object({
      reason: z.enum(ignoreReasons),
      note: z.nullish(z.string()),
      at: z.nullish(z.string()),
      by: z.nullish(personSchema),
    }),
  ),
  severity: z.enum(severities),
  level: z.nullish(z.string()),
  message: z.string(),
  location: z.nullish(findingLocationSchema),
  commitSha: z.nullish(z.string()),
  firstSeenAt: z.nullish(z.string()),
  lastSeenAt: z.nullish(z.string()),
  fixedAt: z.nullish(z.string()),
});
export type Finding = z.infer<typeof findingSchema>;

export const findingPageSchema = z.object({
  items: z.array(findingSchema),
  nextCursor: z.nullish(z.string()),
});
export type FindingPage = z.infer<typeof findingPageSchema>;

const placedMessageSchema = z.object({
  message: z.nullish(z.string()),
  location: z.nullish(findingLocationSchema),
});
export type PlacedMessage = z.infer<typeof placedMessageSchema>;

export const historyEventSchema = z.object({
  /** Unknown kinds (added later on the server) are shown as they are. */
  kind: z.string(),
  at: z.string(),
  scanId: z.nullish(z.string()),
  by: z.nullish(personSchema),
  reason: z.nullish(z.string()),
  note: z.nullish(z.string()),
  /** Triage by a reply on a pull request: who replied, where. Another kind (added later) is left out. */
  via: z.optional(
    z.catch(
      z.nullable(
        z.object({
          kind: z.literal('pull-request-comment'),
          login: z.string(),
          pullRequest: z.number(),
          url: z.nullish(z.string()),
        }),
      ),
      null,
    ),
  ),
});
export type HistoryEvent = z.infer<typeof historyEventSchema>;

export const findingScanSchema = z.object({
  id: z.string(),
  commitSha: z.nullish(z.string()),
  branch: z.nullish(z.string()),
  pullRequestNumber: z.nullish(z.number()),
  createdAt: z.string(),
  /** The pull request scan found it new in its pull request. */
  newInPullRequest: z.optional(z.boolean()),
});
export type FindingScan = z.infer<typeof findingScanSchema>;

/** One finding with everything its page shows. */
export const findingDetailSchema = z.extend(findingSchema, {
  rule: z.nullish(
    z.extend(ruleSchema, {
      fullDescription: z.nullish(z.string()),
      helpText: z.nullish(z.string()),
      helpMarkdown: z.nullish(z.string()),
    }),
  ),
  relatedLocations: z.optional(z.array(placedMessageSchema)),
  codeFlows: z.optional(
    z.array(z.object({ message: z.nullish(z.string()), steps: z.array(placedMessageSchema) })),
  ),
  history: z.optional(z.array(historyEventSchema)),
  scans: z.optional(z.array(findingScanSchema)),
});
export type FindingDetail = z.infer<typeof findingDetailSchema>;

export const scanStatuses = ['queued', 'processing', 'processed', 'failed'] as const;
export type ScanStatus = (typeof scanStatuses)[number];

/** An uploaded scan (`GET …/scans/{id}`): the URL `scm-connect scans upload` prints opens it. */
export const scanSchema = z.object({
  id: z.string(),
  status: z.enum(scanStatuses),
  repository: z.object({ id: z.string(), fullName: z.string(), connectionId: z.nullish(z.string()) }),
  commitSha: z.string(),
  branch: z.nullish(z.string()),
  pullRequestNumber: z.nullish(z.number()),
  baseCommitSha: z.nullish(z.string()),
  runs: z.optional(
    z.array(
      z.object({
        tool: z.string(),
        version: z.nullish(z.string()),
        category: z.nullish(z.string()),
        resultCount: z.nullish(z.number()),
      }),
    ),
  ),
  resultCount: z.nullish(z.number()),
  createdAt: z.string(),
  processedAt: z.nullish(z.string()),
  /** What processing found; its shape is the processing job's, so it is read loosely. */
  summary: z.nullish(z.unknown()),
  error: z.nullish(z.union([z.string(), z.object({ code: z.nullish(z.string()), message: z.string() })])),
  url: z.nullish(z.string()),
});
export type Scan = z.infer<typeof scanSchema>;
