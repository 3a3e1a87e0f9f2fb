import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { caPemField, tokenField } from '../../connections/input.js';
import { conflict, forbidden, notFound } from '../../core/errors.js';
import { recordAudit } from '../../db/audit.js';
import {
  deleteGitLabOAuthApp,
  findGitLabOAuthApp,
  insertGitLabOAuthApp,
  listGitLabOAuthApps,
  updateGitLabOAuthApp,
  type GitLabOAuthAppView,
} from '../../db/gitlab-oauth-apps.js';
import { isUniqueViolation } from '../../db/unique-violation.js';
import { isInstanceAdmin } from '../../db/users.js';
import { webRootOf } from '../../github-apps/registry.js';
import { gitLabCallbackPath } from '../../membership/sign-in/gitlab-flow.js';
import { normalizeBaseUrl } from '../../scm/http/index.js';
import type { ZodApp } from '../app.js';
import { requireUser } from '../auth.js';
import type { AppContext } from '../context.js';
import { errors, fields } from '../schemas.js';
import { publicOrigin } from '../session-view.js';

const appSchema = z
  .object({
    id: z.string(),
    webUrl: z.string().describe('The GitLab instance: https://gitlab.com or a self-managed address.'),
    applicationId: z.string().describe('The application id GitLab shows on the application’s page.'),
    callbackUrl: z
      .string()
      .describe('The redirect URI to enter in GitLab’s application form (scope `read_user`).'),
    hasCaCertificate: z.boolean(),
    createdAt: z.string(),
  })
  .describe('A GitLab OAuth application people sign in with; its secret is never shown.');

const bodyFields = {
  webUrl: z.string().min(1).max(2048),
  applicationId: tokenField,
  caCertificate: caPemField.nullish().describe('PEM of a private CA the instance’s certificate chains to.'),
};
const createBody = z.strictObject({ ...bodyFields, secret: tokenField });
const updateBody = z.strictObject({
  ...bodyFields,
  secret: tokenField.optional().describe('Kept when left out.'),
});
const params = z.strictObject({ id: fields.uuid });

const requireInstanceAdmin = async (request: FastifyRequest, ctx: AppContext): Promise<string> => {
  const { userId } = requireUser(request);
  if (!(await isInstanceAdmin(ctx.db, userId))) {
    throw forbidden('Only an instance admin can manage the GitLab applications people sign in with.');
  }
  return userId;
};

const alreadyThere = () =>
  conflict('gitlab_app_exists', 'That GitLab instance has a sign-in application already: edit that one.');

/**
 * The GitLab OAuth applications of Sign in with GitLab, one per GitLab instance (instance admins only):
 * `GET|POST /instance/gitlab-oauth-apps`, `PUT|DELETE /instance/gitlab-oauth-apps/{id}`.
 */
export function registerGitLabOAuthAppRoutes(zapp: ZodApp, ctx: AppContext): void {
  const viewOf = (request: FastifyRequest, app: GitLabOAuthAppView) => ({
    id: app.id,
    webUrl: app.webUrl,
    applicationId: app.applicationId,
    callbackUrl: `${publicOrigin(ctx, request)}${gitLabCallbackPath}`,
    hasCaCertificate: app.caCertificate !== null,
    createdAt: app.createdAt,
  });
  const webRoot = (value: string) => webRootOf(normalizeBaseUrl(value, { allowHttp: ctx.config.allowHttp }));

  zapp.get(
    '/instance/gitlab-oauth-apps',
    {
      schema: {
        tags: ['instance'],
        summary: 'The GitLab OAuth applications people sign in with (instance admins)',
        response: { 200: z.object({ items: z.array(appSchema) }), ...errors(401, 403) },
      },
    },
    async (request) => {
      await requireInstanceAdmin(request, ctx);
      return { items: (await listGitLabOAuthApps(ctx.db)).map((app) => viewOf(request, app)) };
    },
  );

  zapp.post(
    '/instance/gitlab-oauth-apps',
    {
      schema: {
        tags: ['instance'],
        summary: 'Add a GitLab OAuth application for Sign in with GitLab (instance admins)',
        description:
          'Create the application in GitLab (Admin area > Applications, or a group’s or user’s Applications) with ' +
          'the redirect URI `{public URL}/auth/gitlab/callback`, confidential, scope `read_user`; paste its id and ' +
          'secret here. The secret is encrypted at rest and never shown again.',
        body: createBody,
        response: { 201: appSchema, ...errors(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const userId = await requireInstanceAdmin(request, ctx);
      const { body } = request;
      const input = {
        webUrl: webRoot(body.webUrl),
        applicationId: body.applicationId,
        secret: body.secret,
        caCertificate: body.caCertificate ?? null,
      };
      let id: string;
      try {
        id = await insertGitLabOAuthApp(ctx.db, ctx.secrets, { ...input, createdBy: userId });
      } catch (error) {
        if (isUniqueViolation(error)) throw alreadyThere();
        throw error;
      }
      await recordAudit(ctx.db, {
        accountId: null,
        actorUserId: userId,
        action: 'gitlab_oauth_app.created',
        target: id,
        details: { webUrl: input.webUrl, applicationId: input.applicationId },
      });
      const app = await findGitLabOAuthApp(ctx.db, id);
      if (!app) throw notFound('GitLab application');
      return reply.status(201).send(viewOf(request, app));
    },
  );

  zapp.put(
    '/instance/gitlab-oauth-apps/:id',
    {
      schema: {
        tags: ['instance'],
        summary: 'Change a GitLab OAuth application (instance admins); the secret is kept unless given',
        params,
        body: updateBody,
        response: { 200: appSchema, ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const userId = await requireInstanceAdmin(request, ctx);
      const { body } = request;
      const webUrl = webRoot(body.webUrl);
      let updated: boolean;
      try {
        updated = await updateGitLabOAuthApp(ctx.db, ctx.secrets, request.params.id, {
          webUrl,
          applicationId: body.applicationId,
          caCertificate: body.caCertificate ?? null,
          ...(body.secret === undefined ? {} : { secret: body.secret }),
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw alreadyThere();
        throw error;
      }
      if (!updated) throw notFound('GitLab application');
      await recordAudit(ctx.db, {
        accountId: null,
        actorUserId: userId,
        action: 'gitlab_oauth_app.updated',
        target: request.params.id,
        details: { webUrl, applicationId: body.applicationId, secretChanged: body.secret !== undefined },
      });
      const app = await findGitLabOAuthApp(ctx.db, request.params.id);
      if (!app) throw notFound('GitLab application');
      return viewOf(request, app);
    },
  );

  zapp.delete(
    '/instance/gitlab-oauth-apps/:id',
    {
      schema: {
        tags: ['instance'],
        summary:
          'Remove a GitLab OAuth application (instance admins); people linked through it keep their users',
        params,
        response: { 204: z.null(), ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const userId = await requireInstanceAdmin(request, ctx);
      if (!(await deleteGitLabOAuthApp(ctx.db, request.params.id))) throw notFound('GitLab application');
      await recordAudit(ctx.db, {
        accountId: null,
        actorUserId: userId,
        action: 'gitlab_oauth_app.deleted',
        target: request.params.id,
      });
      return reply.status(204).send(null);
    },
  );
}
