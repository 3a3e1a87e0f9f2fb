import type { TwinRequest, TwinRouter } from '../server/twin-server.js';
import {
  addOrgRoute,
  adoError,
  adoErrors,
  checkApiVersion,
  patFrom,
  projectRole,
  unauthorized,
  type AdoCaller,
} from './access.js';
import { locationsFor, resourceAreas } from './locations.js';
import { continuationPage, topOf } from './paging.js';
import { patAllows } from './scopes.js';
import { guid, type AdoHook, type AdoOrganization, type AzureDevOpsState } from './state.js';
import {
  connectionIdentity,
  graphGroupJson,
  graphUserJson,
  hookJson,
  list,
  orgUrl,
  projectJson,
  publicAccessIdentity,
} from './shapes.js';

const jsonObject = (request: TwinRequest): Record<string, unknown> => {
  const body = request.json<unknown>();
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw adoErrors.invalidArgument('The request body is required.');
  return body as Record<string, unknown>;
};

/** Location discovery, connectionData, projects, user entitlements, service hooks and the profile. */
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

  const connectionData = (org: AdoOrganization, identity: object) => ({
    body: {
      authenticatedUser: identity,
      authorizedUser: identity,
      instanceId: org.id,
      deploymentId: guid(`deployment:${org.name}`),
      deploymentType: 'hosted',
      locationServiceData: {
        serviceOwner: '00025394-6065-48ca-87d9-7f5672854ef7',
        defaultAccessMappingMoniker: 'PublicAccessMapping',
      },
    },
  });

  // GET /{org}/_apis/connectionData (no api-version; not in the public reference)
  route(
    'GET',
    '/:org/_apis/connectionData',
    { apiVersion: 'none', publicAccess: (_request, org) => connectionData(org, publicAccessIdentity) },
    (_request, caller) => connectionData(caller.org, connectionIdentity(caller.pat.user, state.tenantId)),
  );

  const visibleProjects = (caller: AdoCaller) =>
    caller.org.projects.filter((p) => projectRole(caller, p) !== undefined);

  const projectScopes = { scope: ['vso.profile', 'vso.project'] };

  // GET /{org}/_apis/projects?$top=&$skip=&continuationToken=
  route('GET', '/:org/_apis/projects', projectScopes, (request, caller) => {
    const { slice, headers } = continuationPage(request, visibleProjects(caller), topOf(request, 100), {
      skip: true,
    });
    return { headers, body: list(slice.map((p) => projectJson(request.origin, p))) };
  });

  // GET /{org}/_apis/projects/{projectId}
  route('GET', '/:org/_apis/projects/:project', projectScopes, (request, caller) => {
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

  // GET {vsaex}/{org}/_apis/userentitlements?continuationToken= (no page size parameter at 7.1)
  route(
    'GET',
    '/:org/_apis/userentitlements',
    { scope: ['vso.memberentitlementmanagement'] },
    (request, caller) => {
      const members = [...caller.org.members.values()];
      const { slice, next } = continuationPage(request, members, 100);
      const licenseName = (type: string) =>
        ({ express: 'Basic', stakeholder: 'Stakeholder', advanced: 'Basic + Test Plans' })[type] ?? type;
      const accessLevel = (type: string) => ({
        licensingSource: 'account',
        accountLicenseType: type,
        msdnLicenseType: 'none',
        licenseDisplayName: licenseName(type),
        status: 'active',
        statusMessage: '',
        assignmentSource: 'unknown',
      });
      const projectGroup = (role: string | undefined) =>
        ({
          projectReader: 'Readers',
          projectContributor: 'Contributors',
          projectAdministrator: 'Project Administrators',
        })[role ?? ''];
      const items = slice.map((m) => ({
        id: m.user.id,
        user: graphUserJson(request.origin, caller.org.name, m.user, state.tenantId),
        accessLevel: accessLevel(m.license),
        lastAccessedDate: '2026-01-02T10:00:00Z',
        dateCreated: m.dateCreated,
        projectEntitlements: caller.org.projects
          .filter((p) => m.projects.has(p.name.toLowerCase()))
          .slice(0, 50)
          .map((p) => {
            const groupType = m.projects.get(p.name.toLowerCase());
            return {
              assignmentSource: 'unknown',
              group: { groupType, displayName: projectGroup(groupType) },
              projectPermissionInherited: 'notSet',
              projectRef: { id: p.id, name: p.name },
              teamRefs: [],
            };
          }),
        extensions: [],
        // Licensing group rules whose group the user belongs to: not group memberships in general.
        groupAssignments: caller.org.groups
          .filter((g) => g.licenseRule !== undefined && g.members.has(m.user.descriptor))
          .map((g) => ({
            group: graphGroupJson(request.origin, caller.org.name, g),
            id: g.originId,
            licenseRule: accessLevel(g.licenseRule!),
          })),
      }));
      return { body: { items, continuationToken: next ?? null, totalCount: members.length } };
    },
  );

  // Service hook subscriptions: the reference pages list vso.work, vso.build and vso.code (vso.hooks* are no
  // longer public scopes).
  const hookScopes = { scope: ['vso.work', 'vso.build', 'vso.code'] };

  // GET /{org}/_apis/hooks/subscriptions
  route('GET', '/:org/_apis/hooks/subscriptions', hookScopes, (request, caller) => ({
    body: list(caller.org.hooks.map((h) => hookJson(request.origin, caller.org.name, h))),
  }));

  /** Creating, replacing and deleting subscriptions take the ServiceHooks permissions collection admins have. */
  const requireHookPermission = (caller: AdoCaller, permission: string) => {
    if (!caller.member.collectionAdmin) {
      throw adoError(
        403,
        'AccessCheckException',
        `Access Denied: ${caller.pat.user.displayName} needs the following permission(s) on the resource Service hooks to perform this action: ${permission}`,
        'Microsoft.VisualStudio.Services.Security',
      );
    }
  };
  const strings = (value: unknown): Record<string, string> =>
    value && typeof value === 'object'
      ? Object.fromEntries(
          Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'),
        )
      : {};
  /** The subscription fields of a create or replace body, checked as the service checks them. */
  const subscriptionFields = (request: TwinRequest, previous?: AdoHook) => {
    const body = jsonObject(request);
    const consumerInputs = strings(body.consumerInputs);
    // Answers mask the password; sending the mask back keeps the stored one.
    if (previous && consumerInputs.basicAuthPassword === '********')
      consumerInputs.basicAuthPassword = previous.consumerInputs.basicAuthPassword ?? '';
    if (typeof body.eventType !== 'string' || !consumerInputs.url) {
      throw adoErrors.invalidArgument('eventType and consumerInputs.url are required.');
    }
    if (consumerInputs.basicAuthPassword && !consumerInputs.url.startsWith('https://')) {
      throw adoErrors.invalidArgument(
        'Basic authentication requires an HTTPS URL; the consumer URL must use https.',
      );
    }
    const text = (value: unknown, fallback: string) => (typeof value === 'string' ? value : fallback);
    return {
      publisherId: text(body.publisherId, 'tfs'),
      eventType: body.eventType,
      resourceVersion: text(body.resourceVersion, '1.0'),
      consumerId: text(body.consumerId, 'webHooks'),
      consumerActionId: text(body.consumerActionId, 'httpRequest'),
      publisherInputs: strings(body.publisherInputs),
      consumerInputs,
    };
  };
  const subscriptionNotFound = (id: string) =>
    adoError(404, 'SubscriptionNotFoundException', `Subscription ${id} was not found.`);

  // POST /{org}/_apis/hooks/subscriptions
  route('POST', '/:org/_apis/hooks/subscriptions', hookScopes, (request, caller) => {
    requireHookPermission(caller, 'Edit subscriptions');
    const hook: AdoHook = {
      id: guid(`hook:${caller.org.name}:${caller.org.hooks.length}:${Date.now()}:${Math.random()}`),
      ...subscriptionFields(request),
      createdBy: caller.pat.user,
      createdDate: state.now(),
    };
    caller.org.hooks.push(hook);
    return { body: hookJson(request.origin, caller.org.name, hook) };
  });

  // GET /{org}/_apis/hooks/subscriptions/{subscriptionId}
  route('GET', '/:org/_apis/hooks/subscriptions/:id', hookScopes, (request, caller) => {
    const hook = caller.org.hooks.find((h) => h.id === request.params.id);
    if (!hook) throw subscriptionNotFound(request.params.id!);
    return { body: hookJson(request.origin, caller.org.name, hook) };
  });

  // PUT /{org}/_apis/hooks/subscriptions/{subscriptionId} (replace)
  route('PUT', '/:org/_apis/hooks/subscriptions/:id', hookScopes, (request, caller) => {
    requireHookPermission(caller, 'Edit subscriptions');
    const hook = caller.org.hooks.find((h) => h.id === request.params.id);
    if (!hook) throw subscriptionNotFound(request.params.id!);
    Object.assign(hook, subscriptionFields(request, hook), {
      modifiedBy: caller.pat.user,
      modifiedDate: state.now(),
    });
    return { body: hookJson(request.origin, caller.org.name, hook) };
  });

  // DELETE /{org}/_apis/hooks/subscriptions/{subscriptionId}
  route('DELETE', '/:org/_apis/hooks/subscriptions/:id', hookScopes, (request, caller) => {
    requireHookPermission(caller, 'Delete subscriptions');
    const index = caller.org.hooks.findIndex((h) => h.id === request.params.id);
    if (index < 0) throw subscriptionNotFound(request.params.id!);
    caller.org.hooks.splice(index, 1);
    return { status: 204 };
  });

  // GET {app.vssps}/_apis/profile/profiles/me (the profile host, outside any organization)
  router.get('/_apis/profile/profiles/me', (request) => {
    const pat = patFrom(state, request);
    if (!pat) throw unauthorized(state, request);
    if (!patAllows(pat, ['vso.profile'])) throw adoErrors.missingScope(pat.user.principalName);
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
