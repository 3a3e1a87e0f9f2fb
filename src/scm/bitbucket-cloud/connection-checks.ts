import type { ScmKindId } from '../../core/scm-kinds.js';
import { ScmError } from '../errors.js';
import { missingScopes, type ScmIdentity, type ScmOrganization, type ScopeReport } from '../provider.js';
import type { BitbucketAnswer, BitbucketClient, BitbucketProbe } from './client.js';
import type { BitbucketErrorBody, BitbucketWorkspace } from './schemas.js';

/** A workspace access token (Bearer) or an Atlassian API token with the account email (Basic). */
export type BitbucketCredential = 'access-token' | 'api-token';

/** What validation, the report and listing share for one connection. */
export interface BitbucketContext {
  readonly kind: ScmKindId;
  readonly client: BitbucketClient;
  readonly credential: BitbucketCredential;
  /** The workspace slug as the admin typed it. */
  readonly target: string;
  /** The web root for links (https://bitbucket.org). */
  readonly webRoot: URL;
  readonly now: () => Date;
}

/** Scopes needed to list repositories, in each credential's vocabulary. */
export const neededScopes: Readonly<Record<BitbucketCredential, readonly string[]>> = {
  'access-token': ['repository'],
  'api-token': ['read:repository:bitbucket'],
};

/** Scope that lets a credential read workspace members. */
export const memberScope: Readonly<Record<BitbucketCredential, string>> = {
  'access-token': 'account',
  'api-token': 'read:workspace:bitbucket',
};

const newTokenFix: Readonly<Record<BitbucketCredential, string>> = {
  'access-token':
    'Create a workspace access token (Workspace settings > Access tokens) with the `repository` scope and update the connection.',
  'api-token':
    'Check the Atlassian account email, or create an API token with the `read:repository:bitbucket` scope (app passwords no longer work).',
};

const quoted = (names: readonly string[]) => names.map((name) => `\`${name}\``).join(', ');

/** The token's scopes, when Bitbucket tells them (`x-oauth-scopes`, or the `granted` list of a scope refusal). */
export function grantedScopes(
  answer: BitbucketAnswer<unknown> | { readonly headers: Readonly<Record<string, string>> },
): string[] | undefined {
  const header = answer.headers['x-oauth-scopes'];
  if (header !== undefined) return header.split(/[\s,]+/).filter((scope) => scope !== '');
  if ('ok' in answer && !answer.ok) return refusalDetail(answer.refusal).granted;
  return undefined;
}

const stringList = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.every((item) => typeof item === 'string') ? (value as string[]) : undefined;

/** The `granted` / `required` scope lists a scope refusal may carry in `error.detail`. */
function refusalDetail(body: BitbucketErrorBody): { granted?: string[]; required?: string[] } {
  const detail = body.error?.detail;
  if (typeof detail !== 'object' || detail === null) return {};
  const granted = stringList((detail as { granted?: unknown }).granted);
  const required = stringList((detail as { required?: unknown }).required);
  return { ...(granted ? { granted } : {}), ...(required ? { required } : {}) };
}

export function scopeReport(credential: BitbucketCredential, granted: readonly string[]): ScopeReport {
  const needed = neededScopes[credential];
  return { granted: [...granted], needed: [...needed], missing: missingScopes(granted, needed) };
}

export function tokenRefused(credential: BitbucketCredential): ScmError {
  const what = credential === 'api-token' ? 'the email and API token' : 'the access token';
  return new ScmError('auth', `Bitbucket refused ${what}: it is invalid, expired or revoked.`, {
    code: 'invalid_credentials',
    status: 401,
    fix: newTokenFix[credential],
  });
}

/** "token has `account`; … need `repository`". */
export function insufficientScopes(
  credential: BitbucketCredential,
  granted: readonly string[] | undefined,
  status?: number,
): ScmError {
  const needed = neededScopes[credential];
  const has =
    granted === undefined
      ? `The token lacks ${quoted(needed)}`
      : granted.length === 0
        ? 'The token has no scopes'
        : `The token has ${quoted(granted)}`;
  return new ScmError('forbidden', `${has}; Bitbucket Cloud connections need ${quoted(needed)}.`, {
    code: 'insufficient_scopes',
    ...(status === undefined ? {} : { status }),
    fix: newTokenFix[credential],
  });
}

/** The workspace slug the admin typed (or a braced UUID), trimmed; refuses anything else. */
export function workspaceSlugOf(target: string): string {
  const slug = target.trim().replace(/^\/+|\/+$/g, '');
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(slug) && !/^\{[0-9a-f-]{36}\}$/i.test(slug)) {
    throw new ScmError('invalid', `\`${target.trim().slice(0, 100)}\` is not a Bitbucket workspace slug.`, {
      code: 'invalid_target',
      fix: 'Enter the workspace slug as it appears in its URL, e.g. `acme` for https://bitbucket.org/acme/.',
    });
  }
  return slug;
}

/**
 * The connection's workspace, with the scopes when Bitbucket tells them. Rejects with `invalid_credentials`,
 * `insufficient_scopes` or `target_not_found`.
 */
export async function resolveWorkspace(
  context: BitbucketContext,
): Promise<{ workspace: BitbucketWorkspace; granted: string[] | undefined }> {
  const slug = workspaceSlugOf(context.target);
  const answer = await context.client.workspace(slug);
  if (answer.ok) return { workspace: answer.data, granted: grantedScopes(answer) };
  if (answer.status === 401) throw tokenRefused(context.credential);
  if (answer.status === 403) throw insufficientScopes(context.credential, grantedScopes(answer), 403);
  const reach =
    context.credential === 'access-token'
      ? 'A workspace access token only reaches the workspace it was created in.'
      : 'The account of the API token must be a member of the workspace.';
  throw new ScmError(
    'not-found',
    `Bitbucket workspace \`${slug}\` was not found, or the token cannot see it.`,
    {
      code: 'target_not_found',
      status: 404,
      fix: `Check the workspace slug as it appears in its URL (https://bitbucket.org/${slug}/). ${reach}`,
    },
  );
}

/** Probes the repository listing; rejects with `insufficient_scopes` when the token may not list. */
export async function checkRepositoryAccess(
  context: BitbucketContext,
  workspace: BitbucketWorkspace,
): Promise<BitbucketProbe> {
  const answer = await context.client.probeRepositories(workspace.uuid);
  if (answer.ok) return answer.data;
  if (answer.status === 401) throw tokenRefused(context.credential);
  if (answer.status === 403) throw insufficientScopes(context.credential, grantedScopes(answer), 403);
  throw new ScmError('not-found', `The repositories of workspace \`${workspace.slug}\` are not visible.`, {
    code: 'target_not_found',
    status: answer.status,
    fix: newTokenFix[context.credential],
  });
}

/**
 * Who the token acts as: the account of an API token (`GET /2.0/user`). Bitbucket does not show an access
 * token's own "user" to the token, so an access token is named after its workspace until it writes something.
 */
export async function findIdentity(
  context: BitbucketContext,
  workspace: BitbucketWorkspace,
): Promise<ScmIdentity> {
  const answer = await context.client.currentUser();
  if (answer.ok) {
    const account = answer.data;
    const login = account.nickname ?? account.username ?? account.account_id ?? account.uuid;
    return { id: account.uuid, login, ...(account.display_name ? { name: account.display_name } : {}) };
  }
  if (answer.status === 401) throw tokenRefused(context.credential);
  return {
    id: `${workspace.uuid}:access-token`,
    login: `${workspace.slug}-access-token`,
    name: `Access token of workspace ${workspace.slug}`,
  };
}

export function toOrganization(workspace: BitbucketWorkspace, webRoot: URL): ScmOrganization {
  const root = webRoot.href.replace(/\/+$/, '');
  return {
    externalId: workspace.uuid,
    name: workspace.slug,
    ...(workspace.name ? { displayName: workspace.name } : {}),
    webUrl: workspace.links?.html?.href ?? `${root}/${workspace.slug}/`,
  };
}
