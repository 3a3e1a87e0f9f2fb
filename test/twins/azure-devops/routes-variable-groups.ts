import type { TwinRequest, TwinRouter } from '../server/twin-server.js';
import { addOrgRoute, adoError, adoErrors, projectRole, type AdoCaller } from './access.js';
import { continuationPage } from './paging.js';
import type { AdoVariable, AdoVariableGroup } from './pipeline-types.js';
import { projectFor } from './routes-pipelines.js';
import { identityRef, list } from './shapes.js';
import type { AdoProject, AzureDevOpsState } from './state.js';

const taskNs = 'Microsoft.TeamFoundation.DistributedTask.WebApi';

/** `*` in a `groupName` filter matches any run of characters; names compare case-insensitively. */
const nameFilter = (pattern: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    'i',
  );

/**
 * Variable groups ("Variablegroups - Get Variable Groups / Add / Update", `distributedTask/7.1/taskAgent.json` and
 * its `httpExamples/variablegroups`): groups belong to the organization and are shared into projects through
 * `variableGroupProjectReferences`. A secret's value is stored but always answered as `null` with
 * `isSecret: true`; an update that sends a secret back with `value: null` keeps the stored value.
 */
export function addVariableGroupRoutes(state: AzureDevOpsState, router: TwinRouter): void {
  const groupJson = (
    request: TwinRequest,
    caller: AdoCaller,
    group: AdoVariableGroup,
    project: AdoProject,
  ) => {
    const shared = group.projects.get(project.id);
    return {
      variables: Object.fromEntries(
        [...group.variables].map(([name, v]) => [
          name,
          v.isSecret ? { value: null, isSecret: true } : { value: v.value },
        ]),
      ),
      id: group.id,
      type: group.type,
      name: shared?.name ?? group.name,
      description: shared?.description ?? group.description,
      createdBy: identityRef(request.origin, group.createdBy),
      createdOn: group.createdOn,
      modifiedBy: identityRef(request.origin, group.modifiedBy),
      modifiedOn: group.modifiedOn,
      isShared: group.projects.size > 1,
      variableGroupProjectReferences: [...group.projects].map(([id, ref]) => ({
        projectReference: { id, name: state.findProject(caller.org, id)?.name },
        name: ref.name,
        description: ref.description,
      })),
    };
  };

  // GET /{org}/{project}/_apis/distributedtask/variablegroups?groupName=&groupIds=&$top=&continuationToken=
  //   &queryOrder= (vso.variablegroups_read)
  addOrgRoute(
    state,
    router,
    'GET',
    '/:org/:project/_apis/distributedtask/variablegroups',
    { scope: ['vso.variablegroups_read'] },
    (request, caller) => {
      const project = projectFor(state, request, caller);
      const q = request.url.searchParams;
      const name = q.get('groupName');
      const ids = q.get('groupIds')?.split(',').map(Number);
      const matching = caller.org.variableGroups
        .filter((g) => g.projects.has(project.id))
        .filter((g) => name === null || nameFilter(name).test(g.projects.get(project.id)!.name))
        .filter((g) => ids === undefined || ids.includes(g.id))
        .sort((a, b) => (q.get('queryOrder')?.toLowerCase() === 'idascending' ? a.id - b.id : b.id - a.id));
      const top = Number.parseInt(q.get('$top') ?? '', 10) || matching.length;
      const { slice, headers } = continuationPage(request, matching, top);
      return { headers, body: list(slice.map((g) => groupJson(request, caller, g, project))) };
    },
  );

  /** The projects a body shares the group into, each visible to the caller. */
  const projectsOf = (body: Record<string, unknown>, caller: AdoCaller) => {
    const references = body.variableGroupProjectReferences;
    if (!Array.isArray(references) || references.length === 0) {
      throw adoErrors.invalidArgument(
        'Value cannot be null.\r\nParameter name: variableGroupProjectReferences',
      );
    }
    return references.map((raw) => {
      const ref = (raw ?? {}) as Record<string, unknown>;
      const key = (ref.projectReference as { id?: unknown; name?: unknown } | undefined) ?? {};
      const idOrName = typeof key.id === 'string' ? key.id : typeof key.name === 'string' ? key.name : '';
      const project = state.findProject(caller.org, idOrName);
      if (!project || projectRole(caller, project) === undefined) throw adoErrors.projectNotFound(idOrName);
      return {
        project,
        name: typeof ref.name === 'string' && ref.name !== '' ? ref.name : String(body.name ?? ''),
        description: typeof ref.description === 'string' ? ref.description : '',
      };
    });
  };

  const variablesOf = (body: Record<string, unknown>, previous?: Map<string, AdoVariable>) => {
    const given = (body.variables ?? {}) as Record<string, { value?: unknown; isSecret?: unknown } | null>;
    const variables = new Map<string, AdoVariable>();
    for (const [name, raw] of Object.entries(given)) {
      const isSecret = raw?.isSecret === true;
      const old = [...(previous ?? [])].find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
      // A secret sent back as null keeps its value (the service never hands it out to send back).
      const value = typeof raw?.value === 'string' ? raw.value : isSecret && old?.isSecret ? old.value : '';
      variables.set(name, { value, isSecret });
    }
    return variables;
  };

  const checkUniqueName = (caller: AdoCaller, shares: ReturnType<typeof projectsOf>, except?: number) => {
    for (const share of shares) {
      const clash = caller.org.variableGroups.find(
        (g) =>
          g.id !== except &&
          g.projects.get(share.project.id)?.name.toLowerCase() === share.name.toLowerCase(),
      );
      if (clash) {
        throw adoError(
          400,
          'VariableGroupExistsException',
          `Variable group with name ${share.name} already exists.`,
          taskNs,
        );
      }
    }
  };

  // POST /{org}/_apis/distributedtask/variablegroups (vso.variablegroups_manage)
  addOrgRoute(
    state,
    router,
    'POST',
    '/:org/_apis/distributedtask/variablegroups',
    { scope: ['vso.variablegroups_manage'] },
    (request, caller) => {
      const body = bodyOf(request);
      if (typeof body.name !== 'string' || body.name === '')
        throw adoErrors.invalidArgument('Value cannot be null.\r\nParameter name: Name');
      const shares = projectsOf(body, caller);
      checkUniqueName(caller, shares);
      const at = state.now();
      const group: AdoVariableGroup = {
        id: caller.org.nextVariableGroupId++,
        name: body.name,
        description: typeof body.description === 'string' ? body.description : '',
        type: typeof body.type === 'string' ? body.type : 'Vsts',
        variables: variablesOf(body),
        projects: new Map(shares.map((s) => [s.project.id, { name: s.name, description: s.description }])),
        createdBy: caller.pat.user,
        createdOn: at,
        modifiedBy: caller.pat.user,
        modifiedOn: at,
        permissions: new Map(),
      };
      caller.org.variableGroups.push(group);
      return { body: groupJson(request, caller, group, shares[0]!.project) };
    },
  );

  // PUT /{org}/_apis/distributedtask/variablegroups/{groupId} (vso.variablegroups_manage)
  addOrgRoute(
    state,
    router,
    'PUT',
    '/:org/_apis/distributedtask/variablegroups/:groupId',
    { scope: ['vso.variablegroups_manage'] },
    (request, caller) => {
      const group = caller.org.variableGroups.find((g) => String(g.id) === request.params.groupId);
      if (!group) {
        throw adoError(
          404,
          'VariableGroupNotFoundException',
          `Variable group with id ${request.params.groupId} does not exist.`,
          taskNs,
        );
      }
      const body = bodyOf(request);
      const shares = projectsOf(body, caller);
      checkUniqueName(caller, shares, group.id);
      if (typeof body.name === 'string' && body.name !== '') group.name = body.name;
      if (typeof body.description === 'string') group.description = body.description;
      group.variables = variablesOf(body, group.variables);
      group.projects.clear();
      for (const s of shares) group.projects.set(s.project.id, { name: s.name, description: s.description });
      group.modifiedBy = caller.pat.user;
      group.modifiedOn = state.now();
      return { body: groupJson(request, caller, group, shares[0]!.project) };
    },
  );
}

const bodyOf = (request: TwinRequest): Record<string, unknown> => {
  const body = request.json<unknown>();
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw adoErrors.invalidArgument('The request body is required.');
  return body as Record<string, unknown>;
};
