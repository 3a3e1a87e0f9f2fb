import { isScmError, type ScmError } from '../errors.js';
import {
  blockedRow,
  buildTestReport,
  capabilityRows,
  failedRow,
  notCheckedRow,
  type Check,
  type ScmIdentity,
  type TestReport,
  type TestReportInput,
} from '../test-report.js';
import type { GitHubAppClients } from './app-clients.js';
import { readApp, type GitHubAppInfo } from './app-info.js';
import {
  commentRow,
  listRepositoriesRow,
  readMembersRow,
  receiveWebhooksRow,
  writeCiRow,
} from './capability-checks.js';
import type { GitHubInstallationDetails } from './installation-checks.js';
import { inspectInstallation } from './installation-status.js';
import { listPermissions, permissionFix, permissionReport } from './permissions.js';
import type { GitHubContext } from './provider-context.js';

/** Kinds of failure that mean GitHub was not reached at all (as opposed to reached and refusing). */
const unreached = new Set<ScmError['kind']>([
  'unavailable',
  'blocked-address',
  'tls',
  'timeout',
  'too-large',
]);

const keyFix =
  "Generate a new private key in the GitHub App's settings (Developer settings > GitHub Apps) and update the app in scm-connect.";

/** What "Test connection" found for one installation: the report's lines, and what GitHub answered on the way. */
export interface GitHubConnectionInspection {
  readonly input: TestReportInput;
  /** Absent when GitHub did not answer or refused the app's key: nothing of the installation was checked. */
  readonly app?: GitHubAppInfo;
  /** Absent when the installation is gone, suspended, on another account, or GitHub stopped answering. */
  readonly installation?: GitHubInstallationDetails;
}

/**
 * "Test connection" for a GitHub App installation. Never rejects for a GitHub problem: the app's credentials
 * (`GET /app` with the JWT), the installation (`GET /app/installations/{id}`: still installed, not suspended),
 * its permissions against those scm-connect needs, the app's bot identity, the Enterprise Server version, and
 * one row per capability.
 *
 * The "Receive webhooks" row tells what the app's JWT can read (the webhook URL and the events the installation
 * sends); the last delivery scm-connect received is not visible to the provider, and the caller that holds the
 * delivery log adds it.
 */
export async function testGitHubConnection(context: GitHubContext): Promise<TestReport> {
  const now = context.now();
  return buildTestReport((await inspectGitHubConnection(context)).input, now);
}

/** The checks of {@link testGitHubConnection}, before they are assembled into a report. */
export async function inspectGitHubConnection(context: GitHubContext): Promise<GitHubConnectionInspection> {
  try {
    return await inspect(context);
  } catch (error) {
    if (!isScmError(error)) throw error;
    return { input: unreachedInput(context.clients, error) };
  }
}

/** The lines of a report when GitHub did not answer: that failure, and nothing else checked. */
function unreachedInput(clients: GitHubAppClients, error: ScmError): TestReportInput {
  const skipped = notCheckedRow(`${clients.credentials.apiUrl.host} did not answer.`);
  return {
    reachable: failedRow(error, 'Check that GitHub is reachable from scm-connect, then test again.'),
    scopes: undefined,
    target: skipped,
    capabilities: capabilityRows({}, skipped),
  };
}

export type GitHubAppCheck =
  | { readonly ok: true; readonly app: GitHubAppInfo; readonly reachable: Check }
  | { readonly ok: false; readonly input: TestReportInput };

/**
 * The app's key, checked with `GET /app` (JWT): the "reachable" line and the app, or the lines of a report that
 * stops there (GitHub did not answer, or refused the key).
 */
export async function checkGitHubApp(clients: GitHubAppClients): Promise<GitHubAppCheck> {
  const host = clients.credentials.apiUrl.host;
  try {
    const app = await readApp(clients.app());
    return {
      ok: true,
      app,
      reachable: { status: 'ok', message: `GitHub answered at ${host} and accepted the app's key.` },
    };
  } catch (error) {
    if (!isScmError(error)) throw error;
    if (unreached.has(error.kind)) return { ok: false, input: unreachedInput(clients, error) };
    const answered: Check = { status: 'ok', message: `GitHub answered at ${host}.` };
    return { ok: false, input: refused(answered, failedRow(error, keyFix), error) };
  }
}

async function inspect(context: GitHubContext): Promise<GitHubConnectionInspection> {
  const checked = await checkGitHubApp(context.clients);
  if (!checked.ok) return { input: checked.input };
  const { app, reachable } = checked;
  const version = app.serverVersion === undefined ? {} : { serverVersion: app.serverVersion };

  const found = await inspectInstallation(context).catch((error: unknown) => {
    if (!isScmError(error) || unreached.has(error.kind)) throw error;
    return { ok: false, error } as const;
  });
  if (!found.ok)
    return { app, input: { ...refused(reachable, failedRow(found.error), found.error), ...version } };
  const installation = found.details;
  const scopes = permissionReport(installation.permissions);
  const { account } = installation;
  const scope = installation.repositorySelection === 'all' ? 'all repositories' : 'selected repositories';
  const installed = `The app is installed on ${account.type === 'Organization' ? 'organization' : 'user'} \`${account.login}\` (${scope})`;
  const target: Check =
    scopes.missing.length === 0
      ? { status: 'ok', message: `${installed}.` }
      : {
          status: 'fail',
          code: 'insufficient_permissions',
          message: `${installed}, without ${listPermissions(scopes.missing)}.`,
          fix: permissionFix(context, scopes.missing, app),
        };

  let identity: ScmIdentity;
  try {
    identity = await context.botIdentity();
  } catch (error) {
    if (!isScmError(error) || unreached.has(error.kind)) throw error;
    const blocked = blockedRow(error);
    const input = { reachable, ...version, scopes, target, capabilities: capabilityRows({}, blocked) };
    return { app, installation, input };
  }
  const inputs = { context, app, installation, scopes, identity };
  const [listRepositories, readMembers, receiveWebhooks] = await Promise.all([
    listRepositoriesRow(inputs),
    readMembersRow(inputs),
    receiveWebhooksRow(inputs),
  ]);
  return {
    app,
    installation,
    input: {
      reachable,
      identity,
      ...version,
      scopes,
      target,
      capabilities: {
        'list-repositories': listRepositories,
        'read-members': readMembers,
        'comment-on-pull-requests': commentRow(inputs),
        'receive-webhooks': receiveWebhooks,
        'write-ci-files': writeCiRow(inputs),
      },
    },
  };
}

/** A report whose target failed: every capability is blocked by the same error. */
function refused(reachable: Check, target: Check, error: ScmError): TestReportInput {
  return { reachable, scopes: undefined, target, capabilities: capabilityRows({}, blockedRow(error)) };
}
