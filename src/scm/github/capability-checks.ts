import { isScmError } from '../errors.js';
import { failedRow, type Check, type ScmIdentity, type ScopeReport } from '../test-report.js';
import { neededAppEvents } from './app-credentials.js';
import { readHookConfig, type GitHubAppInfo } from './app-info.js';
import type { GitHubInstallationDetails } from './installation-checks.js';
import { appSettingsUrl, listPermissions, permissionFix } from './permissions.js';
import { installationSettingsUrl, onInstallation, type GitHubContext } from './provider-context.js';
import { parseGitHub, repositoryCountSchema } from './schemas.js';

/*
 * The capability rows of a GitHub connection report. Writes are judged from the installation's permissions
 * (trying one would post on someone's pull request); reads are tried with one item.
 */

/** What the rows are judged from: the app, its installation, the bot identity. */
export interface RowInputs {
  readonly context: GitHubContext;
  readonly app: GitHubAppInfo;
  readonly installation: GitHubInstallationDetails;
  readonly scopes: ScopeReport;
  readonly identity: ScmIdentity;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Fails with the fix for permissions the capability needs and the installation lacks; undefined when none. */
function lacking(inputs: RowInputs, needed: readonly string[], what: string): Check | undefined {
  const granted = new Set(inputs.scopes.granted);
  const missing = needed.filter((permission) => !granted.has(permission));
  if (missing.length === 0) return undefined;
  return {
    status: 'fail',
    code: 'insufficient_permissions',
    message: `The installation lacks ${listPermissions(missing)}, needed to ${what}.`,
    fix: permissionFix(inputs.context, missing, inputs.app),
  };
}

async function tried(run: () => Promise<Check>, fallbackFix: string): Promise<Check> {
  try {
    return await run();
  } catch (error) {
    if (!isScmError(error)) throw error;
    return failedRow(error, fallbackFix);
  }
}

/** `GET /installation/repositories?per_page=1`: how many repositories the installation may read. */
export function listRepositoriesRow(inputs: RowInputs): Promise<Check> {
  const { context, installation } = inputs;
  return tried(
    async () => {
      // GET /installation/repositories?per_page=1
      const answer = await onInstallation(context, "count the installation's repositories", () =>
        context.octokit().request('GET /installation/repositories', { per_page: 1 }),
      );
      const { total_count: total } = parseGitHub(repositoryCountSchema, answer.data, 'repository list');
      const login = installation.account.login;
      if (installation.repositorySelection === 'selected' && total === 0) {
        return {
          status: 'warn',
          message: `The app is installed on \`${login}\` for selected repositories, and none is selected.`,
          fix: `Select the repositories to scan at ${installationSettingsUrl(context)}.`,
        };
      }
      const scope = installation.repositorySelection === 'all' ? 'all repositories' : 'selected repositories';
      return {
        status: 'ok',
        message: `${plural(total, 'repository', 'repositories')} of \`${login}\` ${total === 1 ? 'is' : 'are'} readable (${scope}).`,
      };
    },
    `Check the repository access of the installation at ${installationSettingsUrl(context)}.`,
  );
}

/** `GET /orgs/{org}/members?per_page=1`, once the organization permission `members: read` is granted. */
export function readMembersRow(inputs: RowInputs): Promise<Check> {
  const { context, installation } = inputs;
  const login = installation.account.login;
  if (installation.account.type === 'User') {
    return Promise.resolve({
      status: 'ok',
      message: `\`${login}\` is a personal account: its owner is its one member, as admin.`,
    });
  }
  const missing = lacking(inputs, ['members:read'], 'read the organization members');
  if (missing) return Promise.resolve(missing);
  return tried(
    async () => {
      // GET /orgs/{org}/members?per_page=1
      await onInstallation(context, 'list the organization members', () =>
        context.octokit().request('GET /orgs/{org}/members', { org: login, per_page: 1 }),
      );
      return { status: 'ok', message: `Members of \`${login}\` and their roles are readable.` };
    },
    permissionFix(context, ['members:read'], inputs.app),
  );
}

export function commentRow(inputs: RowInputs): Check {
  return (
    lacking(
      inputs,
      ['pull_requests:write', 'checks:write'],
      'comment on pull requests and report their status',
    ) ?? {
      status: 'ok',
      message: `Summary and inline comments on pull requests are posted as \`${inputs.identity.login}\`.`,
    }
  );
}

export function writeCiRow(inputs: RowInputs): Check {
  const needed = ['contents:write', 'workflows:write', 'pull_requests:write', 'secrets:write'];
  return (
    lacking(inputs, needed, 'propose workflow files through pull requests and store their secret') ?? {
      status: 'ok',
      message: 'Workflow files can be proposed on a branch, with a pull request, and their secret stored.',
    }
  );
}

/**
 * The app's one webhook, as far as its JWT can read it: where GitHub delivers (`GET /app/hook/config`) and which
 * events the installation sends. Whether deliveries arrive is not visible from here: the caller that keeps
 * scm-connect's delivery log adds the last delivery.
 */
export function receiveWebhooksRow(inputs: RowInputs): Promise<Check> {
  const { context, app, installation } = inputs;
  const settings = appSettingsUrl(context, app.owner);
  return tried(async () => {
    const hook = await readHookConfig(context.clients.app());
    if (hook.url === undefined) {
      return {
        status: 'warn',
        message:
          'The GitHub App has no webhook URL, so GitHub delivers no events; changes show at the next sync.',
        fix: `Set the webhook URL to scm-connect's GitHub webhook address at ${settings}.`,
      };
    }
    if (hook.contentType !== undefined && hook.contentType !== 'json') {
      return {
        status: 'warn',
        message: `The GitHub App delivers its webhook as \`${hook.contentType.slice(0, 40)}\`; scm-connect reads JSON.`,
        fix: `Set the webhook content type to \`application/json\` at ${settings}.`,
      };
    }
    if (hook.insecureSsl) {
      return {
        status: 'warn',
        message: 'The GitHub App delivers its webhook without verifying the receiver certificate.',
        fix: `Turn SSL verification on for the webhook at ${settings}.`,
      };
    }
    const subscribed = new Set(installation.events);
    const missing = neededAppEvents.filter((event) => !subscribed.has(event));
    if (missing.length > 0) {
      const requested = new Set(app.events ?? []);
      const notRequested = missing.filter((event) => !requested.has(event));
      const names = missing.map((event) => `\`${event}\``).join(', ');
      return {
        status: 'warn',
        message: `The installation does not send ${names} events; those changes show at the next sync.`,
        fix:
          notRequested.length > 0
            ? `Subscribe the app to ${notRequested.map((e) => `\`${e}\``).join(', ')} at ${settings}, then accept the change at ${installationSettingsUrl(context)}.`
            : `Accept the app's new events at ${installationSettingsUrl(context)}.`,
      };
    }
    return {
      status: 'ok',
      message: `GitHub delivers the app's events to ${hook.url.slice(0, 300)}; whether they arrive shows in the connection's last delivery.`,
    };
  }, `Check the app's webhook at ${settings}.`).then((row) =>
    // Not being able to read the configuration says nothing against the deliveries themselves.
    row.status === 'fail' ? { ...row, status: 'warn' } : row,
  );
}
