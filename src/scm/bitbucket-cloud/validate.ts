import type { ValidatedConnection } from '../connection-settings.js';
import {
  checkRepositoryAccess,
  findIdentity,
  insufficientScopes,
  resolveWorkspace,
  scopeReport,
  toOrganization,
  workspaceSlugOf,
  type BitbucketContext,
} from './connection-checks.js';

/**
 * Checks a Bitbucket Cloud connection before it is stored: the token is accepted, the workspace is visible,
 * and the token may list its repositories. Throws ScmError (`invalid_credentials`, `insufficient_scopes`,
 * `target_not_found`, `invalid_target`, or a transport code of the HTTP layer).
 */
export async function validateBitbucketCloud(context: BitbucketContext): Promise<ValidatedConnection> {
  workspaceSlugOf(context.target);
  const { workspace, granted } = await resolveWorkspace(context);
  if (granted !== undefined && scopeReport(context.credential, granted).missing.length > 0) {
    throw insufficientScopes(context.credential, { granted });
  }
  await checkRepositoryAccess(context, workspace);
  const identity = await findIdentity(context, workspace);
  return { identity, organization: toOrganization(workspace, context.webRoot) };
}
