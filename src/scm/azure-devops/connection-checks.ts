import { ScmError } from '../errors.js';
import type { ScmOrganization } from '../provider.js';
import { missingScopes, type ScmIdentity } from '../test-report.js';
import type { AdoClient, ScopeProbe } from './client.js';
import type { AdoConnectionData } from './schemas.js';

/** What validation and the connection test share for one connection. */
export interface AdoContext {
  readonly client: AdoClient;
  /** The organization name as the admin typed it. */
  readonly organization: string;
  /** The web root (`https://dev.azure.com`), no trailing slash. */
  readonly webRoot: string;
  readonly now: () => Date;
}

/** What a connection needs: list the projects and read their repositories. */
export const neededScopes = ['vso.code', 'vso.project'] as const;

export const scopeLabels: Readonly<Record<string, string>> = {
  'vso.code': 'Code (Read)',
  'vso.code_write': 'Code (Read & write)',
  'vso.project': 'Project and Team (Read)',
  'vso.hooks': 'Service Hooks (Read)',
  'vso.memberentitlementmanagement': 'Member Entitlement Management (Read)',
};

const named = (scopes: readonly string[]) => scopes.map((scope) => `\`${scope}\``).join(', ');

/** "Code (Read) and Project and Team (Read)". */
export const describeScopes = (scopes: readonly string[]) =>
  scopes.map((scope) => scopeLabels[scope] ?? scope).join(' and ');

export const patFix = (ctx: AdoContext, scopes: readonly string[]) =>
  `In Azure DevOps, open User settings > Personal access tokens in organization ${ctx.organization}, create a token for this organization (or all accessible organizations) with ${describeScopes(scopes)}, then update the connection.`;

export const invalidCredentials = (ctx: AdoContext, status?: number) =>
  new ScmError(
    'auth',
    `Azure DevOps refused the personal access token for organization ${ctx.organization}: it is wrong, expired, revoked, or not valid for this organization.`,
    {
      code: 'invalid_credentials',
      ...(status === undefined ? {} : { status }),
      fix: patFix(ctx, neededScopes),
    },
  );

export const organizationNotFound = (ctx: AdoContext) =>
  new ScmError(
    'not-found',
    `There is no Azure DevOps organization \`${ctx.organization}\` at ${ctx.webRoot}.`,
    {
      code: 'target_not_found',
      status: 404,
      fix: `Check the name: it is the part after ${ctx.webRoot}/ in your organization's address.`,
    },
  );

export const insufficientScopes = (ctx: AdoContext, granted: readonly string[]) => {
  const missing = missingScopes(granted, neededScopes);
  return new ScmError(
    'forbidden',
    `The token ${granted.length > 0 ? `has ${named(granted)}` : 'has none of the needed scopes'} but lacks ${named(missing)}; the connection needs ${named(neededScopes)}.`,
    { code: 'insufficient_scopes', fix: patFix(ctx, neededScopes) },
  );
};

/** The organization's id and the identity of the PAT; throws `invalid_credentials` or `target_not_found`. */
export async function resolveOrganization(
  ctx: AdoContext,
): Promise<{ organization: ScmOrganization; identity: ScmIdentity }> {
  const answer = await ctx.client.connectionData();
  if (!answer.ok) {
    if (answer.refusal === 'not-found') throw organizationNotFound(ctx);
    throw invalidCredentials(ctx, answer.status);
  }
  const user = answer.data.authenticatedUser;
  // An anonymous identity means the token was not used.
  if (/Anonymous/i.test(user.descriptor ?? '')) throw invalidCredentials(ctx);
  return { organization: toOrganization(ctx, answer.data), identity: toIdentity(user) };
}

function toIdentity(user: AdoConnectionData['authenticatedUser']): ScmIdentity {
  const login = user.properties?.Account?.$value || user.providerDisplayName || user.id;
  return { id: user.id, login, ...(user.providerDisplayName ? { name: user.providerDisplayName } : {}) };
}

function toOrganization(ctx: AdoContext, data: AdoConnectionData): ScmOrganization {
  return {
    externalId: data.instanceId,
    name: ctx.organization,
    webUrl: `${ctx.webRoot}/${encodeURIComponent(ctx.organization)}`,
  };
}

/** Scopes proven by the listing probes, in the order of `neededScopes`. */
export async function probeListingScopes(
  ctx: AdoContext,
): Promise<{ project: ScopeProbe; code: ScopeProbe }> {
  const [project, code] = await Promise.all([ctx.client.probeProjects(), ctx.client.probeCodeRead()]);
  return { project, code };
}
