import { z } from 'zod';
import { AppError, forbidden, notFound } from '../../core/errors.js';
import { hashPassword } from '../../core/password.js';
import { addMember } from '../../db/accounts.js';
import { recordAudit } from '../../db/audit.js';
import { consumeInvitation, findInvitation } from '../../db/invitations.js';
import { createUser, findUserByEmail, findUserById } from '../../db/users.js';
import type { ZodApp } from '../app.js';
import { requireUser } from '../auth.js';
import type { AppContext } from '../context.js';
import { errors, fields, sessionSchema } from '../schemas.js';
import { startSession } from '../session-view.js';

const tokenParams = z.strictObject({ token: z.string().min(20).max(200) });
const gone = () => notFound('invitation (it may have expired or been used)');

export function registerInvitationRoutes(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/invitations/:token',
    {
      config: { public: true },
      schema: {
        tags: ['members'],
        summary: 'What an invitation is for',
        params: tokenParams,
        response: { 200: z.object({ email: z.string(), accountName: z.string() }), ...errors(404) },
      },
    },
    async (request) => {
      const invitation = await findInvitation(ctx.db, request.params.token);
      if (!invitation) throw gone();
      return { email: invitation.email, accountName: invitation.name };
    },
  );

  app.post(
    '/invitations/:token/accept',
    {
      config: { public: true, csrfExempt: true },
      schema: {
        tags: ['members'],
        summary: 'Accept an invitation as a new person: creates your user and signs you in',
        params: tokenParams,
        body: z.strictObject({ name: fields.displayName(), password: fields.password }),
        response: { 201: sessionSchema, ...errors(400, 404, 409) },
      },
    },
    async (request, reply) => {
      const invitation = await findInvitation(ctx.db, request.params.token);
      if (!invitation) throw gone();
      const passwordHash = await hashPassword(request.body.password);
      const user = await ctx.db.transaction().execute(async (tx) => {
        if (!(await consumeInvitation(tx, invitation.id))) return undefined;
        if (await findUserByEmail(tx, invitation.email)) {
          throw new AppError(
            409,
            'user_exists',
            `${invitation.email} has a user here already: sign in as that person, then open the invitation link again to join.`,
          );
        }
        const created = await createUser(tx, {
          email: invitation.email,
          name: request.body.name,
          passwordHash,
        });
        await addMember(tx, invitation.account_id, created.id, invitation.role);
        await recordAudit(tx, {
          accountId: invitation.account_id,
          actorUserId: created.id,
          action: 'member.joined',
        });
        return created;
      });
      if (!user) throw gone();
      return reply.status(201).send(await startSession(ctx, request, reply, user.id, invitation.account_id));
    },
  );
  app.post(
    '/invitations/:token/join',
    {
      schema: {
        tags: ['members'],
        summary: 'Accept an invitation as the signed-in person: adds your user to the account',
        params: tokenParams,
        response: { 201: sessionSchema, ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const auth = requireUser(request);
      const invitation = await findInvitation(ctx.db, request.params.token);
      if (!invitation) throw gone();
      const user = await findUserById(ctx.db, auth.userId);
      if (user?.email !== invitation.email) {
        throw forbidden(`This invitation is for ${invitation.email}: sign in as that person to accept it.`);
      }
      const accepted = await ctx.db.transaction().execute(async (tx) => {
        if (!(await consumeInvitation(tx, invitation.id))) return false;
        // Already a member (invited twice): the invitation is used up and the role stays as it is.
        if (await addMember(tx, invitation.account_id, user.id, invitation.role)) {
          await recordAudit(tx, {
            accountId: invitation.account_id,
            actorUserId: user.id,
            action: 'member.joined',
          });
        }
        return true;
      });
      if (!accepted) throw gone();
      return reply.status(201).send(await startSession(ctx, request, reply, user.id, invitation.account_id));
    },
  );
}
