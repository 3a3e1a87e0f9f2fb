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

/**
 * What a connection needs: read repositories. Listing projects takes `vso.project` or `vso.profile`, and
 * `vso.code` carries `vso.profile` (Microsoft's scope table: `vso.code` inherits `vso.hooks_write`, which
 * inherits `vso.hooks`, which inherits `vso.profile`), so Code (Read) alone lists projects too.
 */
export const neededScopes = ['vso.code'] as const;

export const scopeLabels: Readonly<Record<string, string>> = {
  'vso.code': 'Code (Read)',
  'vso.code_write': 'Code (Read & write)',
  'vso.threads_full': 'Pull Request Threads (Read & write)',
  'vso.project': 'Project and Team (Read)',
  'vso.profile': 'User Profile (Read)',
  'vso.graph': 'Graph (Read)',
  'vso.memberentitlementmanagement': 'Member Entitlement Management (Read)',
  'vso.build': 'Build (Read)',
  'vso.build_execute': 'Build (Read & execute)',
  'vso.variablegroups_read': 'Variable Groups (Read)',
  'vso.variablegroups_manage': 'Variable Groups (Read, create, & manage)',
  'vso.pipelineresources_manage': 'Pipeline Resources (Use & manage)',
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
  const has = granted.length > 0 ? `; it has ${named(granted)}` : '';
  return new ScmError(
    'forbidden',
    `The token lacks ${named(missing)} (${describeScopes(missing)})${has}. The connection needs ${named(neededScopes)}.`,
    { code: 'insufficient_scopes', fix: patFix(ctx, neededScopes) },
  );
};

/** Listing projects was refused although the token reads code (which should carry `vso.profile`). */
export const projectsNotListable = (ctx: AdoContext) =>
  new ScmError(
    'forbidden',
    `Azure DevOps refused to list the projects of ${ctx.organization}: that takes \`vso.project\` (${describeScopes(['vso.project'])}) or \`vso.profile\` (${describeScopes(['vso.profile'])}).`,
    { code: 'insufficient_scopes', fix: patFix(ctx, [...neededScopes, 'vso.project']) },
  );

/**
 * Who Azure DevOps answers as when it did not take the token: the public-access identities (an organization
 * with public projects answers connectionData as `System:PublicAccess;aaaaaaaa-…` instead of refusing) and the
 * unauthenticated identity type.
 */
const anonymousIdentityTypes = ['system:publicaccess', 'microsoft.teamfoundation.unauthenticatedidentity'];
const anonymousIds = ['aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa', 'eeeeeeee-eeee-eeee-eeee-eeeeeeeeeeee'];

export function isAnonymous(user: AdoConnectionData['authenticatedUser']): boolean {
  const type = (user.descriptor ?? '').split(';')[0]!.toLowerCase();
  return anonymousIdentityTypes.includes(type) || anonymousIds.includes(user.id.toLowerCase());
}

/** What connectionData tells about the PAT. */
export interface ResolvedOrganization {
  readonly organization: ScmOrganization;
  readonly identity: ScmIdentity;
  /** The user's Graph subject descriptor (`aad.…`), when Azure DevOps gives it. */
  readonly subjectDescriptor: string | undefined;
}

/** The organization's id and the identity of the PAT; throws `invalid_credentials` or `target_not_found`. */
export async function resolveOrganization(ctx: AdoContext): Promise<ResolvedOrganization> {
  const answer = await ctx.client.connectionData();
  if (!answer.ok) {
    if (answer.refusal === 'not-found') throw organizationNotFound(ctx);
    throw invalidCredentials(ctx, answer.status);
  }
  const user = answer.data.authenticatedUser;
  if (isAnonymous(user)) throw invalidCredentials(ctx);
  return {
    organization: toOrganization(ctx, answer.data),
    identity: toIdentity(user),
    subjectDescriptor: user.subjectDescriptor ?? undefined,
  };
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

/** Whether the token may list projects and read repositories. */
export async function probeListingScopes(
  ctx: AdoContext,
): Promise<{ project: ScopeProbe; code: ScopeProbe }> {
  const [project, code] = await Promise.all([ctx.client.probeProjects(), ctx.client.probeCodeRead()]);
  return { project, code };
}
