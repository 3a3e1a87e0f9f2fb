import type { Check, ScopeReport } from '../test-report.js';
import type { GitLabContext } from './connection-checks.js';
import { hookRefusal } from './hooks.js';
import type { GitLabGroup } from './schemas.js';

/**
 * The "Receive webhooks" row: may this token register scm-connect's group hook? Listing the group's hooks takes
 * the Owner role and, on gitlab.com, a Premium plan; creating one also takes the `api` scope, which the scope
 * report tells (listing alone works with `read_api`).
 */
export async function receiveWebhooksRow(
  context: GitLabContext,
  group: GitLabGroup,
  scopes: ScopeReport | undefined,
): Promise<Check> {
  const answer = await context.client.probeHooks(group.id);
  if (!answer.ok) {
    const error = hookRefusal(context, group, answer);
    return {
      status: 'warn',
      code: error.code,
      message: error.message,
      ...(error.fix ? { fix: error.fix } : {}),
    };
  }
  if (scopes === undefined) {
    return {
      status: 'warn',
      message: `Not verified: the token may read the webhooks of \`${group.full_path}\`, but GitLab does not tell its scopes, and creating a hook needs \`api\`.`,
      fix: 'Check that the token has the `api` scope (User settings > Access tokens).',
    };
  }
  if (!scopes.granted.includes('api')) {
    return {
      status: 'warn',
      code: 'insufficient_scopes',
      message: `The token may read the webhooks of \`${group.full_path}\` but not create one: that needs the \`api\` scope.`,
      fix: 'Create a personal or group access token with the `api` scope and update the connection.',
    };
  }
  return {
    status: 'ok',
    message: `The token can register scm-connect's webhook on group \`${group.full_path}\` (push, project, member, merge request and comment events).`,
  };
}
