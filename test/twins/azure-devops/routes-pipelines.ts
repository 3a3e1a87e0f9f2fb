import type { TwinRequest, TwinRouter } from '../server/twin-server.js';
import { addOrgRoute, adoError, adoErrors, projectRole, type AdoCaller } from './access.js';
import { continuationPage } from './paging.js';
import type { AdoPipeline, AdoPipelinePermissions } from './pipeline-types.js';
import { identityRef, list, orgUrl, projectJson } from './shapes.js';
import type { AdoProject, AzureDevOpsState } from './state.js';

const buildNs = 'Microsoft.TeamFoundation.Build.WebApi';

/** The project of a `/{org}/{project}/_apis/…` route, as the caller may see it. */
export function projectFor(state: AzureDevOpsState, request: TwinRequest, caller: AdoCaller): AdoProject {
  const name = request.params.project!;
  const project = state.findProject(caller.org, name);
  if (!project || projectRole(caller, project) === undefined) throw adoErrors.projectNotFound(name);
  return project;
}

const objectBody = (request: TwinRequest): Record<string, unknown> => {
  const body = request.json<unknown>();
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw adoErrors.invalidArgument('The request body is required.');
  return body as Record<string, unknown>;
};

/**
 * YAML pipelines ("Pipelines - Create / List / Get", `pipelines/7.1/pipelines.json`), the build definitions they
 * are ("Definitions - List", `build/7.1/build.json`: `repositoryId`, `repositoryType`, `includeAllProperties`,
 * `yamlFilename`, `$top`, `x-ms-continuationtoken`), and which pipelines may use a protected resource ("Pipeline
 * Permissions - Get / Update Pipeline Permisions For Resource", `approvalsAndChecks/7.1/pipelinePermissions.json`,
 * 7.1-preview.1).
 */
export function addPipelineRoutes(state: AzureDevOpsState, router: TwinRouter): void {
  const base = (request: TwinRequest, project: AdoProject) =>
    `${orgUrl(request.origin, project.org.name)}/${project.id}`;

  const pipelineJson = (request: TwinRequest, project: AdoProject, pipeline: AdoPipeline) => {
    const url = `${base(request, project)}/_apis/pipelines/${pipeline.id}?revision=${pipeline.revision}`;
    return {
      _links: {
        self: { href: url },
        web: { href: `${base(request, project)}/_build/definition?definitionId=${pipeline.id}` },
      },
      url,
      id: pipeline.id,
      revision: pipeline.revision,
      name: pipeline.name,
      folder: pipeline.folder,
    };
  };
  const withConfiguration = (request: TwinRequest, project: AdoProject, pipeline: AdoPipeline) => ({
    ...pipelineJson(request, project, pipeline),
    configuration: {
      path: pipeline.yamlFilename,
      repository: { id: pipeline.repositoryId, type: 'azureReposGit' },
      type: 'yaml',
    },
  });

  // GET /{org}/{project}/_apis/pipelines?orderBy=&$top=&continuationToken= (vso.build)
  addOrgRoute(
    state,
    router,
    'GET',
    '/:org/:project/_apis/pipelines',
    { scope: ['vso.build'] },
    (request, caller) => {
      const project = projectFor(state, request, caller);
      const sorted = [...project.pipelines].sort((a, b) => a.name.localeCompare(b.name));
      const top = Number.parseInt(request.url.searchParams.get('$top') ?? '', 10) || sorted.length;
      const { slice, headers } = continuationPage(request, sorted, top);
      return { headers, body: list(slice.map((p) => pipelineJson(request, project, p))) };
    },
  );

  // GET /{org}/{project}/_apis/pipelines/{pipelineId} (vso.build)
  addOrgRoute(
    state,
    router,
    'GET',
    '/:org/:project/_apis/pipelines/:pipelineId',
    { scope: ['vso.build'] },
    (request, caller) => {
      const project = projectFor(state, request, caller);
      const pipeline = project.pipelines.find((p) => p.id === Number(request.params.pipelineId));
      if (!pipeline) {
        throw adoError(
          404,
          'DefinitionNotExistsException',
          `Pipeline with id ${request.params.pipelineId} does not exist.`,
          buildNs,
        );
      }
      return { body: withConfiguration(request, project, pipeline) };
    },
  );

  // POST /{org}/{project}/_apis/pipelines (vso.build_execute)
  addOrgRoute(
    state,
    router,
    'POST',
    '/:org/:project/_apis/pipelines',
    { scope: ['vso.build_execute'] },
    (request, caller) => {
      const project = projectFor(state, request, caller);
      const body = objectBody(request);
      const configuration = (body.configuration ?? {}) as Record<string, unknown>;
      const repository = (configuration.repository ?? {}) as Record<string, unknown>;
      if (typeof body.name !== 'string' || body.name === '')
        throw adoErrors.invalidArgument('Value cannot be null.\r\nParameter name: Name');
      if (configuration.type !== 'yaml') {
        throw adoErrors.invalidArgument(
          `This API does not support creating pipelines of configuration type ${String(configuration.type)}.`,
        );
      }
      if (typeof configuration.path !== 'string' || configuration.path === '')
        throw adoErrors.invalidArgument('Value cannot be null.\r\nParameter name: Path');
      const repo =
        typeof repository.id === 'string' && repository.type === 'azureReposGit'
          ? state.findRepo(project, repository.id)
          : undefined;
      if (!repo || repo.id !== String(repository.id).toLowerCase())
        throw adoErrors.repoNotFound(String(repository.id ?? ''));
      const pipeline: AdoPipeline = {
        id: caller.org.nextPipelineId++,
        name: body.name,
        folder: typeof body.folder === 'string' && body.folder !== '' ? body.folder : '\\',
        revision: 1,
        repositoryId: repo.id,
        yamlFilename: configuration.path,
        createdBy: caller.pat.user,
        createdDate: state.now(),
      };
      project.pipelines.push(pipeline);
      return { body: withConfiguration(request, project, pipeline) };
    },
  );

  // GET /{org}/{project}/_apis/build/definitions?repositoryId=&repositoryType=&includeAllProperties=
  //   &yamlFilename=&$top=&continuationToken= (vso.build)
  addOrgRoute(
    state,
    router,
    'GET',
    '/:org/:project/_apis/build/definitions',
    { scope: ['vso.build'] },
    (request, caller) => {
      const project = projectFor(state, request, caller);
      const q = request.url.searchParams;
      const repositoryId = q.get('repositoryId')?.toLowerCase();
      const repositoryType = q.get('repositoryType')?.toLowerCase();
      const all = q.get('includeAllProperties') === 'true';
      const yamlFilename = all ? q.get('yamlFilename') : null;
      const matching = project.pipelines.filter(
        (p) =>
          (!repositoryId || p.repositoryId === repositoryId) &&
          (!repositoryType || repositoryType === 'tfsgit') &&
          (yamlFilename === null || p.yamlFilename.toLowerCase() === yamlFilename.toLowerCase()),
      );
      const top = Number.parseInt(q.get('$top') ?? '', 10) || matching.length;
      const { slice, headers } = continuationPage(request, matching, top);
      const value = slice.map((p) => {
        const url = `${base(request, project)}/_apis/build/Definitions/${p.id}?revision=${p.revision}`;
        const reference = {
          _links: { self: { href: url } },
          quality: 'definition',
          authoredBy: identityRef(request.origin, p.createdBy),
          queueStatus: 'enabled',
          id: p.id,
          name: p.name,
          url,
          uri: `vstfs:///Build/Definition/${p.id}`,
          path: p.folder,
          type: 'build',
          revision: p.revision,
          createdDate: p.createdDate,
          project: projectJson(request.origin, project),
        };
        if (!all) return reference;
        const repo = state.findRepo(project, p.repositoryId);
        return {
          ...reference,
          process: { yamlFilename: p.yamlFilename, type: 2 },
          repository: {
            id: p.repositoryId,
            type: 'TfsGit',
            name: repo?.name,
            defaultBranch: repo?.defaultBranch,
            clean: null,
            checkoutSubmodules: false,
          },
        };
      });
      return { headers, body: list(value) };
    },
  );

  const permissionsPath = '/:org/:project/_apis/pipelines/pipelinePermissions/:resourceType/:resourceId';
  const permissionsFor = (request: TwinRequest, caller: AdoCaller) => {
    const project = projectFor(state, request, caller);
    const type = request.params.resourceType!.toLowerCase();
    const group =
      type === 'variablegroup'
        ? caller.org.variableGroups.find(
            (g) => String(g.id) === request.params.resourceId && g.projects.has(project.id),
          )
        : undefined;
    if (!group) {
      throw adoError(
        404,
        'ResourceNotFoundException',
        `Resource ${request.params.resourceId} of type ${request.params.resourceType} not found.`,
        'Microsoft.Azure.Pipelines.Authorization.WebApi',
      );
    }
    let permissions = group.permissions.get(project.id);
    if (!permissions) {
      permissions = { allPipelines: undefined, pipelines: new Map() };
      group.permissions.set(project.id, permissions);
    }
    return { resource: { type: 'variablegroup', id: String(group.id) }, permissions };
  };
  const permissionsJson = (
    request: TwinRequest,
    resource: { type: string; id: string },
    permissions: AdoPipelinePermissions,
  ) => ({
    resource,
    pipelines: [...permissions.pipelines].map(([id, grant]) => ({
      id,
      authorized: true,
      authorizedBy: identityRef(request.origin, grant.by),
      authorizedOn: grant.on,
    })),
    ...(permissions.allPipelines
      ? {
          allPipelines: {
            authorized: true,
            authorizedBy: identityRef(request.origin, permissions.allPipelines.by),
            authorizedOn: permissions.allPipelines.on,
          },
        }
      : {}),
  });

  // GET /{org}/{project}/_apis/pipelines/pipelinePermissions/{resourceType}/{resourceId} (vso.build)
  addOrgRoute(
    state,
    router,
    'GET',
    permissionsPath,
    { scope: ['vso.build'], preview: true },
    (request, caller) => {
      const { resource, permissions } = permissionsFor(request, caller);
      return { body: permissionsJson(request, resource, permissions) };
    },
  );

  // PATCH /{org}/{project}/_apis/pipelines/pipelinePermissions/{resourceType}/{resourceId}
  //   (vso.pipelineresources_manage)
  addOrgRoute(
    state,
    router,
    'PATCH',
    permissionsPath,
    { scope: ['vso.pipelineresources_manage'], preview: true },
    (request, caller) => {
      const { resource, permissions } = permissionsFor(request, caller);
      const body = objectBody(request);
      const grant = { by: caller.pat.user, on: state.now() };
      for (const entry of Array.isArray(body.pipelines)
        ? (body.pipelines as Record<string, unknown>[])
        : []) {
        if (typeof entry.id !== 'number') throw adoErrors.invalidArgument('Each pipeline needs an id.');
        if (entry.authorized === true) permissions.pipelines.set(entry.id, grant);
        else if (entry.authorized === false) permissions.pipelines.delete(entry.id);
      }
      const everyone = body.allPipelines as { authorized?: unknown } | undefined;
      if (everyone?.authorized === true) permissions.allPipelines = grant;
      else if (everyone?.authorized === false) permissions.allPipelines = undefined;
      return { body: permissionsJson(request, resource, permissions) };
    },
  );
}
