import type { AdoPat } from './state.js';

/**
 * The "Inherits from" column of Microsoft's scope table (Authorize access to REST APIs with OAuth 2.0, "Available
 * scopes"): each scope grants everything of the scope it inherits from, transitively. So `vso.code` grants
 * `vso.hooks_write`, which grants `vso.hooks`, which grants `vso.profile`.
 */
const inheritsFrom: Readonly<Record<string, string>> = {
  'vso.build': 'vso.hooks_write',
  'vso.build_execute': 'vso.build',
  'vso.code': 'vso.hooks_write',
  'vso.code_write': 'vso.code',
  'vso.code_manage': 'vso.code_write',
  'vso.code_full': 'vso.code_manage',
  'vso.graph_manage': 'vso.graph',
  'vso.hooks': 'vso.profile',
  'vso.hooks_write': 'vso.hooks',
  'vso.hooks_interact': 'vso.profile',
  'vso.identity_manage': 'vso.identity',
  'vso.memberentitlementmanagement_write': 'vso.memberentitlementmanagement',
  'vso.pipelineresources_manage': 'vso.pipelineresources_use',
  'vso.profile_write': 'vso.profile',
  'vso.project_write': 'vso.project',
  'vso.project_manage': 'vso.project_write',
  'vso.variablegroups_write': 'vso.variablegroups_read',
  'vso.variablegroups_manage': 'vso.variablegroups_write',
  'vso.work': 'vso.hooks_write',
  'vso.work_write': 'vso.work',
  'vso.work_full': 'vso.work_write',
};

/** Every scope a granted scope carries: itself and the chain it inherits from. */
function carried(scope: string): string[] {
  const chain = [scope];
  for (let next = inheritsFrom[scope]; next !== undefined && !chain.includes(next); next = inheritsFrom[next])
    chain.push(next);
  return chain;
}

/** Whether the PAT may call an endpoint whose reference page lists `scopes` (any one of them suffices). */
export function patAllows(pat: AdoPat, scopes: readonly string[]): boolean {
  if (pat.scopes === 'full') return true;
  return [...pat.scopes].some((granted) => carried(granted).some((scope) => scopes.includes(scope)));
}
