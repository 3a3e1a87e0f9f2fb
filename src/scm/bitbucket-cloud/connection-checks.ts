import type { ScmKindId } from '../../core/scm-kinds.js';
import { ScmError } from '../errors.js';
import { missingScopes, type ScmIdentity, type ScmOrganization, type ScopeReport } from '../provider.js';
import type { BitbucketAnswer, BitbucketClient, BitbucketProbe } from './client.js';
import { accountLogin } from './members.js';
import type { BitbucketAccount, BitbucketErrorBody, BitbucketWorkspace } from './schemas.js';

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

/**
 * Scopes a connection needs, in each credential's vocabulary. An access token reads its workspace without a
 * scope; an API token needs `read:workspace:bitbucket` for it (API token scopes imply no others).
 */
export const neededScopes: Readonly<Record<BitbucketCredential, readonly string[]>> = {
  'access-token': ['repository'],
  'api-token': ['read:workspace:bitbucket', 'read:repository:bitbucket'],
};

/** Scope that lets a credential read workspace members. */
export const memberScope: Readonly<Record<BitbucketCredential, string>> = {
  'access-token': 'account',
  'api-token': 'read:workspace:bitbucket',
};

const quoted = (names: readonly string[]) => names.map((name) => `\`${name}\``).join(', ');
const union = (first: readonly string[], second: readonly string[]) => [...new Set([...first, ...second])];

/** How to make a token with `scopes`. */
function createTokenFix(credential: BitbucketCredential, scopes: readonly string[]): string {
  const list = quoted(scopes);
  const plural = scopes.length === 1 ? 'scope' : 'scopes';
  return credential === 'access-token'
    ? `Create a workspace access token (Workspace settings > Access tokens) with the ${list} ${plural} and update the connection.`
    : `Create an Atlassian API token with scopes for Bitbucket (Atlassian account settings > Security > API tokens) with the ${list} ${plural} and update the connection; app passwords no longer work.`;
}

/** What a scope refusal tells: the scopes the call requires and, sometimes, those the token has. */
export interface ScopeRefusal {
  readonly required?: readonly string[];
  readonly granted?: readonly string[];
}

/** Scope names as Bitbucket writes them; anything else in a refusal is not repeated to the admin. */
const scopeName = /^[a-z][a-z0-9_-]*(:[a-z0-9_-]+)*$/;

const scopeList = (value: unknown): string[] | undefined =>
  Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string' && scopeName.test(item))
    : undefined;

/** The `required` / `granted` lists a scope refusal may carry in `error.detail`. */
function refusalDetail(body: BitbucketErrorBody): ScopeRefusal {
  const detail = body.error?.detail;
  if (typeof detail !== 'object' || detail === null) return {};
  const required = scopeList((detail as { required?: unknown }).required);
  const granted = scopeList((detail as { granted?: unknown }).granted);
  return { ...(required?.length ? { required } : {}), ...(granted ? { granted } : {}) };
}

/** The token's scopes, when Bitbucket tells them (`x-oauth-scopes`, or the `granted` list of a scope refusal). */
export function grantedScopes(
  answer: BitbucketAnswer<unknown> | { readonly headers: Readonly<Record<string, string>> },
): string[] | undefined {
  const header = answer.headers['x-oauth-scopes'];
  if (header !== undefined) return header.split(/[\s,]+/).filter((scope) => scopeName.test(scope));
  if ('ok' in answer && !answer.ok) {
    const granted = refusalDetail(answer.refusal).granted;
    return granted && [...granted];
  }
  return undefined;
}

/** What a refused answer says about scopes. */
export function scopeRefusalOf(answer: BitbucketAnswer<unknown>): ScopeRefusal {
  if (answer.ok) return {};
  const granted = grantedScopes(answer);
  return { ...refusalDetail(answer.refusal), ...(granted ? { granted } : {}) };
}

export function scopeReport(credential: BitbucketCredential, granted: readonly string[]): ScopeReport {
  const needed = neededScopes[credential];
  return { granted: [...granted], needed: [...needed], missing: missingScopes(granted, needed) };
}

export function tokenRefused(credential: BitbucketCredential): ScmError {
  const what = credential === 'api-token' ? 'the email and API token' : 'the access token';
  const create = createTokenFix(credential, neededScopes[credential]);
  return new ScmError('auth', `Bitbucket refused ${what}: it is invalid, expired or revoked.`, {
    code: 'invalid_credentials',
    status: 401,
    fix: credential === 'api-token' ? `Check the Atlassian account email. If it is right: ${create}` : create,
  });
}

/** "The token lacks `x`; Bitbucket Cloud connections need `x`, `y`." */
function scopeMessage(
  lacking: readonly string[],
  granted: readonly string[] | undefined,
  needed: readonly string[],
) {
  const need = `Bitbucket Cloud connections need ${quoted(needed)}`;
  if (lacking.length > 0 && lacking.length === needed.length)
    return `The token lacks ${quoted(lacking)}, which Bitbucket Cloud connections need.`;
  if (lacking.length > 0) return `The token lacks ${quoted(lacking)}; ${need}.`;
  if (granted === undefined) return `Bitbucket refused the token for a missing scope; ${need}.`;
  return `The token has ${granted.length > 0 ? quoted(granted) : 'no scopes'}; ${need}.`;
}

/**
 * A scope refusal. The missing scopes are those Bitbucket names as `required` (less any it says are `granted`);
 * without `required`, the message names what `granted` lacks of the needed scopes, and nothing is guessed.
 */
export function insufficientScopes(
  credential: BitbucketCredential,
  refusal: ScopeRefusal,
  status?: number,
): ScmError {
  const { required = [], granted } = refusal;
  const needed = union(neededScopes[credential], required);
  const lacking = granted === undefined ? required : missingScopes(granted, required);
  return new ScmError('forbidden', scopeMessage(lacking, granted, needed), {
    code: 'insufficient_scopes',
    ...(status === undefined ? {} : { status }),
    fix: createTokenFix(credential, needed),
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

const workspaceReach: Readonly<Record<BitbucketCredential, string>> = {
  'access-token': 'A workspace access token only reaches the workspace it was created in.',
  'api-token': 'The account of the API token must be a member of the workspace.',
};

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
  if (answer.status === 403) throw insufficientScopes(context.credential, scopeRefusalOf(answer), 403);
  throw new ScmError(
    'not-found',
    `Bitbucket workspace \`${slug}\` was not found, or the token cannot see it.`,
    {
      code: 'target_not_found',
      status: 404,
      fix: `Check the workspace slug as it appears in its URL (https://bitbucket.org/${slug}/). ${workspaceReach[context.credential]}`,
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
  if (answer.status === 403) throw insufficientScopes(context.credential, scopeRefusalOf(answer), 403);
  throw new ScmError('not-found', `The repositories of workspace \`${workspace.slug}\` are not visible.`, {
    code: 'target_not_found',
    status: answer.status,
    fix: createTokenFix(context.credential, neededScopes[context.credential]),
  });
}

const accountIdentity = (account: BitbucketAccount): ScmIdentity => ({
  id: account.uuid,
  login: accountLogin(account),
  ...(account.display_name ? { name: account.display_name } : {}),
});

/**
 * Who the token acts as. An access token is no user to Bitbucket (`/2.0/user` is offered to API tokens only),
 * so it is named after its workspace. An API token is its account: from `/2.0/user` when the token has
 * `read:user:bitbucket`, else from its own membership of the workspace.
 */
export async function findIdentity(
  context: BitbucketContext,
  workspace: BitbucketWorkspace,
): Promise<ScmIdentity> {
  if (context.credential === 'access-token') {
    return {
      id: `${workspace.uuid}:access-token`,
      login: `${workspace.slug}-access-token`,
      name: `Access token of workspace ${workspace.slug}`,
    };
  }
  const me = await context.client.currentUser();
  if (me.ok) return accountIdentity(me.data);
  const membership = await context.client.ownMembership(workspace.uuid);
  if (membership.ok) return accountIdentity(membership.data.user);
  if (membership.status === 401) throw tokenRefused(context.credential);
  if (membership.status === 403)
    throw insufficientScopes(context.credential, scopeRefusalOf(membership), 403);
  throw new ScmError('not-found', `The account of the API token is not a member of \`${workspace.slug}\`.`, {
    code: 'target_not_found',
    status: membership.status,
    fix: workspaceReach[context.credential],
  });
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
