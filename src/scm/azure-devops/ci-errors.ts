import { ScmError } from '../errors.js';
import type { CiAnswer, CiRefusal } from './ci-client.js';
import {
  describeScopes,
  invalidCredentials,
  neededScopes,
  patFix,
  type AdoContext,
} from './connection-checks.js';

/** What a CI call was about, for the admin: the words, the scope it takes, the permission a 403 means. */
export interface CiCall {
  /** "write the CI file to org/project/repo". */
  readonly what: string;
  /** The PAT scope the operation's reference page lists. */
  readonly scope: string;
  /** The fix for a 403: which permission, where. */
  readonly permission: string;
}

/** Why Azure DevOps refused a CI call, as an error the admin can act on. */
export function ciRefusalError(ctx: AdoContext, call: CiCall, refusal: CiRefusal): ScmError {
  if (refusal.signIn) return invalidCredentials(ctx, refusal.status);
  const status = refusal.status;
  switch (status) {
    case 401:
      // TF400813: the PAT is valid but lacks the scope (or it stopped being valid).
      return new ScmError(
        'forbidden',
        `Azure DevOps refused the token access to ${call.what} (401): the token lacks \`${call.scope}\` (${describeScopes([call.scope])}), or it is no longer valid.`,
        { code: 'insufficient_scopes', status, fix: patFix(ctx, [...neededScopes, call.scope]) },
      );
    case 403:
      return new ScmError('forbidden', `Azure DevOps refused the token's user to ${call.what} (403).`, {
        code: 'insufficient_permissions',
        status,
        fix: call.permission,
      });
    case 404:
      return new ScmError('not-found', `Azure DevOps found nothing to ${call.what} (404).`, {
        code: 'scm_not_found',
        status,
        fix: 'Sync the connection: the repository or project may have been renamed, moved or deleted.',
      });
    default:
      return new ScmError('invalid', `Azure DevOps rejected the call to ${call.what} (${status}).`, {
        code: 'upstream_rejected',
        status,
      });
  }
}

/** The data of an answer, or the error its refusal stands for. */
export function ciData<T>(ctx: AdoContext, call: CiCall, answer: CiAnswer<T>): T {
  if (answer.ok) return answer.data;
  throw ciRefusalError(ctx, call, answer);
}

/** Pushing and opening pull requests: Code (Read & write), and Contribute on the repository. */
export const codeWrite = (what: string): CiCall => ({
  what,
  scope: 'vso.code_write',
  permission:
    "Give the token's user Contribute, Create branch and Contribute to pull requests on the repository (Project settings > Repositories > Security), or use a token of a Contributor.",
});

/** Reading refs and files: Code (Read). */
export const codeRead = (what: string): CiCall => ({
  what,
  scope: 'vso.code',
  permission: "Give the token's user Read on the repository (Project settings > Repositories > Security).",
});

const pipelinePermission =
  "Give the token's user Edit build pipeline and Queue builds on the project's pipelines (Pipelines > All pipelines > Manage security), e.g. by making them a Contributor or Build Administrator.";

/** Reading build definitions and pipelines: Build (Read). */
export const buildRead = (what: string): CiCall => ({
  what,
  scope: 'vso.build',
  permission: pipelinePermission,
});

/** Creating a pipeline: Build (Read & execute). */
export const buildExecute = (what: string): CiCall => ({
  what,
  scope: 'vso.build_execute',
  permission: pipelinePermission,
});

const libraryPermission = (role: string) =>
  `Give the token's user the ${role} role on the project's library (Pipelines > Library > Security), or on the variable group scm-connect.`;

/** Reading variable groups: Variable Groups (Read). */
export const variableGroupsRead = (what: string): CiCall => ({
  what,
  scope: 'vso.variablegroups_read',
  permission: libraryPermission('Reader'),
});

/** Creating and updating variable groups: Variable Groups (Read, create, & manage). */
export const variableGroupsManage = (what: string): CiCall => ({
  what,
  scope: 'vso.variablegroups_manage',
  permission: libraryPermission('Administrator'),
});

/** Authorizing pipelines on a variable group: Pipeline Resources (Use & manage). */
export const pipelineResourcesManage = (what: string): CiCall => ({
  what,
  scope: 'vso.pipelineresources_manage',
  permission: libraryPermission('Administrator'),
});
