import { isScmError } from '../errors.js';
import {
  assessTokenExpiry,
  buildTestReport,
  capabilityRows,
  failedRow as failed,
  notCheckedRow,
  notOfferedRow,
  type Check,
  type ScmIdentity,
  type ScopeReport,
  type TestReport,
  type TokenExpiry,
} from '../test-report.js';
import type { GitLabProbe } from './client.js';
import {
  describeToken,
  expiryInstant,
  findIdentity,
  resolveGroup,
  scopeReport,
  type GitLabContext,
} from './connection-checks.js';
import { writeCiRow } from './ci-check.js';
import { commentRow } from './comments-check.js';
import { receiveWebhooksRow } from './hooks-check.js';
import type { GitLabGroup } from './schemas.js';

const notOffered = notOfferedRow('GitLab');
const rows = (
  listRepositories: Check,
  readMembers: Check,
  receiveWebhooks: Check = readMembers,
  commentOnPullRequests: Check = readMembers,
  writeCiFiles: Check = readMembers,
) =>
  capabilityRows(
    {
      'list-repositories': listRepositories,
      'read-members': readMembers,
      'comment-on-pull-requests': commentOnPullRequests,
      'receive-webhooks': receiveWebhooks,
      'write-ci-files': writeCiFiles,
    },
    notOffered,
  );
const notChecked = (why: string) => notCheckedRow(`${why}.`);

/**
 * "Test connection" for GitLab: never rejects for an SCM problem, reports each finding as a line instead
 * (reachable, identity, version, scopes, expiry, group, and one row per capability).
 */
export async function testGitLabConnection(context: GitLabContext): Promise<TestReport> {
  const now = context.now();
  try {
    return buildTestReport(await inspect(context, now), now);
  } catch (error) {
    if (!isScmError(error)) throw error;
    const skipped = notChecked(`${context.host} did not answer`);
    return buildTestReport(
      {
        reachable: failed(error, 'Check that the URL points at GitLab and that it is up.'),
        scopes: undefined,
        target: skipped,
        capabilities: rows(skipped, skipped),
      },
      now,
    );
  }
}

async function inspect(context: GitLabContext, now: Date) {
  const { client } = context;
  const reachable: Check = { status: 'ok', message: `GitLab answered at ${context.host}.` };
  let scopes: ScopeReport | undefined;
  let tokenExpiry: TokenExpiry | undefined;
  try {
    const finding = await describeToken(client);
    if (finding.state === 'described') {
      scopes = scopeReport(finding.token.scopes);
      const expiresAt = finding.token.expires_at ? expiryInstant(finding.token.expires_at) : null;
      tokenExpiry = assessTokenExpiry(expiresAt, now);
    }
  } catch (error) {
    if (!isScmError(error) || error.kind !== 'auth') throw error;
    const refused = notChecked('GitLab refused the token');
    return {
      reachable,
      scopes,
      target: failed(error, 'Create a new token with the `api` scope.'),
      capabilities: rows(refused, refused),
    };
  }

  let identity: ScmIdentity | undefined;
  try {
    identity = await findIdentity(client);
  } catch (error) {
    if (!isScmError(error) || (error.kind !== 'forbidden' && error.kind !== 'auth')) throw error;
  }
  let serverVersion: string | undefined;
  if (context.kind === 'gitlab-self-managed') serverVersion = await client.version().catch(() => undefined);

  let group: GitLabGroup;
  try {
    group = await resolveGroup(context, identity?.login);
  } catch (error) {
    if (!isScmError(error) || error.kind === 'unavailable' || error.kind === 'tls') throw error;
    const skipped = notChecked('the group is not usable');
    return {
      reachable,
      ...(identity ? { identity } : {}),
      ...(serverVersion ? { serverVersion } : {}),
      scopes,
      ...(tokenExpiry ? { tokenExpiry } : {}),
      target: failed(error, 'Check the group path.'),
      capabilities: rows(skipped, skipped),
    };
  }

  const target: Check = { status: 'ok', message: `Group \`${group.full_path}\` is visible to the token.` };
  const listRepositories = await probe(
    () => client.probeProjects(group.id),
    (found) =>
      found.total === undefined
        ? `Projects of \`${group.full_path}\` and its subgroups are readable.`
        : `${found.total} project${found.total === 1 ? '' : 's'} of \`${group.full_path}\` and its subgroups are readable.`,
  );
  const readMembers = await probe(
    () => client.probeMembers(group.id),
    () => `Members of \`${group.full_path}\` and their roles are readable.`,
  );
  let receiveWebhooks: Check;
  try {
    receiveWebhooks = await receiveWebhooksRow(context, group, scopes);
  } catch (error) {
    if (!isScmError(error)) throw error;
    receiveWebhooks = failed(error, 'Test the connection again; if it persists, check the group in GitLab.');
  }
  return {
    reachable,
    ...(identity ? { identity } : {}),
    ...(serverVersion ? { serverVersion } : {}),
    scopes,
    ...(tokenExpiry ? { tokenExpiry } : {}),
    target,
    capabilities: rows(
      listRepositories,
      readMembers,
      receiveWebhooks,
      commentRow(scopes, identity),
      writeCiRow(scopes, identity),
    ),
  };
}

async function probe(
  run: () => Promise<GitLabProbe>,
  describe: (found: GitLabProbe) => string,
): Promise<Check> {
  try {
    return { status: 'ok', message: describe(await run()) };
  } catch (error) {
    if (!isScmError(error)) throw error;
    return failed(
      error,
      'Give the token the `api` scope and the user at least the Reporter role in the group.',
    );
  }
}
