import { z } from 'zod';
import { scmKindIds } from '../../core/scm-kinds.js';
import { notFound } from '../../core/errors.js';
import { findConnectionRow, listConnections } from '../../db/connections.js';
import { connectionCommentSwitches, setConnectionComments } from '../../db/comment-settings.js';
import { recordAudit } from '../../db/audit.js';
import type { Db } from '../../db/database.js';
import { baseUrlField, caPemField, connectBody, tokenField } from '../../connections/input.js';
import {
  changeConnection,
  connect,
  enqueueSync,
  removeConnection,
  testConnection,
} from '../../connections/service.js';
import type { ZodApp } from '../app.js';
import { actorOf, requireAccount } from '../auth.js';
import type { AppContext } from '../context.js';
import { accountParams, errors, fields } from '../schemas.js';
import { jobSchema, toJobView } from './jobs.js';

const check = z.object({
  status: z.enum(['ok', 'warn', 'fail', 'skipped']),
  message: z.string(),
  fix: z.string().optional(),
  code: z
    .string()
    .optional()
    .describe(
      'For a failure an SCM error caused: its code (`invalid_credentials`, `credentials_invalid`, …)',
    ),
});

export const testReportSchema = z
  .object({
    ok: z.boolean(),
    status: z.enum(['ok', 'warn', 'fail']),
    checkedAt: z.string(),
    reachable: check,
    identity: z.object({ id: z.string(), login: z.string(), name: z.string().optional() }).optional(),
    serverVersion: z.string().optional(),
    scopes: z
      .object({ granted: z.array(z.string()), needed: z.array(z.string()), missing: z.array(z.string()) })
      .optional(),
    target: check,
    tokenExpiry: z
      .object({
        expiresAt: z
          .string()
          .nullable()
          .optional()
          .describe('null: never expires; absent: the SCM does not tell (see `warning`)'),
        daysLeft: z.number().optional(),
        status: z.enum(['ok', 'warn', 'fail', 'skipped']),
        warning: z.string().optional(),
        fix: z.string().optional(),
      })
      .optional(),
    capabilities: z.array(check.extend({ id: z.string(), label: z.string() })),
  })
  .describe('A report, not a yes/no: one row per check, each failure with what to fix.');

const problemSchema = z.object({
  code: z.string().describe('Machine-readable: `invalid_credentials`, `pagination_origin_mismatch`, …'),
  message: z.string().describe('What went wrong and what to fix'),
  at: z.string().describe('When it was found (ISO 8601)'),
});

export const connectionSchema = z.object({
  id: z.string(),
  kind: z.enum(scmKindIds),
  name: z.string(),
  baseUrl: z.string(),
  target: z.string().describe('Organization, group, workspace or project key'),
  status: z
    .enum(['connected', 'pending', 'needs_attention'])
    .describe('`needs_attention` after a failed sync or test, until a sync or test works again'),
  statusReason: problemSchema
    .extend({ source: z.enum(['sync', 'test']).describe('Whether a sync or a test found it') })
    .nullable()
    .describe('Why the connection needs attention; null while connected'),
  hasToken: z.boolean().describe('Whether a token is stored; the token itself never leaves the server.'),
  tokenUpdatedAt: z.string().nullable(),
  hasCaCertificate: z.boolean(),
  createdAt: z.string(),
  lastTest: testReportSchema.nullable(),
  lastSyncedAt: z.string().nullable(),
  syncError: problemSchema.nullable().describe('Why the last sync failed; null once one succeeds'),
  repositoryCount: z.number(),
  commentsEnabled: z
    .boolean()
    .describe(
      'Pull request comments go to its repositories (those whose own switch is on too); default true',
    ),
  organizations: z.array(z.object({ id: z.string(), name: z.string(), webUrl: z.string() })),
  webhook: z
    .object({
      status: z.enum(['registered', 'not_registered']),
      problem: z
        .object({ code: z.string(), message: z.string() })
        .nullable()
        .describe(
          'Why scm-connect has no hook on the SCM (`public_url_missing`, `insufficient_permissions`, …)',
        ),
      lastDeliveryAt: z.string().nullable(),
      lastFailure: problemSchema.nullable().describe('The last delivery refused, and why'),
      warning: z.string().nullable().describe('Set when the SCM showed activity the hook did not report'),
    })
    .nullable()
    .describe('The hook that keeps the inventory current within seconds; null until one was tried'),
  github: z
    .object({
      app: z
        .object({
          appId: z.string(),
          slug: z.string(),
          name: z.string(),
          installUrl: z.string().describe('The public link further organizations install the app through'),
          settingsUrl: z.string().describe("The app's settings on the instance"),
        })
        .nullable()
        .describe(
          "A GitHub Enterprise Server connection's own app; null for GitHub (the instance's app) and until registered",
        ),
      installations: z
        .array(
          z.object({
            installationId: z.string().describe("GitHub's id of the installation (an integer string)"),
            account: z.object({ login: z.string(), type: z.enum(['Organization', 'User']) }),
            repositorySelection: z.enum(['all', 'selected']),
            allowOtherAccounts: z
              .boolean()
              .describe(
                'Other scm-connect accounts may link this installation too; their admins still prove ownership',
              ),
            suspendedAt: z.string().nullable(),
            removedAt: z.string().nullable(),
            settingsUrl: z.string().describe("The installation's settings on GitHub"),
          }),
        )
        .describe('Oldest first, removed ones included'),
    })
    .nullable()
    .describe('GitHub App connections: their app and the installations they link; null for the token kinds'),
});

const connectionParams = z.strictObject({ accountId: fields.uuid, connectionId: fields.uuid });

type ConnectionOut = z.infer<typeof connectionSchema>;
type ConnectionView = Awaited<ReturnType<typeof listConnections>>[number];
const toView = (view: ConnectionView, commentsEnabled: boolean): ConnectionOut => ({
  ...view,
  commentsEnabled,
  kind: view.kind as ConnectionOut['kind'],
  lastTest: (view.lastTest ?? null) as ConnectionOut['lastTest'],
  organizations: [...view.organizations],
  github: view.github && { ...view.github, installations: [...view.github.installations] },
});

/** The views with each connection's comment switch. */
async function toViews(
  db: Db,
  accountId: string,
  views: readonly ConnectionView[],
): Promise<ConnectionOut[]> {
  const switches = await connectionCommentSwitches(
    db,
    accountId,
    views.map((view) => view.id),
  );
  return views.map((view) => toView(view, switches.get(view.id) ?? true));
}

export function registerConnectionRoutes(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/accounts/:accountId/connections',
    {
      schema: {
        tags: ['connections'],
        summary: 'Source code managers connected to the account',
        params: accountParams,
        response: { 200: z.object({ items: z.array(connectionSchema) }), ...errors(401, 404) },
      },
    },
    async (request) => {
      await requireAccount(request, ctx, request.params.accountId);
      const { accountId } = request.params;
      return { items: await toViews(ctx.db, accountId, await listConnections(ctx.db, accountId)) };
    },
  );

  app.post(
    '/accounts/:accountId/connections',
    {
      schema: {
        tags: ['connections'],
        summary: 'Connect a source code manager (admin): checked with the SCM before anything is stored',
        description:
          'GitLab needs a token with the `api` scope and the top-level group; Bitbucket Cloud a workspace access ' +
          'token (or an Atlassian API token with `email`); Bitbucket Data Center the project key, URL and an HTTP ' +
          'access token; Azure DevOps the organization and a personal access token.',
        params: accountParams,
        body: connectBody,
        response: { 201: connectionSchema, ...errors(400, 401, 403, 404, 409, 422, 429, 502, 504) },
      },
    },
    async (request, reply) => {
      const { accountId } = request.params;
      await requireAccount(request, ctx, accountId, 'admin');
      const view = await connect(ctx, accountId, actorOf(request.auth), request.body);
      return reply.status(201).send(toView(view, true));
    },
  );

  app.get(
    '/accounts/:accountId/connections/:connectionId',
    {
      schema: {
        tags: ['connections'],
        summary: 'One connection',
        params: connectionParams,
        response: { 200: connectionSchema, ...errors(401, 404) },
      },
    },
    async (request) => {
      const { accountId, connectionId } = request.params;
      await requireAccount(request, ctx, accountId);
      const [view] = await toViews(ctx.db, accountId, await listConnections(ctx.db, accountId, connectionId));
      if (!view) throw notFound('connection');
      return view;
    },
  );

  app.patch(
    '/accounts/:accountId/connections/:connectionId',
    {
      schema: {
        tags: ['connections'],
        summary:
          'Edit the name, instance URL, token or CA certificate (admin); checked with the SCM before anything is replaced',
        description:
          'A new token, URL or CA certificate must reach the same organization as before (else 422 `target_changed`); ' +
          'when the SCM refuses it, nothing changes. `baseUrl` and `caPem` are for self-managed kinds. A stored token ' +
          'that no longer decrypts (422 `credentials_invalid`) must be given again with a new URL or CA certificate. ' +
          '`commentsEnabled` alone switches pull request comments without asking the SCM.',
        params: connectionParams,
        body: z.strictObject({
          token: tokenField.optional(),
          baseUrl: baseUrlField
            .optional()
            .describe('Self-managed kinds: the instance URL, normalized like at Connect'),
          caPem: caPemField
            .nullable()
            .optional()
            .describe('PEM bundle for a self-managed instance; null removes it'),
          name: fields.displayName().optional(),
          commentsEnabled: z
            .boolean()
            .optional()
            .describe("false: no pull request comments on any of the connection's repositories"),
        }),
        response: { 200: connectionSchema, ...errors(400, 401, 403, 404, 409, 422, 429, 502, 504) },
      },
    },
    async (request) => {
      const { accountId, connectionId } = request.params;
      await requireAccount(request, ctx, accountId, 'admin');
      const { commentsEnabled, ...changes } = request.body;
      const actor = actorOf(request.auth);
      const switchOnly =
        commentsEnabled !== undefined && Object.values(changes).every((v) => v === undefined);
      // Checked with the SCM first: when it refuses the change, the switch stays as it was too.
      if (!switchOnly) await changeConnection(ctx, accountId, actor, connectionId, changes);
      if (commentsEnabled !== undefined) {
        const switched = await ctx.db.transaction().execute(async (tx) => {
          if (!(await setConnectionComments(tx, accountId, connectionId, commentsEnabled))) return false;
          await recordAudit(tx, {
            accountId,
            actorUserId: actor,
            action: 'connection.updated',
            target: connectionId,
            details: { commentsEnabled },
          });
          return true;
        });
        if (!switched) throw notFound('connection');
      }
      const [view] = await toViews(ctx.db, accountId, await listConnections(ctx.db, accountId, connectionId));
      if (!view) throw notFound('connection');
      return view;
    },
  );

  app.delete(
    '/accounts/:accountId/connections/:connectionId',
    {
      schema: {
        tags: ['connections'],
        summary: 'Remove a connection (admin); its organizations and repositories go with it',
        params: connectionParams,
        response: { 204: z.null(), ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { accountId, connectionId } = request.params;
      await requireAccount(request, ctx, accountId, 'admin');
      await removeConnection(ctx, accountId, actorOf(request.auth), connectionId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/accounts/:accountId/connections/:connectionId/test',
    {
      schema: {
        tags: ['connections'],
        summary: 'Test connection: a report of every check, kept as the last result',
        params: connectionParams,
        response: { 200: testReportSchema, ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      const { accountId, connectionId } = request.params;
      await requireAccount(request, ctx, accountId, 'admin');
      return (await testConnection(ctx, accountId, connectionId)) as z.infer<typeof testReportSchema>;
    },
  );

  app.post(
    '/accounts/:accountId/connections/:connectionId/sync',
    {
      schema: {
        tags: ['connections'],
        summary: 'Sync now: queue a sync of organizations and repositories',
        description: 'While a sync of the connection is still queued (not yet running), answers that job.',
        params: connectionParams,
        response: { 202: z.object({ job: jobSchema }), ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { accountId, connectionId } = request.params;
      await requireAccount(request, ctx, accountId, 'admin');
      if (!(await findConnectionRow(ctx.db, accountId, connectionId))) throw notFound('connection');
      const job = await enqueueSync(ctx.db, accountId, connectionId, 'manual');
      return reply.status(202).send({ job: toJobView(job) });
    },
  );
}
