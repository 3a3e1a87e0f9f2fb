import { z } from 'zod';
import { AppError, badRequest, notFound, unprocessable } from '../../core/errors.js';
import { setDefaultRole } from '../../db/accounts.js';
import { recordAudit } from '../../db/audit.js';
import { findConnectionRow } from '../../db/connections.js';
import {
  deleteMembershipSource,
  findMembershipSource,
  listSourceCandidates,
  providerOfKind,
  saveMembershipSource,
} from '../../db/membership-sources.js';
import { enqueueMembershipReconcile } from '../../membership/job.js';
import { membershipSettingsView, scmRolesOf } from '../../membership/settings-view.js';
import type { ZodApp } from '../app.js';
import { actorOf, requireAccount } from '../auth.js';
import type { AppContext } from '../context.js';
import { accountParams, errors, fields } from '../schemas.js';

const organizationSchema = z.object({ externalId: z.string(), name: z.string() });
const roleMappingSchema = z
  .record(z.string().min(1).max(50), fields.role)
  .describe('SCM role → account role (GitHub `owner` → `admin`); roles left out get the default role.');

const candidateSchema = z.object({
  connectionId: z.string(),
  kind: z.enum(['github', 'gitlab']),
  host: z.string(),
  organization: organizationSchema,
});

const settingsSchema = z.object({
  source: candidateSchema
    .extend({
      label: z.string().describe('"GitHub organization acme", "GitLab group acme"'),
      roleMapping: roleMappingSchema.nullable(),
      scmRoles: z
        .array(z.string())
        .describe('The roles this SCM has, highest first, for the mapping editor.'),
      lastReconciledAt: z.string().nullable(),
      lastOutcome: z
        .object({
          ok: z.boolean(),
          added: z.number(),
          removed: z.number(),
          updated: z.number(),
          error: z.string().optional(),
        })
        .nullable(),
      nextRunAt: z.string().describe('When the schedule reconciles next (SCM_CONNECT_MEMBERSHIP_EVERY).'),
    })
    .nullable(),
  defaultRole: fields.role.describe('The role new members get (from the source without a mapping, SSO, …).'),
  candidates: z
    .array(candidateSchema)
    .describe("The GitHub organizations and GitLab top-level groups of the account's connections."),
});

const sourceBody = z.strictObject({
  connectionId: fields.uuid,
  organizationExternalId: z.string().min(1).max(100),
  roleMapping: roleMappingSchema.nullable(),
});

/** The membership source of an account: the GitHub organization or GitLab group that manages its members. */
export function registerMembershipSourceRoutes(app: ZodApp, ctx: AppContext): void {
  const view = (accountId: string) => membershipSettingsView(ctx.db, ctx.config, accountId);

  app.get(
    '/accounts/:accountId/membership-source',
    {
      schema: {
        tags: ['members'],
        summary: 'The membership source, the default role and the organizations that could be the source',
        params: accountParams,
        response: { 200: settingsSchema, ...errors(401, 404) },
      },
    },
    async (request) => {
      await requireAccount(request, ctx, request.params.accountId);
      return view(request.params.accountId);
    },
  );

  app.put(
    '/accounts/:accountId/membership-source',
    {
      schema: {
        tags: ['members'],
        summary: 'Let a GitHub organization or GitLab top-level group manage the members (admin)',
        description:
          'Its members sign in with GitHub or GitLab and land in the account; people removed there lose their ' +
          'sessions and API tokens here. A reconciliation starts at once.',
        params: accountParams,
        body: sourceBody,
        response: { 200: settingsSchema, ...errors(400, 401, 403, 404, 422) },
      },
    },
    async (request) => {
      const { accountId } = request.params;
      await requireAccount(request, ctx, accountId, 'admin');
      const { connectionId, organizationExternalId, roleMapping } = request.body;
      const connection = await findConnectionRow(ctx.db, accountId, connectionId);
      if (!connection) throw notFound('connection');
      const provider = providerOfKind(connection.kind);
      if (!provider) {
        throw unprocessable(
          'source_unsupported',
          'Only a GitHub organization or a GitLab group can manage membership; this connection is neither.',
        );
      }
      const candidate = (await listSourceCandidates(ctx.db, accountId)).find(
        (c) => c.connectionId === connectionId && c.organization.externalId === organizationExternalId,
      );
      if (!candidate) throw notFound('organization of this connection');
      const known = scmRolesOf(provider);
      const unknown = Object.keys(roleMapping ?? {}).filter((scmRole) => !known.includes(scmRole));
      if (unknown.length > 0) {
        throw badRequest(
          'invalid_role_mapping',
          `The role mapping names roles ${provider === 'github' ? 'GitHub' : 'GitLab'} does not have: ${unknown.join(', ')} (it has ${known.join(', ')}).`,
        );
      }
      await ctx.db.transaction().execute(async (tx) => {
        await saveMembershipSource(tx, {
          accountId,
          connectionId,
          organizationExternalId,
          organizationName: candidate.organization.name,
          roleMapping,
          createdBy: actorOf(request.auth),
        });
        await enqueueMembershipReconcile(tx, accountId, 'source-set');
        await recordAudit(tx, {
          accountId,
          actorUserId: actorOf(request.auth),
          action: 'membership.source_set',
          target: connectionId,
          details: { organization: candidate.organization.name, roleMapping },
        });
      });
      return view(accountId);
    },
  );

  app.delete(
    '/accounts/:accountId/membership-source',
    {
      schema: {
        tags: ['members'],
        summary: 'Stop managing members from the SCM (admin); its members stay, as ordinary members',
        params: accountParams,
        response: { 204: z.null(), ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { accountId } = request.params;
      await requireAccount(request, ctx, accountId, 'admin');
      await ctx.db.transaction().execute(async (tx) => {
        if (!(await deleteMembershipSource(tx, accountId))) throw notFound('membership source');
        await recordAudit(tx, {
          accountId,
          actorUserId: actorOf(request.auth),
          action: 'membership.source_removed',
        });
      });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/accounts/:accountId/membership-source/reconcile',
    {
      schema: {
        tags: ['members'],
        summary: 'Reconcile the members with the membership source now (admin)',
        params: accountParams,
        response: { 202: z.object({ jobId: z.string() }), ...errors(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { accountId } = request.params;
      await requireAccount(request, ctx, accountId, 'admin');
      if (!(await findMembershipSource(ctx.db, accountId))) {
        throw new AppError(409, 'no_source', 'This account has no membership source to reconcile with.');
      }
      const job = await enqueueMembershipReconcile(ctx.db, accountId, 'requested');
      return reply.status(202).send({ jobId: job.id });
    },
  );

  app.put(
    '/accounts/:accountId/default-role',
    {
      schema: {
        tags: ['members'],
        summary: 'The role new members get (admin)',
        params: accountParams,
        body: z.strictObject({ role: fields.role }),
        response: { 204: z.null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { accountId } = request.params;
      await requireAccount(request, ctx, accountId, 'admin');
      await setDefaultRole(ctx.db, accountId, request.body.role);
      await recordAudit(ctx.db, {
        accountId,
        actorUserId: actorOf(request.auth),
        action: 'account.default_role_changed',
        details: { role: request.body.role },
      });
      return reply.status(204).send(null);
    },
  );
}
