import { z } from 'zod';
import { AppError, notFound } from '../../core/errors.js';
import { recordAudit } from '../../db/audit.js';
import type { Db } from '../../db/database.js';
import { listIdentitiesOfUser, unlinkIdentity } from '../../db/identities.js';
import type { ZodApp } from '../app.js';
import { requireUser } from '../auth.js';
import type { AppContext } from '../context.js';
import { errors, fields } from '../schemas.js';

const identitySchema = z.object({
  id: z.string(),
  provider: z.enum(['github', 'gitlab', 'oidc', 'saml']),
  issuer: z
    .string()
    .describe('The SCM’s web root, the OpenID Connect issuer, or the SAML identity provider’s entity id.'),
  login: z.string().nullable().describe('As last seen; shown, never matched.'),
  email: z.string().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});

const identitiesSchema = z.object({
  hasPassword: z.boolean().describe('The person can sign in with email and password.'),
  identities: z.array(identitySchema),
});

/** Whether the person can sign in with a password (users made by a sign-in with an SCM or SSO have none). */
const hasPassword = async (db: Db, userId: string) => {
  const row = await db
    .selectFrom('users')
    .select('password_hash')
    .where('id', '=', userId)
    .executeTakeFirst();
  return row !== undefined && row.password_hash !== '';
};

/** The signed-in person's sign-in methods: `GET /profile/identities`, `DELETE /profile/identities/{id}`. */
export function registerProfileRoutes(zapp: ZodApp, ctx: AppContext): void {
  zapp.get(
    '/profile/identities',
    {
      schema: {
        tags: ['profile'],
        summary: 'Your sign-in methods: whether you have a password, and the identities linked to you',
        response: { 200: identitiesSchema, ...errors(401, 403) },
      },
    },
    async (request) => {
      const { userId } = requireUser(request);
      const identities = await listIdentitiesOfUser(ctx.db, userId);
      return {
        hasPassword: await hasPassword(ctx.db, userId),
        identities: identities.map((identity) => ({
          id: identity.id,
          provider: identity.provider,
          issuer: identity.issuer,
          login: identity.login,
          email: identity.email,
          createdAt: identity.createdAt,
          lastUsedAt: identity.lastUsedAt,
        })),
      };
    },
  );

  zapp.delete(
    '/profile/identities/:identityId',
    {
      schema: {
        tags: ['profile'],
        summary: 'Unlink a sign-in method',
        description:
          'Refused with 409 `last_sign_in_method` when it is the only way left to sign in (no password, no other identity).',
        params: z.strictObject({ identityId: fields.uuid }),
        response: { 204: z.null(), ...errors(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { userId } = requireUser(request);
      const { identityId } = request.params;
      await ctx.db.transaction().execute(async (tx) => {
        // On PostgreSQL, concurrent unlinks of one person queue up so the last method cannot be raced away.
        if (ctx.engine === 'postgres') {
          await tx.selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute();
        }
        const identities = await listIdentitiesOfUser(tx, userId);
        const identity = identities.find((candidate) => candidate.id === identityId);
        if (!identity) throw notFound('sign-in method');
        if (identities.length <= 1 && !(await hasPassword(tx, userId))) {
          throw new AppError(
            409,
            'last_sign_in_method',
            'This is your only way to sign in: link another method (or set a password) before you unlink it.',
          );
        }
        await unlinkIdentity(tx, userId, identityId);
        await recordAudit(tx, {
          accountId: null,
          actorUserId: userId,
          action: 'identity.unlinked',
          target: identity.subject,
          details: { provider: identity.provider, issuer: identity.issuer, login: identity.login },
        });
      });
      return reply.status(204).send(null);
    },
  );
}
