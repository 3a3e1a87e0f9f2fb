import type { ServiceContext } from '../../context.js';
import type { Db } from '../../db/database.js';
import { enterpriseSetupPath, setupPath } from '../../github-apps/paths.js';
import { webRootOf } from '../../github-apps/registry.js';
import type { GitHubAppClients } from '../../scm/github/app-clients.js';

/** The flows' name for the instance's app on github.com (which may come from the environment, without a row). */
export const instanceAppRef = 'instance';

/** Where GitHub sends the person back after Sign in with GitHub: a subdirectory of the app's callback URL. */
export const gitHubSignInPath = `${setupPath}/sign-in`;
export const enterpriseSignInPath = (connectionId: string) => `${enterpriseSetupPath(connectionId)}/sign-in`;

/** A GitHub App people sign in with: the instance's on github.com, or an Enterprise Server connection's. */
export interface GitHubSignInApp {
  /** {@link instanceAppRef}, or the `github_apps` row id of an Enterprise Server app. */
  readonly ref: string;
  /** The web root the identities it signs in are keyed by. */
  readonly webRoot: string;
  readonly clients: GitHubAppClients;
  /** Its sign-in callback, a path on the public URL. */
  readonly callbackPath: string;
}

const enterpriseApps = (db: Db) =>
  db
    .selectFrom('github_apps')
    .select(['id', 'account_id', 'connection_id', 'web_url'])
    .where('account_id', 'is not', null)
    .where('connection_id', 'is not', null);

async function instanceApp(ctx: ServiceContext): Promise<GitHubSignInApp | undefined> {
  const credentials = await ctx.githubApps.instanceApp();
  if (!credentials) return undefined;
  return {
    ref: instanceAppRef,
    webRoot: webRootOf(credentials.webUrl),
    clients: ctx.githubApps.clients(credentials),
    callbackPath: gitHubSignInPath,
  };
}

async function enterpriseApp(
  ctx: ServiceContext,
  row: { id: string; account_id: string | null; connection_id: string | null } | undefined,
): Promise<GitHubSignInApp | undefined> {
  if (!row?.account_id || !row.connection_id) return undefined;
  const credentials = await ctx.githubApps.connectionApp(row.account_id, row.connection_id);
  if (!credentials) return undefined;
  return {
    ref: row.id,
    webRoot: webRootOf(credentials.webUrl),
    clients: ctx.githubApps.clients(credentials, row.account_id),
    callbackPath: enterpriseSignInPath(row.connection_id),
  };
}

/**
 * The app that signs people in on `webRoot`: the instance's app for github.com; for an Enterprise Server, the
 * oldest app registered on it (any account's: it is the person's identity on that server that is asked for).
 */
export async function gitHubSignInAppFor(
  ctx: ServiceContext,
  webRoot: string,
): Promise<GitHubSignInApp | undefined> {
  if (webRoot === webRootOf(ctx.config.cloudUrls.githubWeb)) return instanceApp(ctx);
  const row = await enterpriseApps(ctx.db)
    .where('web_url', '=', webRoot)
    .orderBy('created_at')
    .orderBy('id')
    .executeTakeFirst();
  return enterpriseApp(ctx, row);
}

/** The app whose sign-in callback was reached: the instance's, or that of the Enterprise Server connection. */
export async function gitHubSignInAppOfCallback(
  ctx: ServiceContext,
  connectionId: string | undefined,
): Promise<GitHubSignInApp | undefined> {
  if (connectionId === undefined) return instanceApp(ctx);
  return enterpriseApp(
    ctx,
    await enterpriseApps(ctx.db).where('connection_id', '=', connectionId).executeTakeFirst(),
  );
}

/** The Enterprise Server web roots with a registered app, each once, in order. */
export async function enterpriseSignInHosts(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('github_apps')
    .select('web_url')
    .distinct()
    .where('account_id', 'is not', null)
    .where('connection_id', 'is not', null)
    .orderBy('web_url')
    .execute();
  return rows.map((row) => row.web_url);
}
