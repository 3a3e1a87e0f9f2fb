import { isScmError, type ScmError } from '../errors.js';
import {
  buildTestReport,
  capabilityRows,
  failedRow as failed,
  notCheckedRow,
  notOfferedRow,
  type Check,
  type ScopeReport,
  type TestReport,
} from '../test-report.js';
import {
  checkRepositoryAccess,
  findIdentity,
  grantedScopes,
  memberScope,
  resolveWorkspace,
  scopeReport,
  type BitbucketContext,
} from './connection-checks.js';
import type { BitbucketWorkspace } from './schemas.js';

const notOffered = notOfferedRow('Bitbucket Cloud');
const notChecked = (why: string) => notCheckedRow(`${why}.`);
const rows = (listRepositories: Check, readMembers: Check) =>
  capabilityRows({ 'list-repositories': listRepositories, 'read-members': readMembers }, notOffered);

/**
 * "Test connection" for Bitbucket Cloud: never rejects for an SCM problem. Bitbucket does not tell an access
 * token's expiry, so the report has no expiry line; scopes appear when Bitbucket names them.
 */
export async function testBitbucketCloudConnection(context: BitbucketContext): Promise<TestReport> {
  const now = context.now();
  try {
    return buildTestReport(await inspect(context), now);
  } catch (error) {
    if (!isScmError(error)) throw error;
    const skipped = notChecked('Bitbucket did not answer');
    return buildTestReport(
      {
        reachable: failed(error, 'Check that Bitbucket Cloud is reachable from this server.'),
        scopes: undefined,
        target: skipped,
        capabilities: rows(skipped, skipped),
      },
      now,
    );
  }
}

const transport = (error: unknown) =>
  !isScmError(error) || !['auth', 'forbidden', 'not-found', 'invalid'].includes(error.kind);

async function inspect(context: BitbucketContext) {
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
      capabilities: rows(skipped, skipped),
    };
  }
  const target: Check = { status: 'ok', message: `Workspace \`${workspace.slug}\` is visible to the token.` };
  const identity = await findIdentity(context, workspace);

  let listRepositories: Check;
  try {
    const found = await checkRepositoryAccess(context, workspace);
    listRepositories = {
      status: 'ok',
      message:
        found.size === undefined
          ? `Repositories of \`${workspace.slug}\` are readable.`
          : `${found.size} repositor${found.size === 1 ? 'y' : 'ies'} of \`${workspace.slug}\` are readable.`,
    };
  } catch (error) {
    if (transport(error)) throw error;
    listRepositories = failed(error as ScmError, 'Give the token the `repository` scope.');
  }

  const members = await context.client.probeMembers(workspace.uuid);
  granted ??= grantedScopes(members);
  const readMembers: Check = members.ok
    ? { status: 'ok', message: `Members of \`${workspace.slug}\` are readable.` }
    : {
        // Bitbucket does not manage org membership here, so this is a warning, not a failure.
        status: 'warn',
        message: `The token cannot read the members of \`${workspace.slug}\` (${members.status}).`,
        fix: `Add the \`${memberScope[context.credential]}\` scope to the token to read members.`,
      };
  const scopes: ScopeReport | undefined =
    granted === undefined ? undefined : scopeReport(context.credential, granted);
  return { reachable, identity, scopes, target, capabilities: rows(listRepositories, readMembers) };
}
