import { randomUUID } from 'node:crypto';
import type { TwinRequest } from '../server/twin-server.js';
import { empty, type BitbucketApi } from './api.js';
import { bbError, needs, type BitbucketCaller, type BitbucketNeed } from './auth.js';
import type { BitbucketPipelineVariable, BitbucketRepository } from './state.js';
import { page } from './views.js';

interface VariableBody {
  key?: unknown;
  value?: unknown;
  secured?: unknown;
}

/**
 * Pipelines configuration and repository variables (Reference, "Pipelines" group): "Get configuration" and
 * "Update configuration" (`repository:admin`), "List variables for a repository" (`pipeline`), "Create a
 * variable for a repository" (201 with `Location`, 409 for a key that exists), "Update" (200) and "Delete"
 * (204) one by its `variable_uuid` (404 when unknown), which need `pipeline:variable`. A secured variable's
 * `value` is never answered ("The value will never be exposed in the logs or the REST API").
 */
export function addPipelineRoutes(api: BitbucketApi): void {
  const { views } = api;
  const repoFor = (request: TwinRequest, caller: BitbucketCaller, need: BitbucketNeed, admin: boolean) => {
    caller.require(need);
    const repo = api.repository(caller, request.params.workspace!, request.params.slug!);
    // An API token acts as its account, which must administer the repository to change its settings.
    if (admin && caller.user && api.state.permissionOf(repo, caller.user.accountId) !== 'admin')
      throw bbError(403, 'You must be an administrator of this repository.');
    return repo;
  };
  const variableOf = (repo: BitbucketRepository, uuid: string) => {
    const variable = repo.variables.find((v) => v.uuid === uuid || v.uuid === `{${uuid}}`);
    if (!variable) throw bbError(404, `Variable ${uuid} not found.`);
    return variable;
  };
  const base = '/repositories/:workspace/:slug/pipelines_config';

  api.get(base, (request, caller) => {
    const repo = repoFor(request, caller, needs.pipelinesConfig, true);
    // A repository whose Pipelines were never configured has no configuration to show.
    if (!repo.pipelines) throw bbError(404, 'Pipelines configuration not found.');
    return { body: views.pipelinesConfig(repo) };
  });

  api.put(base, (request, caller) => {
    const repo = repoFor(request, caller, needs.pipelinesConfig, true);
    const body = request.json<{ enabled?: unknown }>() ?? {};
    if (typeof body.enabled !== 'boolean') throw bbError(400, 'enabled: a boolean is required.');
    repo.pipelines = { enabled: body.enabled };
    return { body: views.pipelinesConfig(repo) };
  });

  api.get(`${base}/variables`, (request, caller) => {
    const repo = repoFor(request, caller, needs.variablesRead, false);
    return { body: page(request, repo.variables, (v) => views.pipelineVariable(v)) };
  });

  api.get(`${base}/variables/:uuid`, (request, caller) => {
    const repo = repoFor(request, caller, needs.variablesRead, false);
    return { body: views.pipelineVariable(variableOf(repo, request.params.uuid!)) };
  });

  api.post(`${base}/variables`, (request, caller) => {
    const repo = repoFor(request, caller, needs.variablesWrite, true);
    const body = variableBody(request);
    if (repo.variables.some((v) => v.key === body.key))
      throw bbError(409, `A variable with the key ${body.key} already exists.`);
    const variable: BitbucketPipelineVariable = { uuid: `{${randomUUID()}}`, ...body };
    repo.variables.push(variable);
    const full = `${repo.workspace.slug}/${repo.slug}`;
    return {
      status: 201,
      headers: {
        location: `${request.origin}/2.0/repositories/${full}/pipelines_config/variables/${encodeURIComponent(variable.uuid)}`,
      },
      body: views.pipelineVariable(variable),
    };
  });

  api.put(`${base}/variables/:uuid`, (request, caller) => {
    const repo = repoFor(request, caller, needs.variablesWrite, true);
    const variable = variableOf(repo, request.params.uuid!);
    const body = variableBody(request);
    if (repo.variables.some((v) => v !== variable && v.key === body.key))
      throw bbError(409, `A variable with the key ${body.key} already exists.`);
    Object.assign(variable, body);
    return { body: views.pipelineVariable(variable) };
  });

  api.delete(`${base}/variables/:uuid`, (request, caller) => {
    const repo = repoFor(request, caller, needs.variablesWrite, true);
    const variable = variableOf(repo, request.params.uuid!);
    repo.variables.splice(repo.variables.indexOf(variable), 1);
    return empty(204);
  });
}

/** Pipelines variable names: letters, digits and underscores, not starting with a digit. */
function variableBody(request: TwinRequest): Omit<BitbucketPipelineVariable, 'uuid'> {
  const body = request.json<VariableBody>() ?? {};
  if (typeof body.key !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(body.key))
    throw bbError(400, 'key: Variable names can only contain letters, numbers and underscores.');
  if (typeof body.value !== 'string') throw bbError(400, 'value: This field is required.');
  return { key: body.key, value: body.value, secured: body.secured === true };
}
