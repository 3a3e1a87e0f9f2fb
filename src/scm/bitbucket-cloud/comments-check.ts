import type { Check } from '../test-report.js';
import { scopeRefusalOf, tokenRefused, type BitbucketContext } from './connection-checks.js';
import type { BitbucketPullRequestClient } from './pull-request-client.js';
import type { BitbucketWorkspace } from './schemas.js';

/** The scopes pull request comments, build statuses and write-access checks need, per credential. */
const commentScopes: Readonly<Record<BitbucketContext['credential'], readonly string[]>> = {
  'access-token': ['pullrequest'],
  'api-token': ['read:pullrequest:bitbucket'],
};

const quoted = (names: readonly string[]) => names.map((name) => `\`${name}\``).join(', ');

/**
 * The report's "Comment on pull requests" row: may the token read (and so comment on) the pull requests of the
 * workspace's first repository? Every comment call needs the `pullrequest` scope (`read:pullrequest:bitbucket`),
 * the build status `repository`, which listing already proves. Triage by reply also needs write access to be
 * checked, which Bitbucket shows only to an administrator's API token: the row says so for an access token.
 */
export async function commentOnPullRequestsRow(
  context: BitbucketContext,
  pullRequests: BitbucketPullRequestClient,
  workspace: BitbucketWorkspace,
): Promise<Check> {
  let slug: string | undefined;
  for await (const repository of context.client.repositories(workspace.uuid)) {
    slug = repository.slug ?? repository.full_name.split('/')[1];
    break;
  }
  if (slug === undefined) {
    return {
      status: 'skipped',
      message: `Not checked: workspace \`${workspace.slug}\` has no repository the token can see.`,
    };
  }
  const answer = await pullRequests.probePullRequests({ workspace: workspace.slug, slug });
  if (answer.ok) {
    const triage =
      context.credential === 'access-token'
        ? ' Bitbucket does not show an access token who may write to a repository: for triage by reply, connect with an Atlassian API token of an account that administers the repositories.'
        : '';
    return {
      status: 'ok',
      message: `The token can comment on pull requests of \`${workspace.slug}\`.${triage}`,
    };
  }
  if (answer.status === 401) {
    const error = tokenRefused(context.credential);
    return {
      status: 'fail',
      code: error.code,
      message: error.message,
      ...(error.fix ? { fix: error.fix } : {}),
    };
  }
  const lacking = scopeRefusalOf(answer).required ?? commentScopes[context.credential];
  return {
    status: 'warn',
    code: 'insufficient_scopes',
    message: `The token cannot read the pull requests of \`${workspace.slug}\` (${answer.status}), so it cannot comment on them.`,
    fix: `To comment on pull requests, create a token that also has ${quoted(lacking)}.`,
  };
}
