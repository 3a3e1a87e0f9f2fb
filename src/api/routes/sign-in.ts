import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { hashToken, nowIso } from '../../core/tokens.js';
import { deleteSession, isFreshSession, revokeSessionsOfUser } from '../../db/sessions.js';
import { safeReturnPath } from '../../db/sign-in-flows.js';
import { webRootOf } from '../../github-apps/registry.js';
import {
  parseCallbackQuery,
  type FinishedSignIn,
  type SignInRedirect,
  type SignInStart,
} from '../../membership/sign-in/flow.js';
import { finishGitHubSignIn, startGitHubSignIn } from '../../membership/sign-in/github-flow.js';
import { enterpriseSignInPath, gitHubSignInPath } from '../../membership/sign-in/github-apps.js';
import {
  finishGitLabSignIn,
  gitLabCallbackPath,
  startGitLabSignIn,
} from '../../membership/sign-in/gitlab-flow.js';
import { listSignInMethods } from '../../membership/sign-in/methods.js';
import { flowExpired, SignInRefusal } from '../../membership/sign-in/refusal.js';
import { linkScmIdentity, signInWithScm } from '../../membership/sign-in/scm-sign-in.js';
import { isScmError } from '../../scm/errors.js';
import { normalizeBaseUrl } from '../../scm/http/index.js';
import type { ZodApp } from '../app.js';
import { sessionCookie } from '../auth.js';
import type { AppContext } from '../context.js';
import { fields } from '../schemas.js';
import { publicOrigin, startSession } from '../session-view.js';
import { setSignInNonceCookie, takeSignInNonce } from '../sign-in-cookie.js';

/** Linking a sign-in method needs a sign-in of the last ten minutes. */
const linkFreshnessMs = 10 * 60_000;

const reauthLocation = '/login?error=reauth_required&return_to=/profile';

const startQuery = z.object({
  purpose: z.enum(['sign-in', 'link']).default('sign-in'),
  return_to: z.string().max(500).optional(),
});
const gitHubStartQuery = startQuery.extend({ host: z.string().min(1).max(2048).optional() });
const gitLabStartQuery = startQuery.extend({ app: fields.uuid });

const methodsSchema = z
  .object({
    github: z.array(
      z.object({
        webUrl: z.string().describe('The `host` to pass to /auth/github/start.'),
        label: z.string(),
      }),
    ),
    gitlab: z.array(
      z.object({
        id: z.string().describe('The `app` to pass to /auth/gitlab/start.'),
        webUrl: z.string(),
        label: z.string(),
      }),
    ),
    sso: z.boolean().describe('Some account has an active single sign-on provider.'),
  })
  .describe('The sign-in buttons of the login page.');

/** The session of the browser, with the account it is in; undefined when it has none. */
async function browserSessionOf(request: FastifyRequest, ctx: AppContext) {
  const cookie = request.cookies[sessionCookie];
  return cookie ? ctx.queries.findSession(hashToken(cookie), null, nowIso()) : undefined;
}

/** `GET /api/v1/sign-in/methods`: public, for the login page. */
export function registerSignInMethodRoutes(zapp: ZodApp, ctx: AppContext): void {
  zapp.get(
    '/sign-in/methods',
    {
      config: { public: true },
      schema: {
        tags: ['session'],
        summary: 'How people may sign in: GitHub hosts, GitLab applications, single sign-on',
        description:
          'github.com when the instance has its GitHub App, each GitHub Enterprise Server with a registered app, ' +
          'each GitLab OAuth application an instance admin added. Start one with `GET /auth/github/start?host=` or ' +
          '`GET /auth/gitlab/start?app=` (browser navigations, not API calls).',
        response: { 200: methodsSchema },
      },
    },
    () => listSignInMethods(ctx),
  );
}

/**
 * Sign in with GitHub and with GitLab, as browser pages (redirects): `/auth/github/start`, GitHub's callbacks
 * `/github/setup/sign-in` and `/github/setup/{connectionId}/sign-in`, `/auth/gitlab/start` and
 * `/auth/gitlab/callback`. A refusal lands on `/login?error=<code>`.
 */
export function registerSignInPages(app: FastifyInstance, ctx: AppContext): void {
  const refuse = (reply: FastifyReply, code: string) => reply.redirect(`/login?error=${code}`, 302);

  const start = async (
    request: FastifyRequest,
    reply: FastifyReply,
    query: z.infer<typeof startQuery>,
    begin: (input: SignInStart) => Promise<SignInRedirect>,
  ) => {
    try {
      let userId: string | undefined;
      if (query.purpose === 'link') {
        const session = await browserSessionOf(request, ctx);
        if (!session || !(await isFreshSession(ctx.db, session.idHash, linkFreshnessMs))) {
          return reply.redirect(reauthLocation, 302);
        }
        userId = session.userId;
      }
      const returnTo = safeReturnPath(query.return_to);
      const redirect = await begin({
        purpose: query.purpose,
        origin: publicOrigin(ctx, request),
        ...(userId ? { userId } : {}),
        ...(returnTo ? { returnTo } : {}),
      });
      setSignInNonceCookie(ctx, request, reply, redirect.nonce);
      return reply.redirect(redirect.url, 302);
    } catch (error) {
      if (error instanceof SignInRefusal) return refuse(reply, error.code);
      throw error;
    }
  };

  const finish = async (
    request: FastifyRequest,
    reply: FastifyReply,
    provider: 'github' | 'gitlab',
    complete: (nonce: string | undefined, origin: string) => Promise<FinishedSignIn>,
  ) => {
    const nonce = takeSignInNonce(request, reply);
    try {
      const { flow, identity } = await complete(nonce, publicOrigin(ctx, request));
      const session = await browserSessionOf(request, ctx);
      if (flow.purpose === 'link') {
        if (!flow.userId || session?.userId !== flow.userId) throw flowExpired();
        const linked = await linkScmIdentity(ctx, flow.userId, identity);
        // A new sign-in method changes the person's credentials: every session of theirs ends.
        if (linked.changed) await revokeSessionsOfUser(ctx.db, flow.userId);
        else await deleteSession(ctx.db, session.idHash);
        await startSession(ctx, request, reply, flow.userId, session.accountId ?? linked.accountId, {
          method: provider,
        });
        return reply.redirect(`/profile?linked=${provider}`, 302);
      }
      const signedIn = await signInWithScm(ctx, identity);
      if (session) await deleteSession(ctx.db, session.idHash);
      await startSession(ctx, request, reply, signedIn.userId, signedIn.accountId, { method: provider });
      return reply.redirect(flow.returnTo ?? '/', 302);
    } catch (error) {
      if (error instanceof SignInRefusal) return refuse(reply, error.code);
      if (isScmError(error)) {
        ctx.logger.warn(
          { provider, kind: error.kind, code: error.code, status: error.status },
          'sign-in: checking the membership failed',
        );
        return refuse(reply, 'provider_refused');
      }
      throw error;
    }
  };

  app.get('/auth/github/start', { schema: { hide: true } }, (request, reply) => {
    const query = gitHubStartQuery.safeParse(request.query);
    if (!query.success) return refuse(reply, 'provider_refused');
    let webRoot = webRootOf(ctx.config.cloudUrls.githubWeb);
    if (query.data.host !== undefined) {
      try {
        webRoot = webRootOf(normalizeBaseUrl(query.data.host, { allowHttp: true }));
      } catch {
        return refuse(reply, 'provider_refused');
      }
    }
    return start(request, reply, query.data, (input) => startGitHubSignIn(ctx, { ...input, webRoot }));
  });

  const gitHubCallback = (request: FastifyRequest, reply: FastifyReply, connectionId?: string) =>
    finish(request, reply, 'github', (nonce, origin) =>
      finishGitHubSignIn(ctx, {
        query: parseCallbackQuery(request.query),
        nonce,
        origin,
        ...(connectionId ? { connectionId } : {}),
      }),
    );
  app.get(gitHubSignInPath, { schema: { hide: true } }, (request, reply) => gitHubCallback(request, reply));
  const enterprise = z.object({ connectionId: fields.uuid });
  app.get(enterpriseSignInPath(':connectionId'), { schema: { hide: true } }, (request, reply) => {
    const params = enterprise.safeParse(request.params);
    if (!params.success) return refuse(reply, 'flow_expired');
    return gitHubCallback(request, reply, params.data.connectionId);
  });

  app.get('/auth/gitlab/start', { schema: { hide: true } }, (request, reply) => {
    const query = gitLabStartQuery.safeParse(request.query);
    if (!query.success) return refuse(reply, 'provider_refused');
    return start(request, reply, query.data, (input) =>
      startGitLabSignIn(ctx, { ...input, appId: query.data.app }),
    );
  });
  app.get(gitLabCallbackPath, { schema: { hide: true } }, (request, reply) =>
    finish(request, reply, 'gitlab', (nonce, origin) =>
      finishGitLabSignIn(ctx, { query: parseCallbackQuery(request.query), nonce, origin }),
    ),
  );
}
