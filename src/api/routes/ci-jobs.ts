import { z } from 'zod';
import { badRequest, notFound } from '../../core/errors.js';
import { repositoryTag } from '../../core/repository-tags.js';
import { findRun, listRuns, listSteps, type BulkCiStepRow } from '../../db/bulk-ci.js';
import { ciSystems } from '../../onboarding/ci-systems.js';
import { reviewRepository, reviewSelection } from '../../onboarding/review.js';
import { bulkCiRunCsv } from '../../onboarding/run-csv.js';
import { cancelBulkCiRun, resumeBulkCiRun, startBulkCiRun } from '../../onboarding/runs.js';
import { maxSelection, type RepositorySelection } from '../../onboarding/selection.js';
import { readCiJobSettings } from '../../onboarding/settings.js';
import type { ZodApp } from '../app.js';
import { actorOf, requireAccount } from '../auth.js';
import type { AppContext } from '../context.js';
import { accountParams, errors, fields } from '../schemas.js';
import { publicOrigin } from '../session-view.js';

const runStatuses = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
const stepStatuses = ['pending', 'running', 'done', 'skipped', 'failed'] as const;
const outcomes = ['opened', 'updated', 'unchanged', 'present', 'committed'] as const;
const skipReasons = ['archived', 'empty', 'fork', 'excluded', 'no_ci_system'] as const;

const selectionFilter = z.strictObject({
  connectionId: fields.uuid.optional(),
  q: z.string().max(200).optional().describe('Part of the full name'),
  tag: z.array(repositoryTag).max(20, 'must be at most 20 tags').optional(),
  archived: z.enum(['true', 'false']).optional(),
  excluded: z.enum(['true', 'false']).optional(),
});

/** `{repositoryIds}` or `{all: true, filter?}`: one object, so a refusal names the field at fault. */
const selectionFields = {
  repositoryIds: z
    .array(fields.uuid)
    .min(1, 'select at least one repository')
    .max(maxSelection, `must be at most ${maxSelection} repositories`)
    .optional()
    .describe('The repositories to work on; or send `all` instead'),
  all: z.literal(true).optional().describe('Every repository the filter matches'),
  filter: selectionFilter.optional().describe('With `all`: the filters of GET …/repositories'),
};

type SelectionBody = {
  readonly repositoryIds?: readonly string[] | undefined;
  readonly all?: true | undefined;
  readonly filter?: z.infer<typeof selectionFilter> | undefined;
};

const oneSelection = (body: SelectionBody) =>
  (body.repositoryIds !== undefined) !== (body.all === true) &&
  (body.filter === undefined || body.all === true);

const selectionMessage = 'send either repositoryIds, or all: true with an optional filter';
const mode = z.enum(['pull-request', 'direct']);

export const bulkCiRunSchema = z.object({
  id: z.string(),
  status: z
    .enum(runStatuses)
    .describe('`succeeded` once it ended, even with failed repositories: `counts.failed` says how many'),
  mode,
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  createdBy: z.object({ id: z.string(), email: z.string() }).nullable(),
  total: z.number(),
  counts: z
    .object({
      pending: z.number(),
      opened: z.number(),
      updated: z.number(),
      present: z
        .number()
        .describe('Already on the default branch, or an open pull request already up to date'),
      committed: z.number(),
      skipped: z.number(),
      failed: z.number(),
    })
    .describe('Repositories by where they are'),
});

const stepSchema = z.object({
  repositoryId: z.string(),
  fullName: z.string(),
  connectionId: z.string(),
  system: z.enum(ciSystems as [string, ...string[]]).nullable(),
  status: z.enum(stepStatuses),
  outcome: z.enum(outcomes).nullable(),
  pullRequestUrl: z.string().nullable(),
  commitUrl: z.string().nullable(),
  secret: z.enum(['created', 'present']).nullable(),
  reason: z.string().nullable().describe('Why it was skipped or failed: a stable code'),
  message: z.string().nullable(),
  fix: z.string().nullable(),
  updatedAt: z.string(),
});

const toStepView = (step: BulkCiStepRow): z.infer<typeof stepSchema> => ({
  repositoryId: step.repository_id,
  fullName: step.full_name,
  connectionId: step.connection_id,
  system: step.system,
  status: step.status,
  outcome: step.outcome,
  pullRequestUrl: step.pull_request_url,
  commitUrl: step.commit_url,
  secret: step.secret,
  reason: step.reason,
  message: step.message,
  fix: step.fix,
  updatedAt: step.updated_at,
});

const runParams = z.strictObject({ accountId: fields.uuid, runId: fields.uuid });

const toSelection = (body: SelectionBody): RepositorySelection =>
  body.repositoryIds !== undefined
    ? { repositoryIds: body.repositoryIds }
    : { all: true, filter: body.filter };

const encodeCursor = (position: number) => Buffer.from(`p${position}`).toString('base64url');

function decodeCursor(cursor: string): number {
  const match = /^p(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw badRequest('invalid_cursor', 'query.cursor: use the nextCursor of the previous page.');
  return Number(match[1]);
}

/** Adding the scanner's CI job to many repositories: review, runs, their repositories and report. */
export function registerCiJobRoutes(app: ZodApp, ctx: AppContext): void {
  app.post(
    '/accounts/:accountId/ci-jobs/review',
    {
      schema: {
        tags: ['ci-jobs'],
        summary: 'What a run over these repositories would do (admin)',
        description:
          'Which repositories a run skips and why, and per CI system the file the template renders for a new ' +
          `file. At most ${maxSelection} repositories.`,
        params: accountParams,
        body: z.strictObject(selectionFields).refine(oneSelection, { message: selectionMessage }),
        response: {
          200: z.object({
            total: z.number(),
            eligible: z.number(),
            skipped: z.array(
              z.object({
                repositoryId: z.string(),
                fullName: z.string(),
                reason: z.enum(skipReasons),
                message: z.string(),
              }),
            ),
            alreadyDone: z
              .array(
                z.object({
                  repositoryId: z.string(),
                  fullName: z.string(),
                  outcome: z.enum(outcomes),
                  pullRequestUrl: z.string().nullable(),
                  at: z.string(),
                }),
              )
              .describe(
                'Eligible repositories an earlier run already gave the job (on the default branch, or in a pull request it opened)',
              ),
            systems: z.array(
              z.object({
                system: z.enum(ciSystems as [string, ...string[]]),
                label: z.string(),
                path: z.string(),
                content: z.string(),
                repositories: z.number(),
              }),
            ),
          }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const { accountId } = request.params;
      await requireAccount(request, ctx, accountId, 'admin');
      const { settings } = await readCiJobSettings(ctx.db, accountId);
      return reviewSelection(ctx, accountId, toSelection(request.body), settings, publicOrigin(ctx, request));
    },
  );

  app.get(
    '/accounts/:accountId/ci-jobs/review/:repositoryId',
    {
      schema: {
        tags: ['ci-jobs'],
        summary: 'The CI file a run would write to one repository, read from its default branch now (admin)',
        params: z.strictObject({ accountId: fields.uuid, repositoryId: fields.uuid }),
        response: {
          200: z.object({
            repositoryId: z.string(),
            fullName: z.string(),
            system: z.enum(ciSystems as [string, ...string[]]),
            path: z.string(),
            existing: z
              .string()
              .nullable()
              .describe('The file on the default branch; null when there is none'),
            proposed: z.string(),
            diff: z.string().nullable().describe('Unified diff from `existing` to `proposed`'),
            status: z.enum(['new', 'merge', 'present']),
          }),
          ...errors(400, 401, 403, 404, 409, 422, 502, 503),
        },
      },
    },
    async (request) => {
      const { accountId, repositoryId } = request.params;
      await requireAccount(request, ctx, accountId, 'admin');
      const { settings } = await readCiJobSettings(ctx.db, accountId);
      return reviewRepository(ctx, accountId, repositoryId, settings, publicOrigin(ctx, request));
    },
  );

  app.post(
    '/accounts/:accountId/ci-jobs',
    {
      schema: {
        tags: ['ci-jobs'],
        summary: 'Add the scanner’s CI job to these repositories (admin)',
        description:
          '`pull-request`: a branch and pull request per repository; `direct`: a commit on the default branch. ' +
          'Each repository also gets the upload token as a CI secret. The work is a background job; follow it ' +
          `with GET …/ci-jobs/{runId}. At most ${maxSelection} repositories.`,
        params: accountParams,
        body: z
          .strictObject({ ...selectionFields, mode })
          .refine(oneSelection, { message: selectionMessage }),
        response: { 202: bulkCiRunSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { accountId } = request.params;
      await requireAccount(request, ctx, accountId, 'admin');
      const run = await startBulkCiRun(ctx.db, {
        accountId,
        actorUserId: actorOf(request.auth),
        selection: toSelection(request.body),
        mode: request.body.mode,
        serviceUrl: publicOrigin(ctx, request),
      });
      return reply.status(202).send(run);
    },
  );

  app.get(
    '/accounts/:accountId/ci-jobs',
    {
      schema: {
        tags: ['ci-jobs'],
        summary: 'The newest bulk CI runs (at most 50), newest first',
        params: accountParams,
        response: { 200: z.object({ items: z.array(bulkCiRunSchema) }), ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      const { accountId } = request.params;
      await requireAccount(request, ctx, accountId);
      return { items: await listRuns(ctx.db, accountId) };
    },
  );

  app.get(
    '/accounts/:accountId/ci-jobs/:runId',
    {
      schema: {
        tags: ['ci-jobs'],
        summary: 'A bulk CI run',
        params: runParams,
        response: { 200: bulkCiRunSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { accountId, runId } = request.params;
      await requireAccount(request, ctx, accountId);
      const run = await findRun(ctx.db, accountId, runId);
      if (!run) throw notFound('run');
      return run;
    },
  );

  app.get(
    '/accounts/:accountId/ci-jobs/:runId/repositories',
    {
      schema: {
        tags: ['ci-jobs'],
        summary: 'The repositories of a run, in the order they are worked on',
        params: runParams,
        querystring: z.strictObject({
          status: z.enum(stepStatuses).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
          cursor: z.string().max(100).optional(),
        }),
        response: {
          200: z.object({ items: z.array(stepSchema), nextCursor: z.string().nullable() }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const { accountId, runId } = request.params;
      await requireAccount(request, ctx, accountId);
      if (!(await findRun(ctx.db, accountId, runId))) throw notFound('run');
      const { status, limit, cursor } = request.query;
      const page = await listSteps(ctx.db, accountId, runId, {
        status,
        limit,
        afterPosition: cursor === undefined ? undefined : decodeCursor(cursor),
      });
      return {
        items: page.items.map(toStepView),
        nextCursor: page.nextAfter === null ? null : encodeCursor(page.nextAfter),
      };
    },
  );

  app.get(
    '/accounts/:accountId/ci-jobs/:runId/repositories.csv',
    {
      schema: {
        tags: ['ci-jobs'],
        summary: 'The report of a run as CSV, one row per repository',
        description:
          'Columns: repository, system, status, outcome, pull_request_url, commit_url, reason, message, fix. ' +
          "Cells that a spreadsheet would run as a formula start with `'`.",
        params: runParams,
        response: { 200: z.string().describe('CSV text'), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { accountId, runId } = request.params;
      await requireAccount(request, ctx, accountId);
      if (!(await findRun(ctx.db, accountId, runId))) throw notFound('run');
      const text = await bulkCiRunCsv(ctx.db, accountId, runId);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="ci-job-run-${runId}.csv"`)
        .send(text);
    },
  );

  app.post(
    '/accounts/:accountId/ci-jobs/:runId/cancel',
    {
      schema: {
        tags: ['ci-jobs'],
        summary: 'Cancel a run (admin): repositories not started stay pending',
        params: runParams,
        response: { 200: bulkCiRunSchema, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { accountId, runId } = request.params;
      await requireAccount(request, ctx, accountId, 'admin');
      return cancelBulkCiRun(ctx.db, accountId, runId, actorOf(request.auth));
    },
  );

  app.post(
    '/accounts/:accountId/ci-jobs/:runId/resume',
    {
      schema: {
        tags: ['ci-jobs'],
        summary: 'Resume a run that ended (admin): its pending and failed repositories are worked on again',
        params: runParams,
        response: { 202: bulkCiRunSchema, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { accountId, runId } = request.params;
      await requireAccount(request, ctx, accountId, 'admin');
      return reply.status(202).send(await resumeBulkCiRun(ctx.db, accountId, runId, actorOf(request.auth)));
    },
  );
}
