import { mapBounded } from '../bitbucket-data-center/bounded-map.js';
import {
  buildTestReport,
  capabilityIds,
  capabilityRows,
  failedRow,
  missingScopes,
  notCheckedRow,
  type CapabilityId,
  type Check,
  type CheckStatus,
  type ScopeReport,
  type TestReport,
  type TestReportInput,
} from '../test-report.js';
import type { GitHubAppClients } from './app-clients.js';
import { appNotInstalled } from './enterprise-dispatch.js';
import { listPermissions, neededPermissions } from './permissions.js';
import type { GitHubContext } from './provider-context.js';
import {
  checkGitHubApp,
  inspectGitHubConnection,
  type GitHubConnectionInspection,
} from './test-connection.js';

/*
 * "Test connection" for an Enterprise Server connection: each installation is inspected as the single provider
 * does (`test-connection.ts`), and the findings are merged into one report for the connection.
 */

/** Installations inspected at once; each inspection is about six calls. */
const inspectionConcurrency = 4;

/** One installation's findings, with the account they are about. */
interface Finding {
  readonly login: string;
  readonly inspection: GitHubConnectionInspection;
}

/**
 * One report for the connection. `reachable`: the instance answered and accepted the app's key, with its version.
 * `target`: every installation with its state, failing only when none is usable, warning when some are not (or
 * lack permissions). Capability rows: over the usable installations, the worst status wins and names the
 * organization it concerns. `scopes`: what every usable installation was granted against what scm-connect needs,
 * so `missing` is the union of what each lacks. With no installation: the app is registered, not installed, with
 * the install link. Never rejects for a GitHub problem.
 */
export async function testGitHubEnterpriseConnection(
  clients: GitHubAppClients,
  installations: readonly GitHubContext[],
  now: () => Date,
): Promise<TestReport> {
  const checkedAt = now();
  const [owner, ...others] = installations;
  if (!owner) return buildTestReport(await notInstalledInput(clients), checkedAt);
  // GET /app, GET /app/installations/{id} and the rows' calls (test-connection.ts), the owner's first
  const first = await inspectGitHubConnection(owner);
  // GitHub did not answer, or refused the app's key: nothing differs from one installation to the next.
  if (first.app === undefined) return buildTestReport(first.input, checkedAt);
  const findings: Finding[] = [{ login: loginOf(owner, first), inspection: first }];
  const rest = mapBounded(iterate(others), inspectionConcurrency, async (context) => ({
    context,
    inspection: await inspectGitHubConnection(context),
  }));
  for await (const { context, inspection } of rest) {
    if (inspection.app === undefined) return buildTestReport(inspection.input, checkedAt);
    findings.push({ login: loginOf(context, inspection), inspection });
  }
  return buildTestReport(merge(findings, first.input), checkedAt);
}

async function* iterate<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

/** The account's login as GitHub answered (a renamed organization shows its new name), else as linked. */
const loginOf = (context: GitHubContext, inspection: GitHubConnectionInspection): string =>
  inspection.installation?.account.login ?? context.installation.account.login;

/** The app answered, and no organization has installed it yet. */
async function notInstalledInput(clients: GitHubAppClients): Promise<TestReportInput> {
  // GET /app (JWT)
  const checked = await checkGitHubApp(clients);
  if (!checked.ok) return checked.input;
  const version = checked.app.serverVersion;
  return {
    reachable: withVersion(checked.reachable, version),
    ...(version === undefined ? {} : { serverVersion: version }),
    scopes: undefined,
    target: failedRow(appNotInstalled(clients)),
    capabilities: capabilityRows({}, notCheckedRow('the app is not installed on any organization yet.')),
  };
}

const withVersion = (reachable: Check, version: string | undefined): Check =>
  version === undefined || reachable.status !== 'ok'
    ? reachable
    : { ...reachable, message: `${stop(reachable.message)} (GitHub Enterprise Server ${version}).` };

/** A sentence without its final period, to append to. */
const stop = (text: string): string => text.replace(/\.$/, '');

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function merge(findings: readonly Finding[], owner: TestReportInput): TestReportInput {
  const usable = findings.filter(({ inspection }) => inspection.installation !== undefined);
  const serverVersion = findings.find(({ inspection }) => inspection.input.serverVersion)?.inspection.input
    .serverVersion;
  const identity = usable.find(({ inspection }) => inspection.input.identity)?.inspection.input.identity;
  const target = targetLine(findings, usable.length);
  const blocked: Check = {
    status: 'fail',
    ...(target.code === undefined ? {} : { code: target.code }),
    message: 'Not checked: no installation of the app is usable.',
    fix: 'Fix the installations named above first.',
  };
  const unusable = findings.filter(({ inspection }) => inspection.installation === undefined);
  const unchecked =
    unusable.length === 0 ? '' : ` Not checked on ${names(unusable.map(({ login }) => login))}.`;
  const merged = (id: CapabilityId): Check => {
    const row = mergeRows(id, usable);
    return { ...row, message: `${row.message}${unchecked}` };
  };
  const capabilities = Object.fromEntries(
    capabilityIds.map((id) => [id, usable.length === 0 ? blocked : merged(id)]),
  ) as Record<CapabilityId, Check>;
  return {
    reachable: withVersion(owner.reachable, serverVersion),
    ...(identity === undefined ? {} : { identity }),
    ...(serverVersion === undefined ? {} : { serverVersion }),
    scopes: mergeScopes(usable),
    target,
    capabilities,
  };
}

/** What every usable installation was granted, against what scm-connect needs. */
function mergeScopes(usable: readonly Finding[]): ScopeReport | undefined {
  const reports = usable.flatMap(({ inspection }) => inspection.input.scopes ?? []);
  const [first, ...rest] = reports;
  if (!first) return undefined;
  const granted = first.granted.filter((permission) =>
    rest.every((report) => report.granted.includes(permission)),
  );
  return { granted, needed: [...neededPermissions], missing: missingScopes(granted, neededPermissions) };
}

const stateWords: Readonly<Record<string, string>> = {
  installation_suspended: 'suspended',
  installation_not_found: 'no longer installed',
  installation_moved: 'moved to another account',
};

/** "`acme` (all repositories)", "`labs` (suspended)", and the line's fix when the installation needs one. */
function describe({ login, inspection }: Finding): { label: string; problem?: Check } {
  const { installation, input } = inspection;
  if (installation === undefined) {
    const state = stateWords[input.target.code ?? ''] ?? 'could not be checked';
    return { label: `\`${login}\` (${state})`, problem: input.target };
  }
  const selection = installation.repositorySelection === 'all' ? 'all repositories' : 'selected repositories';
  const missing = input.scopes?.missing ?? [];
  if (missing.length === 0) return { label: `\`${login}\` (${selection})` };
  return {
    label: `\`${login}\` (${selection}, without ${listPermissions(missing)})`,
    problem: input.target,
  };
}

function targetLine(findings: readonly Finding[], usable: number): Check {
  const described = findings.map(describe);
  const labels = described.map(({ label }) => label).join(', ');
  const problems = described.flatMap(({ problem }) => (problem ? [problem] : []));
  const installed = `The app is installed on ${plural(findings.length, 'organization', 'organizations')}`;
  if (problems.length === 0) return { status: 'ok', message: `${installed}: ${labels}.` };
  const fixes = [...new Set(problems.flatMap(({ fix }) => (fix ? [fix] : [])))];
  const fix = fixes.length > 0 ? fixes.join(' ') : 'Check the installations of the app, then test again.';
  if (usable === 0) {
    return {
      status: 'fail',
      ...(problems[0]?.code === undefined ? {} : { code: problems[0].code }),
      message: `${installed}, and none of them is usable: ${labels}.`,
      fix,
    };
  }
  const attention =
    problems.length === 1 ? '1 of them needs attention' : `${problems.length} of them need attention`;
  return { status: 'warn', message: `${installed}, ${attention}: ${labels}.`, fix };
}

const rank: Readonly<Record<CheckStatus, number>> = { skipped: 0, ok: 1, warn: 2, fail: 3 };

/** Names `login` after a sentence that does not already name it. */
const naming = (text: string, login: string): string =>
  text.toLowerCase().includes(`\`${login.toLowerCase()}\``) ||
  text.toLowerCase().includes(`/${login.toLowerCase()}/`)
    ? text
    : `${stop(text)} (on \`${login}\`).`;

const names = (logins: readonly string[]) => logins.map((login) => `\`${login}\``).join(', ');

/** Rows shown in full when every installation is fine; the rest are named only. */
const shownInFull = 3;

/**
 * One capability over the usable installations: the worst status wins, with the message and fix of the first
 * installation that has it (naming its organization) and the other organizations in the same state named.
 */
function mergeRows(id: CapabilityId, usable: readonly Finding[]): Check {
  const rows = usable.map(({ login, inspection }) => ({ login, row: inspection.input.capabilities[id] }));
  const worst = Math.max(...rows.map(({ row }) => rank[row.status]));
  const worstRows = rows.filter(({ row }) => rank[row.status] === worst);
  const [primary, ...others] = worstRows;
  if (!primary) return notCheckedRow('no installation of the app is usable.');
  if (primary.row.status === 'warn' || primary.row.status === 'fail') {
    const also = others.length === 0 ? '' : ` Also on ${names(others.map(({ login }) => login))}.`;
    return {
      status: primary.row.status,
      ...(primary.row.code === undefined ? {} : { code: primary.row.code }),
      message: `${naming(primary.row.message, primary.login)}${also}`,
      ...(primary.row.fix === undefined ? {} : { fix: naming(primary.row.fix, primary.login) }),
    };
  }
  if (rows.every(({ row }) => row.message === primary.row.message)) {
    return { status: primary.row.status, message: primary.row.message };
  }
  const full = rows.slice(0, shownInFull).map(({ login, row }) => naming(row.message, login));
  const more = rows.slice(shownInFull).map(({ login }) => login);
  const likewise = more.length === 0 ? '' : ` Likewise on ${names(more)}.`;
  return { status: primary.row.status, message: `${full.join(' ')}${likewise}` };
}
