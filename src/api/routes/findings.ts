import { Readable } from 'node:stream';
import { z } from 'zod';
import { notFound } from '../../core/errors.js';
import { findingsCsv } from '../../findings/export-csv.js';
import { findingsSarif } from '../../findings/export-sarif.js';
import { findingDetail } from '../../findings/finding-detail.js';
import {
  decodeFindingCursor,
  encodeFindingCursor,
  findFindingRow,
  listFindingRows,
  type FindingFilter,
} from '../../findings/finding-query.js';
import { createFindingLinks, toFindingItem } from '../../findings/finding-view.js';
import { triageFinding } from '../../findings/triage.js';
import type { ZodApp } from '../app.js';
import { actorOf, requireAccount } from '../auth.js';
import type { AppContext } from '../context.js';
import { accountParams, errors, fields } from '../schemas.js';

const severityValues = ['critical', 'high', 'medium', 'low', 'info'] as const;
const stateValues = ['open', 'fixed', 'removed', 'ignored'] as const;
const reasonValues = ['false_positive', 'acceptable_risk', 'other'] as const;

/** A query parameter given once or repeated (`severity=high&severity=critical`). */
const repeatable = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (value) => (value === undefined || Array.isArray(value) ? value : [value]),
    z.array(item).max(5).optional(),
  );

const filterQuery = {
  repositoryId: fields.uuid.optional(),
  connectionId: fields.uuid.optional(),
  ruleId: z.string().min(1).max(500).optional(),
  severity: repeatable(z.enum(severityValues)).describe(
    'Repeat for several: `severity=critical&severity=high`',
  ),
  state: z
    .enum(stateValues)
    .optional()
    .describe(
      '`open`: open and not ignored; `fixed`, `removed`: in that state; `ignored`: ignored, whatever the state',
    ),
  tool: z.string().min(1).max(200).optional(),
  branch: z.string().min(1).max(500).optional(),
  scan: fields.uuid.optional().describe('Findings this scan reported'),
  newInPullRequest: z
    .enum(['true', 'false'])
    .optional()
    .describe('With `scan`: only the findings new in its pull request'),
  tag: z.string().min(1).max(100).optional().describe("One of the repository's tags"),
  q: z.string().min(1).max(200).optional().describe('Part of the rule id, the message or the path'),
};

type FilterQuery = { [K in keyof typeof filterQuery]?: z.infer<(typeof filterQuery)[K]> };

const toFilter = (query: FilterQuery): FindingFilter => ({
  repositoryId: query.repositoryId,
  connectionId: query.connectionId,
  ruleId: query.ruleId,
  severity: query.severity,
  state: query.state,
  tool: query.tool,
  branch: query.branch,
  scan: query.scan,
  newInPullRequest: query.newInPullRequest === 'true',
  // Tags are stored lower-case.
  tag: query.tag?.toLowerCase(),
  q: query.q,
});

const locationSchema = z.object({
  path: z.string().nullable(),
  startLine: z.number().nullable(),
  endLine: z.number().nullable(),
  startColumn: z.number().nullable(),
  endColumn: z.number().nullable(),
  url: z.string().nullable().describe('At the scanned commit, with the line range'),
  defaultBranchUrl: z.string().nullable().describe("The same file on the repository's default branch"),
  unlinkedReason: z.string().nullable().describe('Why there is no link'),
});

const personSchema = z.object({ id: z.string(), name: z.string() });

const ruleSchema = z.object({
  name: z.string().nullable(),
  shortDescription: z.string().nullable(),
  helpUri: z.string().nullable(),
  tags: z.array(z.string()),
});

const findingSchema = z.object({
  id: z.string(),
  repository: z.object({ id: z.string(), fullName: z.string(), connectionId: z.string(), kind: z.string() }),
  branch: z.string().describe('`pull-request:{n}` or `commit:{sha}` for scans without a branch'),
  tool: z.string(),
  category: z.string(),
  ruleId: z.string(),
  rule: ruleSchema.nullable(),
  state: z.enum(['open', 'fixed', 'removed']),
  ignored: z
    .object({
      reason: z.enum(reasonValues),
      note: z.string().nullable(),
      at: z.string().nullable(),
      by: personSchema.nullable(),
    })
    .nullable(),
  severity: z.enum(severityValues),
  level: z.string(),
  message: z.string(),
  location: locationSchema.nullable(),
  commitSha: z.string(),
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
  fixedAt: z.string().nullable(),
});

const placedMessageSchema = z.object({ message: z.string().nullable(), location: locationSchema.nullable() });

const findingDetailSchema = findingSchema.extend({
  rule: ruleSchema
    .extend({
      fullDescription: z.string().nullable(),
      helpText: z.string().nullable(),
      helpMarkdown: z.string().nullable(),
    })
    .nullable(),
  relatedLocations: z.array(placedMessageSchema),
  codeFlows: z.array(z.object({ message: z.string().nullable(), steps: z.array(placedMessageSchema) })),
  fixes: z.array(z.unknown()),
  history: z.array(
    z.object({
      kind: z.string(),
      at: z.string(),
      scanId: z.string().nullable(),
      by: personSchema.nullable(),
      reason: z.string().nullable(),
      note: z.string().nullable(),
      via: z
        .object({
          kind: z.literal('pull-request-comment'),
          login: z.string(),
          pullRequest: z.number().int(),
          url: z.string().optional(),
        })
        .optional()
        .describe('Where the triage came from: a reply to one of our comments on a pull request'),
    }),
  ),
  scans: z.array(
    z.object({
      id: z.string(),
      commitSha: z.string(),
      branch: z.string().nullable(),
      pullRequestNumber: z.number().nullable(),
      createdAt: z.string(),
      newInPullRequest: z.boolean(),
    }),
  ),
});

const findingParams = z.strictObject({ accountId: fields.uuid, findingId: fields.uuid });

const triageBody = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('ignore'),
    reason: z.enum(reasonValues).describe('Why it is ignored'),
    note: z.string().max(2000).optional(),
  }),
  z.strictObject({ action: z.literal('reopen'), note: z.string().max(2000).optional() }),
]);

/** Findings of every repository of the account: listing, one finding, triage, export. Members only. */
export function registerFindingRoutes(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/accounts/:accountId/findings',
    {
      schema: {
        tags: ['findings'],
        summary: 'Findings, filtered, most severe first',
        description:
          'Ordered by severity, then id; `nextCursor` continues the same order, null on the last page.',
        params: accountParams,
        querystring: z.strictObject({
          ...filterQuery,
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().max(500).optional(),
        }),
        response: {
          200: z.object({ items: z.array(findingSchema), nextCursor: z.string().nullable() }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const { accountId } = request.params;
      await requireAccount(request, ctx, accountId);
      const query = request.query;
      const rows = await listFindingRows(ctx.db, accountId, toFilter(query), {
        limit: query.limit,
        after: query.cursor ? decodeFindingCursor(query.cursor) : undefined,
      });
      const links = createFindingLinks(ctx.config);
      const last = rows.at(-1);
      return {
        items: rows.map((row) => toFindingItem(row, links)),
        nextCursor:
          rows.length === query.limit && last
            ? encodeFindingCursor({ rank: Number(last.rank), id: last.id })
            : null,
      };
    },
  );

  app.get(
    '/accounts/:accountId/findings/export',
    {
      schema: {
        tags: ['findings'],
        summary: 'Findings as CSV or SARIF 2.1.0, with the listing’s filters',
        description:
          "CSV: a header row, one row per finding; cells that a spreadsheet would run as a formula start with `'`. " +
          'SARIF: one run per tool and category; ignored findings carry an accepted suppression.',
        params: accountParams,
        querystring: z.strictObject({ ...filterQuery, format: z.enum(['csv', 'sarif']) }),
        response: {
          200: z.unknown().describe('CSV text, or a SARIF 2.1.0 log'),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const { accountId } = request.params;
      await requireAccount(request, ctx, accountId);
      const { format, ...query } = request.query;
      const links = createFindingLinks(ctx.config);
      const filter = toFilter(query);
      const stamp = new Date().toISOString().slice(0, 10);
      const body =
        format === 'csv'
          ? findingsCsv(ctx.db, accountId, filter, links)
          : findingsSarif(ctx.db, accountId, filter, links);
      return reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/sarif+json; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="findings-${stamp}.${format === 'csv' ? 'csv' : 'sarif'}"`,
        )
        .send(Readable.from(body));
    },
  );

  app.get(
    '/accounts/:accountId/findings/:findingId',
    {
      schema: {
        tags: ['findings'],
        summary: "A finding with its rule's help, related locations, code flows, fixes, history and scans",
        params: findingParams,
        response: { 200: findingDetailSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { accountId, findingId } = request.params;
      await requireAccount(request, ctx, accountId);
      const row = await findFindingRow(ctx.db, accountId, findingId);
      if (!row) throw notFound('finding');
      return findingDetail(ctx.db, row, createFindingLinks(ctx.config));
    },
  );

  app.post(
    '/accounts/:accountId/findings/:findingId/triage',
    {
      schema: {
        tags: ['findings'],
        summary: 'Ignore a finding with a reason, or reopen it',
        description:
          'An ignore holds for later scans of the same finding. Each change is in the finding’s history and the ' +
          'audit log. Answers the finding as it now is.',
        params: findingParams,
        body: triageBody,
        response: { 200: findingSchema, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { accountId, findingId } = request.params;
      await requireAccount(request, ctx, accountId);
      const done = await triageFinding(ctx.db, {
        accountId,
        findingId,
        userId: actorOf(request.auth),
        action: request.body,
      });
      const row = done ? await findFindingRow(ctx.db, accountId, findingId) : undefined;
      if (!row) throw notFound('finding');
      return toFindingItem(row, createFindingLinks(ctx.config));
    },
  );
}
