import { ScmError } from '../errors.js';
import type { ScmIdentity, ScmOrganization } from '../provider.js';
import type { BbdcAnswer, BbdcClient } from './client.js';
import type { BbdcProject } from './schemas.js';

/** What validation and the connection test share for one connection. */
export interface BbdcContext {
  readonly client: BbdcClient;
  /** The project key as the admin typed it. */
  readonly projectKey: string;
  /** The instance root including any context path, no trailing slash (`https://git.example.com/bitbucket`). */
  readonly webRoot: string;
  readonly now: () => Date;
}

/** What a connection needs: every repository of the project, so Project read. */
export const neededPermissions = ['PROJECT_READ'] as const;

const tokenHelp = (ctx: BbdcContext) =>
  `In Bitbucket, open project ${ctx.projectKey} > Project settings > HTTP access tokens and create a token with Project read (Repository read or more)`;

export const invalidCredentials = (ctx: BbdcContext, status?: number) =>
  new ScmError(
    'auth',
    `Bitbucket Data Center at ${ctx.webRoot} refused the token: it is wrong, revoked or expired.`,
    {
      code: 'invalid_credentials',
      ...(status === undefined ? {} : { status }),
      fix: `${tokenHelp(ctx)}, then update the connection with it.`,
    },
  );

export const projectNotFound = (ctx: BbdcContext) =>
  new ScmError('not-found', `There is no project with the key \`${ctx.projectKey}\` at ${ctx.webRoot}.`, {
    code: 'target_not_found',
    status: 404,
    fix: `Check the key at ${ctx.webRoot}/projects: it is the short code (such as SHOP), not the project name.`,
  });

export const projectNotVisible = (ctx: BbdcContext) =>
  new ScmError(
    'not-found',
    `Project \`${ctx.projectKey}\` is not visible to this token: the token belongs to another project or repository, or its user has no access to ${ctx.projectKey}.`,
    {
      code: 'target_not_found',
      status: 401,
      fix: `Check the project key, then ${tokenHelp(ctx).replace(/^In/, 'in')}.`,
    },
  );

export const insufficientPermissions = (ctx: BbdcContext, granted: readonly string[]) =>
  new ScmError(
    'forbidden',
    `The token has ${granted.length > 0 ? granted.map((p) => `\`${p}\``).join(', ') : 'no proven permission'} on project ${ctx.projectKey} but cannot list its repositories; the connection needs ${neededPermissions.map((p) => `\`${p}\``).join(', ')}.`,
    { code: 'insufficient_scopes', fix: `${tokenHelp(ctx)}.` },
  );

/**
 * The server version from `application-properties`. Throws `invalid_credentials` when the token is refused
 * (Data Center checks a token even where none is needed) and `not_bitbucket_data_center` when the URL serves
 * no such resource (a wrong host or a missing context path).
 */
export async function readServerVersion(ctx: BbdcContext): Promise<string> {
  const answer = await ctx.client.applicationProperties();
  if (answer.ok) return answer.data.version;
  if (answer.refusal === 'bad-credentials') throw invalidCredentials(ctx, answer.status);
  throw new ScmError(
    'invalid',
    `${ctx.webRoot} does not answer like Bitbucket Data Center (${answer.status}).`,
    {
      code: 'not_bitbucket_data_center',
      status: answer.status,
      fix: 'Enter the address of the Bitbucket Data Center instance as you open it in a browser, including any context path such as /bitbucket.',
    },
  );
}

/**
 * The project and the identity the token acts as; throws `invalid_credentials`, `target_not_found` or
 * `identity_unresolved`.
 */
export async function resolveProject(
  ctx: BbdcContext,
): Promise<{ project: BbdcProject; identity: ScmIdentity }> {
  const answer = await ctx.client.project(ctx.projectKey);
  if (!answer.ok) throw projectRefusal(ctx, answer);
  return { project: answer.data, identity: await identityOf(ctx, answer.headers) };
}

export function projectRefusal(
  ctx: BbdcContext,
  answer: Extract<BbdcAnswer<unknown>, { ok: false }>,
): ScmError {
  switch (answer.refusal) {
    case 'bad-credentials':
      return invalidCredentials(ctx, answer.status);
    case 'not-permitted':
      return projectNotVisible(ctx);
    case 'not-found':
      return projectNotFound(ctx);
    case 'rejected':
      return new ScmError(
        'invalid',
        `Bitbucket Data Center rejected the project key \`${ctx.projectKey}\` (${answer.status}).`,
        {
          code: 'target_not_found',
          status: answer.status,
          fix: `Check the key at ${ctx.webRoot}/projects.`,
        },
      );
  }
}

/**
 * Data Center names the caller in `X-AUSERID` (numeric id) and `X-AUSERNAME`; the whoami servlet is the
 * fallback for the name. The id is what identifies the user: names change, so without the header the id is
 * read from the user's resource.
 */
async function identityOf(ctx: BbdcContext, headers: Readonly<Record<string, string>>): Promise<ScmIdentity> {
  const login = headers['x-ausername'] || (await ctx.client.whoami());
  // A request that counted as anonymous saw only what is public: the token was not accepted.
  if (!login) throw invalidCredentials(ctx);
  const id = headers['x-auserid'];
  if (id) return { id, login };
  const user = await ctx.client.user(login);
  if (!user.ok) throw identityUnresolved(ctx, login, user.status);
  return { id: user.data.id, login };
}

const identityUnresolved = (ctx: BbdcContext, login: string, status: number) =>
  new ScmError(
    'invalid',
    `Bitbucket Data Center at ${ctx.webRoot} did not send the id of the user the token acts as (\`${login}\`), and that user's details are not visible to the token (${status}).`,
    {
      code: 'identity_unresolved',
      status,
      fix: 'If a reverse proxy sits in front of Bitbucket, let it pass the X-AUSERID and X-AUSERNAME response headers through.',
    },
  );

/**
 * The web path of a project: `projects/{KEY}`, or `users/{slug}` for a personal project, whose key the REST
 * API writes `~USER`. Built from the URL the admin gave, as links are, never from the server's `self` links.
 */
export function projectWebPath(projectKey: string): string {
  return projectKey.startsWith('~')
    ? `users/${encodeURIComponent(projectKey.slice(1).toLowerCase())}`
    : `projects/${encodeURIComponent(projectKey)}`;
}

export function toOrganization(ctx: BbdcContext, project: BbdcProject): ScmOrganization {
  return {
    externalId: project.id,
    name: project.key,
    displayName: project.name,
    webUrl: `${ctx.webRoot}/${projectWebPath(project.key)}`,
  };
}
