import type { ScmError } from './errors.js';

/*
 * The connection report: its types, how a report is assembled and judged, and the rows adapters share.
 */

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skipped';

/** One line of a connection report. */
export interface Check {
  readonly status: CheckStatus;
  /** What was found, for the admin ("Group `acme` is visible to the token"). */
  readonly message: string;
  /** What to do about a `warn` or `fail` ("Create a token with the `api` scope"); required for `fail`. */
  readonly fix?: string;
  /** For a `fail` that an SCM error caused: its machine-readable code (`invalid_credentials`, …). */
  readonly code?: string;
}

/** The capabilities a connection report always lists, in this order. */
export const capabilityIds = [
  'list-repositories',
  'read-members',
  'comment-on-pull-requests',
  'receive-webhooks',
  'write-ci-files',
] as const;

export type CapabilityId = (typeof capabilityIds)[number];

export const capabilityLabels: Readonly<Record<CapabilityId, string>> = {
  'list-repositories': 'List repositories',
  'read-members': 'Read members',
  'comment-on-pull-requests': 'Comment on pull requests',
  'receive-webhooks': 'Receive webhooks',
  'write-ci-files': 'Write CI files',
};

/** One row per capability: `skipped` when the kind does not offer it, `fail` (with a fix) when the token lacks it. */
export interface CapabilityCheck extends Check {
  readonly id: CapabilityId;
  readonly label: string;
}

/** The account a token or app acts as. `id` is the SCM's immutable id, never the login. */
export interface ScmIdentity {
  readonly id: string;
  readonly login: string;
  readonly name?: string;
}

/** Scopes (or app permissions, written `name:level`) the token has against those the connection needs. */
export interface ScopeReport {
  readonly granted: readonly string[];
  readonly needed: readonly string[];
  /** `needed` minus `granted`. */
  readonly missing: readonly string[];
}

export interface TokenExpiry {
  /**
   * ISO 8601; `null` when the token never expires; absent when the SCM does not tell (the line is then
   * `skipped`, `warning` says so and `fix` where to see the expiry).
   */
  readonly expiresAt?: string | null;
  /** Whole days until expiry, 0 once expired; absent when it never expires. */
  readonly daysLeft?: number;
  /** `warn` under the warning window, `fail` once expired. */
  readonly status: CheckStatus;
  readonly warning?: string;
  readonly fix?: string;
}

/** The answer to "Test connection": a report the UI renders line by line, never a bare boolean. */
export interface TestReport {
  /** No line failed: every capability the kind offers works with this token. */
  readonly ok: boolean;
  /** The worst line: `fail` beats `warn` beats `ok`. */
  readonly status: 'ok' | 'warn' | 'fail';
  /** ISO 8601. */
  readonly checkedAt: string;
  /** The instance answered (DNS, TLS, HTTP). */
  readonly reachable: Check;
  /** Absent when the token was refused. */
  readonly identity?: ScmIdentity;
  /** GHES / GitLab / Bitbucket DC version, when the instance tells it. */
  readonly serverVersion?: string;
  /** Undefined when the SCM cannot say which scopes a token has. */
  readonly scopes: ScopeReport | undefined;
  /** The organization, group, workspace or project key of the connection is visible to the token. */
  readonly target: Check;
  readonly tokenExpiry?: TokenExpiry;
  /** Exactly one row per `capabilityIds` entry, in that order. */
  readonly capabilities: readonly CapabilityCheck[];
}

/** What an adapter fills in; `buildTestReport` adds `ok`, `status`, labels and order. */
export interface TestReportInput {
  readonly reachable: Check;
  readonly identity?: ScmIdentity;
  readonly serverVersion?: string;
  readonly scopes: ScopeReport | undefined;
  readonly target: Check;
  readonly tokenExpiry?: TokenExpiry;
  /** Keyed by capability, so the compiler holds every adapter to one row per capability. */
  readonly capabilities: Readonly<Record<CapabilityId, Check>>;
}

const severity: Readonly<Record<CheckStatus, number>> = { skipped: 0, ok: 0, warn: 1, fail: 2 };

/**
 * Derives `ok` and the overall status from a report's lines: any `fail` (including missing scopes and an
 * expired token) fails the report, any `warn` warns; `skipped` counts as nothing.
 */
export function summarizeReport(
  report: Pick<TestReport, 'reachable' | 'target' | 'scopes' | 'tokenExpiry'> & {
    readonly capabilities: readonly Pick<Check, 'status'>[];
  },
): { ok: boolean; status: TestReport['status'] } {
  const statuses: CheckStatus[] = [
    report.reachable.status,
    report.target.status,
    ...report.capabilities.map((row) => row.status),
  ];
  if (report.tokenExpiry) statuses.push(report.tokenExpiry.status);
  if (report.scopes && report.scopes.missing.length > 0) statuses.push('fail');
  const worst = Math.max(0, ...statuses.map((status) => severity[status]));
  const status = worst === 2 ? 'fail' : worst === 1 ? 'warn' : 'ok';
  return { ok: status !== 'fail', status };
}

/** Assembles a complete report: capability rows labelled and ordered, `ok` and `status` derived, time stamped. */
export function buildTestReport(input: TestReportInput, now: Date): TestReport {
  const capabilities = capabilityIds.map((id) => ({
    id,
    label: capabilityLabels[id],
    ...input.capabilities[id],
  }));
  const { capabilities: _rows, ...rest } = input;
  return {
    ...rest,
    ...summarizeReport({ ...input, capabilities }),
    checkedAt: now.toISOString(),
    capabilities,
  };
}

/** `needed` minus `granted`, in the order of `needed`. */
export function missingScopes(granted: readonly string[], needed: readonly string[]): string[] {
  const have = new Set(granted);
  return needed.filter((scope) => !have.has(scope));
}

const dayMs = 86_400_000;

/** Tokens that expire within this many days get a warning. */
export const expiryWarningDays = 14;

/**
 * Judges a token's expiry at `now`: `fail` once expired, `warn` within `warnDays`, `ok` otherwise or when it
 * never expires (`null`). Throws `RangeError` for an unreadable date.
 */
export function assessTokenExpiry(
  expiresAt: Date | string | null,
  now: Date,
  warnDays: number = expiryWarningDays,
): TokenExpiry {
  if (expiresAt === null) return { expiresAt: null, status: 'ok' };
  const at = typeof expiresAt === 'string' ? new Date(expiresAt) : expiresAt;
  if (Number.isNaN(at.getTime())) throw new RangeError('The token expiry date is not a valid date.');
  const iso = at.toISOString();
  const leftMs = at.getTime() - now.getTime();
  const fix = 'Create a new token with the same scopes and update the connection.';
  if (leftMs <= 0) {
    return {
      expiresAt: iso,
      daysLeft: 0,
      status: 'fail',
      warning: `The token expired on ${iso.slice(0, 10)}.`,
      fix,
    };
  }
  const daysLeft = Math.floor(leftMs / dayMs);
  if (leftMs < warnDays * dayMs) {
    const when = daysLeft === 0 ? 'within a day' : `in ${daysLeft} day${daysLeft === 1 ? '' : 's'}`;
    return {
      expiresAt: iso,
      daysLeft,
      status: 'warn',
      warning: `The token expires ${when} (${iso.slice(0, 10)}).`,
      fix,
    };
  }
  return { expiresAt: iso, daysLeft, status: 'ok' };
}

/** A row for a capability the kind does not offer (`Not offered for GitLab connections yet.`). */
export const notOfferedRow = (product: string): Check => ({
  status: 'skipped',
  message: `Not offered for ${product} connections yet.`,
});

/** A row left unchecked; `reason` ends the sentence (`Not checked: the group is not usable.`). */
export const notCheckedRow = (reason: string): Check => ({
  status: 'skipped',
  message: `Not checked: ${reason}`,
});

/** A row that failed with an SCM error, showing its fix or else `fallbackFix`. */
export const failedRow = (
  error: ScmError,
  fallbackFix = 'Check the connection settings and try again.',
): Check => ({ status: 'fail', code: error.code, message: error.message, fix: error.fix ?? fallbackFix });

/** A row that was not checked because an earlier check failed with `error`. */
export const blockedRow = (error: ScmError): Check => ({
  status: 'fail',
  code: error.code,
  message: `Not checked: ${error.message}`,
  fix: error.fix ?? 'Fix the problem above first.',
});

/** One row per capability: those given, and `rest` for every other one. */
export function capabilityRows(
  given: Readonly<Partial<Record<CapabilityId, Check>>>,
  rest: Check,
): Record<CapabilityId, Check> {
  return Object.fromEntries(capabilityIds.map((id) => [id, given[id] ?? rest])) as Record<
    CapabilityId,
    Check
  >;
}
