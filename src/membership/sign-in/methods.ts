import type { ServiceContext } from '../../context.js';
import { listGitLabOAuthApps } from '../../db/gitlab-oauth-apps.js';
import { webRootOf } from '../../github-apps/registry.js';
import { enterpriseSignInHosts } from './github-apps.js';

/** The buttons of the login page. */
export interface SignInMethods {
  readonly github: { webUrl: string; label: string }[];
  readonly gitlab: { id: string; webUrl: string; label: string }[];
  /** Whether some account has an active single sign-on provider. */
  readonly sso: boolean;
}

const hostOf = (webUrl: string) => new URL(webUrl).host;

/**
 * How people may sign in: GitHub on github.com when the instance has its app, each Enterprise Server with a
 * registered app, each GitLab OAuth application, and whether single sign-on is on anywhere.
 */
export async function listSignInMethods(ctx: ServiceContext): Promise<SignInMethods> {
  const cloudGitHub = webRootOf(ctx.config.cloudUrls.githubWeb);
  const cloudGitLab = webRootOf(ctx.config.cloudUrls.gitlab);
  const instanceApp = await ctx.githubApps.instanceApp();
  const enterprise = await enterpriseSignInHosts(ctx.db);
  const gitlab = await listGitLabOAuthApps(ctx.db);
  const sso = await ctx.db
    .selectFrom('sso_providers')
    .select('id')
    .where('status', '=', 'active')
    .limit(1)
    .executeTakeFirst();
  return {
    github: [
      ...(instanceApp ? [{ webUrl: cloudGitHub, label: 'GitHub' }] : []),
      ...enterprise
        .filter((webUrl) => webUrl !== cloudGitHub)
        .map((webUrl) => ({ webUrl, label: `GitHub Enterprise (${hostOf(webUrl)})` })),
    ],
    gitlab: gitlab.map((app) => ({
      id: app.id,
      webUrl: app.webUrl,
      label: app.webUrl === cloudGitLab ? 'GitLab' : `GitLab (${hostOf(app.webUrl)})`,
    })),
    sso: sso !== undefined,
  };
}
