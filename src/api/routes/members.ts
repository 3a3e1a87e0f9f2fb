import { z } from 'zod';
import { AppError, notFound } from '../../core/errors.js';
import { countAdmins, listMembers, removeMember, setMemberRole } from '../../db/accounts.js';
import { recordAudit } from '../../db/audit.js';
import type { Db } from '../../db/database.js';
import { createInvitation, isMemberEmail } from '../../db/invitations.js';
import { detachSessionsFromAccount } from '../../db/sessions.js';
import { refuseHandEdit } from '../../membership/hand-edits.js';
import type { ZodApp } from '../app.js';
import { actorOf, requireAccount, requireUser } from '../auth.js';
import type { AppContext } from '../context.js';
import { errors, fields, memberSchema } from '../schemas.js';
import { publicOrigin } from '../session-view.js';
import { sendJsonText } from '../json-text.js';

const invitationHours = 72;
const memberParams = z.strictObject({ accountId: fields.uuid, userId: fields.uuid });

export function registerMemberRoutes(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/accounts/:accountId/members',
    {
      schema: {
        tags: ['members'],
        summary: 'Members of the account',
        params: z.strictObject({ accountId: fields.uuid }),
        response: { 200: z.object({ items: z.array(memberSchema) }), ...errors(401, 404) },
      },
    },
    async (request, reply) => {
      await requireAccount(request, ctx, request.params.accountId);
      const items = await ctx.queries.membersJson(request.params.accountId);
      return sendJsonText(reply, `{"items":${items}}`);
    },
  );

  app.post(
    '/accounts/:accountId/members',
    {
      schema: {
        tags: ['members'],
        summary:
          'Invite a person: they join by accepting a one-time link, with their existing user or a new one',
        description:
          'The answer is the same whether or not the email has a user here: nobody joins an account without ' +
          'accepting. A person with a user signs in and accepts (`POST /invitations/{token}/join`); anyone ' +
          'else creates their user (`POST /invitations/{token}/accept`).',
        params: z.strictObject({ accountId: fields.uuid }),
        body: z.strictObject({ email: fields.email, role: fields.role }),
        response: {
          201: z.object({
            invitation: z
              .object({ email: z.string(), role: fields.role, url: z.string(), expiresAt: z.string() })
              .describe('The link is shown once: pass it to the person.'),
          }),
          ...errors(400, 401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const { accountId } = request.params;
      await requireAccount(request, ctx, accountId, 'admin');
      const auth = requireUser(request);
      const { email, role } = request.body;
      if (await isMemberEmail(ctx.db, accountId, email)) {
        throw new AppError(409, 'already_member', `${email} is a member of this account already.`);
      }
      const invitation = await createInvitation(ctx.db, {
        accountId,
        email,
        role,
        createdBy: auth.userId,
        hours: invitationHours,
      });
      await recordAudit(ctx.db, {
        accountId,
        actorUserId: auth.userId,
        action: 'member.invited',
        details: { email, role },
      });
      return reply.status(201).send({
        invitation: {
          email,
          role,
          url: `${publicOrigin(ctx, request)}/invite/${invitation.token}`,
          expiresAt: invitation.expiresAt,
        },
      });
    },
  );

  app.patch(
    '/accounts/:accountId/members/:userId',
    {
      schema: {
        tags: ['members'],
        summary: "Change a member's role (admin; not one's own)",
        description:
          'Refused with 409 `managed_member` for a member of the membership source while its role mapping is on.',
        params: memberParams,
        body: z.strictObject({ role: fields.role }),
        response: { 200: memberSchema, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { accountId, userId } = request.params;
      await requireAccount(request, ctx, accountId, 'admin');
      if (request.auth?.kind === 'session' && request.auth.userId === userId) {
        throw new AppError(
          403,
          'own_role',
          'Nobody changes their own role: ask another admin of the account.',
        );
      }
      await ctx.db.transaction().execute(async (tx) => {
        await lockMembers(tx, ctx, accountId);
        await refuseHandEdit(tx, accountId, userId, 'role');
        if (request.body.role === 'member') await keepAnAdmin(tx, accountId, userId);
        if (!(await setMemberRole(tx, accountId, userId, request.body.role))) throw notFound('member');
        await recordAudit(tx, {
          accountId,
          actorUserId: actorOf(request.auth),
          action: 'member.role_changed',
          target: userId,
          details: { role: request.body.role },
        });
      });
      const member = (await listMembers(ctx.db, accountId)).find((m) => m.userId === userId);
      if (!member) throw notFound('member');
      return member;
    },
  );

  app.delete(
    '/accounts/:accountId/members/:userId',
    {
      schema: {
        tags: ['members'],
        summary: 'Remove a member (admin; anyone may leave); their sessions lose the account at once',
        description:
          'A member of the membership source is removed in the SCM instead (409 `managed_member`).',
        params: memberParams,
        response: { 204: z.null(), ...errors(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { accountId, userId } = request.params;
      const self = request.auth?.kind === 'session' && request.auth.userId === userId;
      await requireAccount(request, ctx, accountId, self ? 'member' : 'admin');
      await ctx.db.transaction().execute(async (tx) => {
        await lockMembers(tx, ctx, accountId);
        await refuseHandEdit(tx, accountId, userId, 'remove');
        await keepAnAdmin(tx, accountId, userId);
        if (!(await removeMember(tx, accountId, userId))) throw notFound('member');
        await detachSessionsFromAccount(tx, accountId, userId);
        await recordAudit(tx, {
          accountId,
          actorUserId: actorOf(request.auth),
          action: 'member.removed',
          target: userId,
        });
      });
      return reply.status(204).send(null);
    },
  );
}

/** On PostgreSQL, concurrent role changes in one account queue up so the last-admin check cannot be raced. */
async function lockMembers(tx: Db, ctx: AppContext, accountId: string): Promise<void> {
  if (ctx.engine !== 'postgres') return;
  await tx.selectFrom('accounts').select('id').where('id', '=', accountId).forUpdate().execute();
}

async function keepAnAdmin(tx: Db, accountId: string, userId: string): Promise<void> {
  const members = await listMembers(tx, accountId);
  const target = members.find((m) => m.userId === userId);
  if (target?.role === 'admin' && (await countAdmins(tx, accountId)) <= 1) {
    throw new AppError(
      409,
      'last_admin',
      'An account needs at least one admin: make someone else admin first.',
    );
  }
}
