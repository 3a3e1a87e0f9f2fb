import { TwinHttpError, type TwinRequest } from '../server/twin-server.js';
import { notFound, type GitLabApi } from './api.js';
import type { GitLabCaller } from './auth.js';
import { flag, optionalString, readFields, record, requireString, type Fields } from './body.js';
import { paginate } from './pagination.js';
import type { GitLabProject, GitLabVariable } from './state.js';

/** `Ci::Maskable::REGEX`: a masked variable that is expanded (`raw: false`). */
const maskableExpanded = /^[a-zA-Z0-9_+=/@:.~-]{8,}$/;
/** `Ci::Maskable::MASK_AND_RAW_REGEX`: a masked variable that is not expanded (`raw: true`). */
const maskableRaw = /^\S{8,}$/;
const keyPattern = /^[a-zA-Z0-9_]+$/;

/** A model validation failure as `render_validation_error!` answers it: `{"message": {field: [messages]}}`. */
const invalid = (field: string, message: string) =>
  new TwinHttpError(400, { message: { [field]: [message] } });

/**
 * "Project-level CI/CD variables API": list, get, create, update, delete. Every call needs the Maintainer role
 * (`admin_cicd_variables`), else `403 Forbidden`; a missing variable is `404 Variable Not Found`.
 */
export function addVariableRoutes(api: GitLabApi): void {
  const { state } = api;

  const projectFor = (request: TwinRequest, caller: GitLabCaller, write: boolean): GitLabProject => {
    caller.require(write ? 'write' : 'read');
    const project = api.project(caller, request.params.id!);
    api.requireLevel(state.accessLevel(project, caller.user), 40);
    return project;
  };

  /** The variable of `:key`, checked against `filter[environment_scope]` when given. */
  const find = async (request: TwinRequest, project: GitLabProject): Promise<GitLabVariable> => {
    const variable = project.variables.get(request.params.key!);
    const scope = optionalString(record(await readFields(request), 'filter') ?? {}, 'environment_scope');
    if (!variable || (scope !== undefined && scope !== variable.environmentScope)) throw notFound('Variable');
    return variable;
  };

  api.get('/projects/:id/variables', (request, caller) => {
    const project = projectFor(request, caller, false);
    const list = [...project.variables.values()].map((variable, index) => ({ id: index + 1, variable }));
    return paginate(request, list, ({ variable }) => view(variable));
  });

  api.get('/projects/:id/variables/:key', async (request, caller) => {
    const project = projectFor(request, caller, false);
    return { body: view(await find(request, project)) };
  });

  api.post('/projects/:id/variables', async (request, caller) => {
    const project = projectFor(request, caller, true);
    const fields = await readFields(request);
    const key = requireString(fields, 'key').trim();
    const value = requireValue(fields);
    if (key.length > 255) throw invalid('key', 'is too long (maximum is 255 characters)');
    if (!keyPattern.test(key)) throw invalid('key', "can contain only letters, digits and '_'.");
    if (project.variables.has(key)) throw invalid('key', `(${key}) has already been taken`);
    const hidden = flag(fields, 'masked_and_hidden') ?? false;
    const variable: GitLabVariable = {
      key,
      value,
      variableType: variableType(fields) ?? 'env_var',
      protected: flag(fields, 'protected') ?? false,
      masked: hidden || (flag(fields, 'masked') ?? false),
      hidden,
      raw: flag(fields, 'raw') ?? false,
      environmentScope: optionalString(fields, 'environment_scope') ?? '*',
      description: optionalString(fields, 'description') ?? null,
    };
    checkMaskable(variable);
    project.variables.set(key, variable);
    return { status: 201, body: view(variable) };
  });

  api.put('/projects/:id/variables/:key', async (request, caller) => {
    const project = projectFor(request, caller, true);
    const variable = await find(request, project);
    const fields = await readFields(request);
    const next: GitLabVariable = {
      ...variable,
      value: typeof fields.value === 'string' ? fields.value : variable.value,
      variableType: variableType(fields) ?? variable.variableType,
      protected: flag(fields, 'protected') ?? variable.protected,
      masked: variable.hidden || (flag(fields, 'masked') ?? variable.masked),
      raw: flag(fields, 'raw') ?? variable.raw,
      environmentScope: optionalString(fields, 'environment_scope') ?? variable.environmentScope,
      description: optionalString(fields, 'description') ?? variable.description,
    };
    checkMaskable(next);
    project.variables.set(variable.key, next);
    return { body: view(next) };
  });

  api.delete('/projects/:id/variables/:key', async (request, caller) => {
    const project = projectFor(request, caller, true);
    project.variables.delete((await find(request, project)).key);
    return { status: 204 };
  });
}

function requireValue(fields: Fields): string {
  if (typeof fields.value === 'string') return fields.value;
  throw new TwinHttpError(400, { error: 'value is missing' });
}

function variableType(fields: Fields): GitLabVariable['variableType'] | undefined {
  const type = optionalString(fields, 'variable_type');
  if (type === undefined || type === 'env_var' || type === 'file') return type;
  throw new TwinHttpError(400, { error: 'variable_type does not have a valid value' });
}

function checkMaskable(variable: GitLabVariable): void {
  if (!variable.masked) return;
  const pattern = variable.raw ? maskableRaw : maskableExpanded;
  if (!pattern.test(variable.value)) throw invalid('value', 'is invalid');
}

/** `API::Entities::Ci::Variable`: a hidden variable's value is never shown. */
const view = (variable: GitLabVariable) => ({
  variable_type: variable.variableType,
  key: variable.key,
  value: variable.hidden ? null : variable.value,
  hidden: variable.hidden,
  protected: variable.protected,
  masked: variable.masked,
  raw: variable.raw,
  environment_scope: variable.environmentScope,
  description: variable.description,
});
