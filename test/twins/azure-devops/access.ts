import { TwinHttpError, TwinRouter, type TwinRequest, type TwinResponse } from '../server/twin-server.js';
import { patAllows } from './scopes.js';
import type { AdoMember, AdoOrganization, AdoPat, AdoProject, AzureDevOpsState } from './state.js';

/** The Azure DevOps error envelope: `{"$id":"1","innerException":null,"message",…,"errorCode":0,"eventId":3000}`. */
export function adoError(
  status: number,
  typeKey: string,
  message: string,
  namespace = 'Microsoft.VisualStudio.Services.WebApi',
) {
  const assembly = namespace.startsWith('Microsoft.TeamFoundation.SourceControl')
    ? 'Microsoft.TeamFoundation.SourceControl.WebServer'
    : namespace;
  return new TwinHttpError(status, {
    $id: '1',
    innerException: null,
    message,
    typeName: `${namespace}.${typeKey}, ${assembly}`,
    typeKey,
    errorCode: 0,
    eventId: 3000,
  });
}

const gitNs = 'Microsoft.TeamFoundation.SourceControl.WebServer';
const coreNs = 'Microsoft.TeamFoundation.Core.WebApi';
const frameworkNs = 'Microsoft.TeamFoundation.Framework.Server';

export const adoErrors = {
  repoNotFound: (nameOrId: string) =>
    adoError(
      404,
      'GitRepositoryNotFoundException',
      `TF401019: The Git repository with name or identifier ${nameOrId} does not exist or you do not have permissions for the operation you are attempting.`,
      gitNs,
    ),
  projectNotFound: (name: string) =>
    adoError(
      404,
      'ProjectDoesNotExistWithNameException',
      `TF200016: The following project does not exist: ${name}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server.`,
      coreNs,
    ),
  pullRequestNotFound: () =>
    adoError(
      404,
      'GitPullRequestNotFoundException',
      `TF401180: The requested pull request was not found.`,
      gitNs,
    ),
  invalidArgument: (message: string) =>
    adoError(400, 'InvalidArgumentValueException', message, 'Microsoft.TeamFoundation.Common'),
  needsGitPermission: (user: string, permission: string) =>
    adoError(
      403,
      'GitNeedsPermissionException',
      `TF401027: You need the Git '${permission}' permission to perform this action. Details: identity '${user}', scope 'repository'.`,
      gitNs,
    ),
  /** A valid PAT without a scope the endpoint lists (community reports show 401 TF400813; not in the reference). */
  missingScope: (user: string) =>
    adoError(
      401,
      'UnauthorizedRequestException',
      `TF400813: The user '${user}' is not authorized to access this resource.`,
      frameworkNs,
    ),
};

/** Who is calling, in which organization. */
export interface AdoCaller {
  readonly org: AdoOrganization;
  readonly pat: AdoPat;
  readonly member: AdoMember;
}

const signInPage = `<!DOCTYPE html>
<html lang="en-US"><head><meta charset="utf-8"><title>Azure DevOps Services | Sign In</title></head>
<body><form id="signin" action="https://app.vssps.visualstudio.com/_signin" method="get">
<p>You need to sign in to continue to Azure DevOps.</p></form></body></html>
`;

/** A missing, bad or expired PAT: 203 + HTML for browser-like calls, 401 + `WWW-Authenticate` when suppressed. */
export function unauthorized(state: AzureDevOpsState, request: TwinRequest): TwinHttpError {
  const suppress = String(request.headers['x-tfs-fedauthredirect'] ?? '').toLowerCase() === 'suppress';
  const mode =
    state.badCredentialAnswer === 'by-header' ? (suppress ? '401' : '203') : state.badCredentialAnswer;
  if (mode === '203') {
    return new TwinHttpError(203, signInPage, { 'content-type': 'text/html; charset=utf-8' });
  }
  const error = adoError(
    401,
    'UnauthorizedRequestException',
    'TF400813: Resource not available for anonymous access. Client authentication required.',
    frameworkNs,
  );
  return new TwinHttpError(401, error.body, {
    'www-authenticate':
      'Bearer authorization_uri=https://login.microsoftonline.com/common, Basic realm="https://dev.azure.com/", TFS-Federated',
    'x-tfs-fedauthrealm': 'https://app.vssps.visualstudio.com/',
    'x-tfs-fedauthissuer': 'https://dev.azure.com/',
  });
}

/** Reads the PAT from `Authorization: Basic base64(anyUser:pat)`; undefined when absent, unknown or expired. */
export function patFrom(state: AzureDevOpsState, request: TwinRequest): AdoPat | undefined {
  const match = /^Basic\s+(.+)$/i.exec(request.headers.authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const pat = state.pats.get(decoded.slice(decoded.indexOf(':') + 1));
  if (!pat || (pat.expiresAt && pat.expiresAt.getTime() <= Date.now())) return undefined;
  return pat;
}

/** The api-version from the query string or the `Accept` header (`application/json;api-version=7.1`). */
export function apiVersionOf(request: TwinRequest): string | undefined {
  const fromQuery = request.url.searchParams.get('api-version');
  if (fromQuery) return fromQuery;
  return /api-version=([^;,\s]+)/i.exec(String(request.headers.accept ?? ''))?.[1];
}

/** 400s Azure DevOps gives for a missing, too new or non-preview version of a preview resource. */
export function checkApiVersion(request: TwinRequest, preview: boolean): void {
  const version = apiVersionOf(request);
  if (!version) {
    throw adoError(
      400,
      'VssVersionNotSpecifiedException',
      `No api-version was supplied for the "${request.method}" request. The version must be supplied either as part of the Accept header (e.g. "application/json; api-version=1.0") or as a query parameter (e.g. "?api-version=1.0").`,
    );
  }
  const match = /^(\d+)\.(\d+)(-preview(\.\d+)?)?$/.exec(version);
  if (!match) {
    throw adoError(
      400,
      'VssInvalidApiVersionException',
      `The api-version '${version}' is not in the correct format.`,
    );
  }
  const number = Number(`${match[1]}.${match[2]}`);
  if (number > 7.2) {
    throw adoError(
      400,
      'VssVersionOutOfRangeException',
      `The requested REST API version of ${match[1]}.${match[2]} is out of range for this server. The latest REST API version for this server is 7.2.`,
    );
  }
  if (preview && !match[3]) {
    throw adoError(
      400,
      'VssInvalidPreviewVersionException',
      `The requested version "${version}" of the resource is under preview. The -preview flag must be supplied in the api-version for such requests. For example: "${version}-preview"`,
    );
  }
}

/** Organization lookup; unknown names answer `unknownOrganizationStatus`. */
export function organizationFor(state: AzureDevOpsState, name: string): AdoOrganization {
  const org = state.organizations.get(name.toLowerCase());
  if (!org) {
    throw new TwinHttpError(state.unknownOrganizationStatus, {
      $id: '1',
      innerException: null,
      message: `VS800075: The project collection '${name}' does not exist or you do not have access to it.`,
      typeName:
        'Microsoft.VisualStudio.Services.Account.AccountNotFoundException, Microsoft.VisualStudio.Services.WebApi',
      typeKey: 'AccountNotFoundException',
      errorCode: 0,
      eventId: 3000,
    });
  }
  return org;
}

/** The caller's role in a project: `undefined` when the project is invisible to them. */
export function projectRole(caller: AdoCaller, project: AdoProject): string | undefined {
  if (caller.member.collectionAdmin) return 'projectAdministrator';
  return (
    caller.member.projects.get(project.name.toLowerCase()) ??
    (project.visibility === 'public' ? 'projectReader' : undefined)
  );
}

export interface AdoRouteOptions {
  /**
   * The scopes the endpoint's reference page lists, any one of which (or a scope inheriting it) suffices; none
   * for connectionData and location discovery.
   */
  readonly scope?: readonly string[];
  /** `none` for endpoints that take no api-version (connectionData, OPTIONS). */
  readonly apiVersion?: 'required' | 'none';
  /** The resource is preview-only at 7.1 (`-preview` required), e.g. graph. */
  readonly preview?: boolean;
  /**
   * The answer to a caller without a valid PAT when the organization allows public projects (Azure DevOps then
   * serves it as the public-access identity instead of refusing); such callers are refused otherwise.
   */
  readonly publicAccess?: (request: TwinRequest, org: AdoOrganization) => TwinResponse;
}

export type AdoHandler = (request: TwinRequest, caller: AdoCaller) => TwinResponse | Promise<TwinResponse>;

/** Path segments after `_apis` are matched case-insensitively, as Azure DevOps does (`pullRequests` = `pullrequests`). */
const canonicalSegments = [
  '_apis',
  'git',
  'repositories',
  'pullRequests',
  'threads',
  'comments',
  'pushes',
  'refs',
  'items',
  'blobs',
  'commits',
  'projects',
  'connectionData',
  'hooks',
  'subscriptions',
  'graph',
  'users',
  'groups',
  'Memberships',
  'userentitlements',
  'profile',
  'profiles',
  'resourceAreas',
  'Location',
  'core',
  'iterations',
  'changes',
  'statuses',
  'identities',
  'accesscontrollists',
  'distributedtask',
  'variablegroups',
  'pipelines',
  'pipelinePermissions',
  'build',
  'definitions',
];
const canonical = new Map(canonicalSegments.map((s) => [s.toLowerCase(), s]));

/** A router that canonicalises the spelling of the fixed segments after `_apis`. */
export class AdoRouter extends TwinRouter {
  override match(method: string, path: string): ReturnType<TwinRouter['match']> {
    const parts = path.split('/');
    const apis = parts.findIndex((p) => p.toLowerCase() === '_apis');
    if (apis >= 0) {
      for (let i = apis; i < parts.length; i++)
        parts[i] = canonical.get(parts[i]!.toLowerCase()) ?? parts[i]!;
    }
    return super.match(method, parts.join('/'));
  }
}

/** Registers an organization route: organization, PAT, membership, scope and api-version checks, in that order. */
export function addOrgRoute(
  state: AzureDevOpsState,
  router: TwinRouter,
  method: string,
  path: string,
  options: AdoRouteOptions,
  handler: AdoHandler,
): void {
  router.add(method, path, async (request) => {
    const org = organizationFor(state, request.params.org!);
    const pat = patFrom(state, request);
    if (!pat || (pat.organizations !== 'all' && !pat.organizations.includes(org.name.toLowerCase()))) {
      if (options.publicAccess && org.projects.some((p) => p.visibility === 'public'))
        return options.publicAccess(request, org);
      throw unauthorized(state, request);
    }
    const member = org.members.get(pat.user.principalName.toLowerCase());
    if (!member) throw adoErrors.missingScope(pat.user.principalName);
    if (options.scope && !patAllows(pat, options.scope)) throw adoErrors.missingScope(pat.user.principalName);
    if (options.apiVersion !== 'none') checkApiVersion(request, options.preview ?? false);
    const response = await handler(request, { org, pat, member });
    return {
      ...response,
      headers: { 'x-vss-userdata': `${pat.user.id}:${pat.user.principalName}`, ...response.headers },
    };
  });
}
