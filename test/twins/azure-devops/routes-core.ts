import type { TwinRequest, TwinRouter } from '../server/twin-server.js';
import {
  addOrgRoute,
  adoError,
  adoErrors,
  checkApiVersion,
  hasScope,
  patFrom,
  projectRole,
  unauthorized,
  type AdoCaller,
} from './access.js';
import { locationsFor, resourceAreas } from './locations.js';
import { guid, type AdoHook, type AzureDevOpsState } from './state.js';
import { hookJson, list, orgUrl, projectJson } from './shapes.js';

/** `$top`/`continuationToken` paging with the token in the `x-ms-continuationtoken` response header. */
function continuationPage<T>(
  request: TwinRequest,
  items: readonly T[],
  defaultTop: number,
  topParam = '$top',
) {
  const top = Math.max(
    1,
    Number.parseInt(request.url.searchParams.get(topParam) ?? String(defaultTop), 10) || defaultTop,
  );
  const skip =
    Number.parseInt(
      request.url.searchParams.get('continuationToken') ?? request.url.searchParams.get('$skip') ?? '0',
      10,
    ) || 0;
  const slice = items.slice(skip, skip + top);
  const next = skip + slice.length < items.length ? String(skip + slice.length) : undefined;
  const headers: Record<string, string> = next ? { 'x-ms-continuationtoken': next } : {};
  return { slice, headers, next };
}

const jsonObject = (request: TwinRequest): Record<string, unknown> => {
  const body = request.json<unknown>();
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw adoErrors.invalidArgument('The request body is required.');
  return body as Record<string, unknown>;
};

/** Location discovery, connectionData, projects, identity, members and service hooks. */
export function addCoreRoutes(state: AzureDevOpsState, router: TwinRouter): void {
  const route = (
    method: string,
    path: string,
    options: Parameters<typeof addOrgRoute>[4],
    handler: Parameters<typeof addOrgRoute>[5],
  ) => addOrgRoute(state, router, method, path, options, handler);

  // OPTIONS /{org}/_apis/{area}: resource locations, how azure-devops-node-api finds route templates
  route('OPTIONS', '/:org/_apis/:area', { apiVersion: 'none' }, (request) => ({
    body: list(locationsFor(request.params.area!)),
  }));

  // GET /{org}/_apis/resourceAreas
  route('GET', '/:org/_apis/resourceAreas', {}, (request, caller) => ({
    body: list(resourceAreas(orgUrl(request.origin, caller.org.name))),
  }));

  // GET /{org}/_apis/connectionData (no api-version; community-documented)
  route('GET', '/:org/_apis/connectionData', { apiVersion: 'none' }, (request, caller) => {
    const user = caller.pat.user;
    const identity = {
      id: user.id,
      descriptor: `Microsoft.IdentityModel.Claims.ClaimsIdentity;${user.principalName}`,
      subjectDescriptor: user.descriptor,
      providerDisplayName: user.displayName,
      isActive: true,
      properties: { Account: { $type: 'System.String', $value: user.principalName } },
      resourceVersion: 2,
      metaTypeId: 0,
    };
    return {
      body: {
        authenticatedUser: identity,
        authorizedUser: identity,
        instanceId: caller.org.id,
        deploymentId: guid(`deployment:${caller.org.name}`),
        deploymentType: 'hosted',
        locationServiceData: {
          serviceOwner: '00025394-6065-48ca-87d9-7f5672854ef7',
          defaultAccessMappingMoniker: 'PublicAccessMapping',
        },
      },
    };
  });

  const visibleProjects = (caller: AdoCaller) =>
    caller.org.projects.filter((p) => projectRole(caller, p) !== undefined);

  // GET /{org}/_apis/projects?$top=&continuationToken=
  route('GET', '/:org/_apis/projects', { scope: ['vso.project'] }, (request, caller) => {
    const { slice, headers } = continuationPage(request, visibleProjects(caller), 100);
    return { headers, body: list(slice.map((p) => projectJson(request.origin, p))) };
  });

  // GET /{org}/_apis/projects/{projectId}
  route('GET', '/:org/_apis/projects/:project', { scope: ['vso.project'] }, (request, caller) => {
    const project = state.findProject(caller.org, request.params.project!);
    if (!project || projectRole(caller, project) === undefined)
      throw adoErrors.projectNotFound(request.params.project!);
    return {
      body: {
        ...projectJson(request.origin, project),
        _links: {
          web: { href: `${orgUrl(request.origin, caller.org.name)}/${encodeURIComponent(project.name)}` },
        },
        defaultTeam: { id: guid(`team:${project.id}`), name: `${project.name} Team` },
      },
    };
  });

  // GET {vssps}/{org}/_apis/graph/users (preview at 7.1)
  route('GET', '/:org/_apis/graph/users', { scope: ['vso.graph'], preview: true }, (request, caller) => {
    const members = [...caller.org.members.values()];
    const { slice, headers } = continuationPage(request, members, 500);
    return {
      headers,
      body: list(
        slice.map((m) => ({
          subjectKind: 'user',
          domain: 'AzureDirectory',
          principalName: m.user.principalName,
          mailAddress: m.user.principalName,
          origin: 'aad',
          originId: m.user.id,
          displayName: m.user.displayName,
          descriptor: m.user.descriptor,
          url: `${orgUrl(request.origin, caller.org.name)}/_apis/Graph/Users/${m.user.descriptor}`,
        })),
      ),
    };
  });

  // GET {vsaex}/{org}/_apis/userentitlements
  route(
    'GET',
    '/:org/_apis/userentitlements',
    { scope: ['vso.memberentitlementmanagement'] },
    (request, caller) => {
      const members = [...caller.org.members.values()];
      const { slice, next } = continuationPage(request, members, 100);
      const items = slice.map((m) => ({
        id: m.user.id,
        user: {
          subjectKind: 'user',
          principalName: m.user.principalName,
          mailAddress: m.user.principalName,
          displayName: m.user.displayName,
          origin: 'aad',
          originId: m.user.id,
          descriptor: m.user.descriptor,
        },
        accessLevel: {
          licensingSource: 'account',
          accountLicenseType: m.license,
          licenseDisplayName:
            { express: 'Basic', stakeholder: 'Stakeholder', advanced: 'Basic + Test Plans' }[m.license] ??
            m.license,
          status: 'active',
        },
        lastAccessedDate: '2026-01-02T10:00:00Z',
        dateCreated: m.dateCreated,
        projectEntitlements: caller.org.projects
          .filter((p) => m.collectionAdmin || m.projects.has(p.name.toLowerCase()))
          .slice(0, 50)
          .map((p) => ({
            projectRef: { id: p.id, name: p.name },
            group: {
              groupType: m.collectionAdmin ? 'projectAdministrator' : m.projects.get(p.name.toLowerCase()),
              displayName: m.collectionAdmin ? 'Project Administrators' : undefined,
            },
            teamRefs: [],
          })),
        groupAssignments: m.collectionAdmin
          ? [
              {
                group: {
                  displayName: 'Project Collection Administrators',
                  origin: 'vsts',
                  subjectKind: 'group',
                },
              },
            ]
          : [],
      }));
      return { body: { items, continuationToken: next ?? null, totalCount: members.length } };
    },
  );

  // GET /{org}/_apis/hooks/subscriptions
  route('GET', '/:org/_apis/hooks/subscriptions', { scope: ['vso.hooks'] }, (request, caller) => ({
    body: list(caller.org.hooks.map((h) => hookJson(request.origin, caller.org.name, h))),
  }));

  // POST /{org}/_apis/hooks/subscriptions
  route('POST', '/:org/_apis/hooks/subscriptions', { scope: ['vso.hooks_write'] }, (request, caller) => {
    if (!caller.member.collectionAdmin) {
      throw adoError(
        403,
        'AccessCheckException',
        `Access Denied: ${caller.pat.user.displayName} needs the following permission(s) on the resource Service hooks to perform this action: Edit subscriptions`,
        'Microsoft.VisualStudio.Services.Security',
      );
    }
    const body = jsonObject(request);
    const strings = (value: unknown): Record<string, string> =>
      value && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'),
          )
        : {};
    const consumerInputs = strings(body.consumerInputs);
    if (typeof body.eventType !== 'string' || !consumerInputs.url) {
      throw adoErrors.invalidArgument('eventType and consumerInputs.url are required.');
    }
    if (consumerInputs.basicAuthPassword && !consumerInputs.url.startsWith('https://')) {
      throw adoErrors.invalidArgument(
        'Basic authentication requires an HTTPS URL; the consumer URL must use https.',
      );
    }
    const hook: AdoHook = {
      id: guid(`hook:${caller.org.name}:${caller.org.hooks.length}:${Date.now()}`),
      publisherId: typeof body.publisherId === 'string' ? body.publisherId : 'tfs',
      eventType: body.eventType,
      resourceVersion: typeof body.resourceVersion === 'string' ? body.resourceVersion : '1.0',
      consumerId: typeof body.consumerId === 'string' ? body.consumerId : 'webHooks',
      consumerActionId: typeof body.consumerActionId === 'string' ? body.consumerActionId : 'httpRequest',
      publisherInputs: strings(body.publisherInputs),
      consumerInputs,
      createdBy: caller.pat.user,
      createdDate: state.now(),
    };
    caller.org.hooks.push(hook);
    return { body: hookJson(request.origin, caller.org.name, hook) };
  });

  // DELETE /{org}/_apis/hooks/subscriptions/{subscriptionId}
  route(
    'DELETE',
    '/:org/_apis/hooks/subscriptions/:id',
    { scope: ['vso.hooks_write'] },
    (request, caller) => {
      const index = caller.org.hooks.findIndex((h) => h.id === request.params.id);
      if (index < 0)
        throw adoError(
          404,
          'SubscriptionNotFoundException',
          `Subscription ${request.params.id} was not found.`,
        );
      caller.org.hooks.splice(index, 1);
      return { status: 204 };
    },
  );

  // GET {app.vssps}/_apis/profile/profiles/me (the profile host, outside any organization)
  router.get('/_apis/profile/profiles/me', (request) => {
    const pat = patFrom(state, request);
    if (!pat) throw unauthorized(state, request);
    if (!hasScope(pat, 'vso.profile')) throw adoErrors.missingScope(pat.user.principalName);
    checkApiVersion(request, false);
    return {
      body: {
        displayName: pat.user.displayName,
        publicAlias: pat.user.id,
        emailAddress: pat.user.principalName,
        coreRevision: 1,
        timeStamp: '2025-03-01T10:00:00+00:00',
        id: pat.user.id,
        revision: 1,
      },
    };
  });
}
