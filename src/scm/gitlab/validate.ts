import type { ValidatedConnection } from '../connection-settings.js';
import {
  describeToken,
  expiryInstant,
  findIdentity,
  groupPathOf,
  insufficientScopes,
  resolveGroup,
  scopeReport,
  toOrganization,
  tokenRefused,
  type GitLabContext,
} from './connection-checks.js';

/**
 * Checks a GitLab connection before it is stored: the token is valid and not expired, has the `api` scope
 * (when GitLab can say), the group is visible and is a top-level group. Self-managed instances also report
 * their version. Throws ScmError (`invalid_credentials`, `insufficient_scopes`, `target_not_found`,
 * `subgroup_not_allowed`, or a transport code of the HTTP layer).
 */
export async function validateGitLab(context: GitLabContext): Promise<ValidatedConnection> {
  groupPathOf(context.target);
  const finding = await describeToken(context.client);
  if (finding.state === 'described') {
    const { token } = finding;
    if (token.expires_at && Date.parse(expiryInstant(token.expires_at)) <= context.now().getTime()) {
      throw tokenRefused({ error_description: 'expired' }, 401);
    }
    if (scopeReport(token.scopes).missing.length > 0) throw insufficientScopes(token.scopes);
  }
  const identity = await findIdentity(context.client);
  const serverVersion = context.kind === 'gitlab-self-managed' ? await context.client.version() : undefined;
  const group = await resolveGroup(context, identity.login);
  return {
    identity,
    organization: toOrganization(group),
    ...(serverVersion === undefined ? {} : { serverVersion }),
  };
}
