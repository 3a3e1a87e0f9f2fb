import { isScmError, type ScmError } from '../errors.js';
import {
  buildTestReport,
  capabilityRows,
  failedRow as failed,
  notCheckedRow,
  notOfferedRow,
  type Check,
  type ScmIdentity,
  type ScopeReport,
  type TestReport,
} from '../test-report.js';
import type { BitbucketAnswer, BitbucketProbe } from './client.js';
import {
  checkRepositoryAccess,
  findIdentity,
  grantedScopes,
  memberScope,
  resolveWorkspace,
  scopeRefusalOf,
  scopeReport,
  type BitbucketContext,
} from './connection-checks.js';
import { commentOnPullRequestsRow } from './comments-check.js';
import { receiveWebhooksRow } from './hooks-check.js';
import { membersNotOffered, membersNotOfferedFix } from './members.js';
import type { BitbucketPullRequestClient } from './pull-request-client.js';
import type { BitbucketWorkspace } from './schemas.js';

const notOffered = notOfferedRow('Bitbucket Cloud');
const notChecked = (why: string) => notCheckedRow(`${why}.`);
const rows = (
  listRepositories: Check,
  readMembers: Check,
  receiveWebhooks: Check,
  commentOnPullRequests: Check = receiveWebhooks,
) =>
  capabilityRows(
    {
      'list-repositories': listRepositories,
      'read-members': readMembers,
      'comment-on-pull-requests': commentOnPullRequests,
      'receive-webhooks': receiveWebhooks,
    },
    notOffered,
  );

/**
 * "Test connection" for Bitbucket Cloud: never rejects for an SCM problem. Bitbucket does not tell an access
 * token's expiry, so the report has no expiry line; scopes appear when Bitbucket names them.
 */
export async function testBitbucketCloudConnection(
  context: BitbucketContext,
  pullRequests: BitbucketPullRequestClient,
): Promise<TestReport> {
  const now = context.now();
  try {
    return buildTestReport(await inspect(context, pullRequests), now);
  } catch (error) {
    if (!isScmError(error)) throw error;
    const skipped = notChecked('Bitbucket did not answer');
    return buildTestReport(
      {
        reachable: failed(error, 'Check that Bitbucket Cloud is reachable from this server.'),
        scopes: undefined,
        target: skipped,
        capabilities: rows(skipped, skipped, skipped),
      },
      now,
    );
  }
}

const transport = (error: unknown) =>
  !isScmError(error) || !['auth', 'forbidden', 'not-found', 'invalid'].includes(error.kind);

async function inspect(context: BitbucketContext, pullRequests: BitbucketPullRequestClient) {
  const reachable: Check = { status: 'ok', message: 'Bitbucket Cloud answered.' };
  let workspace: BitbucketWorkspace;
  let granted: string[] | undefined;
  try {
    ({ workspace, granted } = await resolveWorkspace(context));
  } catch (error) {
    if (transport(error)) throw error;
    const skipped = notChecked('the workspace is not usable');
    return {
      reachable,
      scopes: undefined,
      target: failed(error as ScmError, 'Check the workspace slug.'),
      capabilities: rows(skipped, skipped, skipped),
    };
  }
  const target: Check = { status: 'ok', message: `Workspace \`${workspace.slug}\` is visible to the token.` };
  let identity: ScmIdentity | undefined;
  try {
    identity = await findIdentity(context, workspace);
  } catch (error) {
    // The report then has no identity; every other line still tells what the token may do.
    if (transport(error)) throw error;
  }

  let listRepositories: Check;
  let commentOnPullRequests: Check = notChecked('the repositories are not readable');
  try {
    const found = await checkRepositoryAccess(context, workspace);
    listRepositories = {
      status: 'ok',
      message:
        found.size === undefined
          ? `Repositories of \`${workspace.slug}\` are readable.`
          : `${found.size} repositor${found.size === 1 ? 'y' : 'ies'} of \`${workspace.slug}\` are readable.`,
    };
    commentOnPullRequests = await commentOnPullRequestsRow(context, pullRequests, workspace);
  } catch (error) {
    if (transport(error)) throw error;
    listRepositories = failed(error as ScmError);
  }

  const members =
    context.credential === 'api-token'
      ? await context.client.probePermissions(workspace.uuid)
      : await context.client.probeMembers(workspace.uuid);
  granted ??= grantedScopes(members);
  const scopes: ScopeReport | undefined =
    granted === undefined ? undefined : scopeReport(context.credential, granted);
  return {
    reachable,
    ...(identity ? { identity } : {}),
    scopes,
    target,
    capabilities: rows(
      listRepositories,
      readMembersRow(context, workspace, members),
      withPullRequestEvents(await receiveWebhooksRow(context, workspace), commentOnPullRequests),
      commentOnPullRequests,
    ),
  };
}

/**
 * The hook subscribes to pull request events, which Bitbucket lets a token subscribe to only with the
 * `pullrequest` scope: a token that cannot read pull requests cannot register the hook either.
 */
function withPullRequestEvents(receiveWebhooks: Check, commentOnPullRequests: Check): Check {
  if (receiveWebhooks.status !== 'ok' || commentOnPullRequests.code !== 'insufficient_scopes')
    return receiveWebhooks;
  return {
    status: 'warn',
    code: 'insufficient_scopes',
    message:
      "The token cannot subscribe scm-connect's hook to pull request events: Bitbucket requires the scope of each event.",
    ...(commentOnPullRequests.fix ? { fix: commentOnPullRequests.fix } : {}),
  };
}

/** Bitbucket does not manage org membership here, so a token that cannot read members only warns. */
function readMembersRow(
  context: BitbucketContext,
  workspace: BitbucketWorkspace,
  members: BitbucketAnswer<BitbucketProbe>,
): Check {
  if (members.ok) return { status: 'ok', message: `Members of \`${workspace.slug}\` are readable.` };
  if (members.status === 401 && context.credential === 'access-token') {
    return {
      status: 'skipped',
      message: `Not offered for this credential: ${membersNotOffered(workspace.slug).message}`,
      fix: membersNotOfferedFix,
    };
  }
  const lacking = scopeRefusalOf(members).required ?? [memberScope[context.credential]];
  const scopes = lacking.map((scope) => `\`${scope}\``).join(', ');
  return {
    status: 'warn',
    message: `The token cannot read the members of \`${workspace.slug}\` (${members.status}).`,
    fix:
      context.credential === 'access-token'
        ? `To read members, create a workspace access token that also has ${scopes}.`
        : `To read members, create an API token that also has ${scopes}.`,
  };
}
