import type { Finding, FindingLocation, IgnoreReason, ScanStatus, Severity } from '../api/finding-schemas.js';
import type { StateFilter } from './finding-filters.js';

export const severityLabels: Readonly<Record<Severity, string>> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Info',
};

export const stateFilterLabels: Readonly<Record<StateFilter, string>> = {
  open: 'Open',
  fixed: 'Fixed',
  removed: 'Removed',
  ignored: 'Ignored',
  any: 'Any state',
};

export const ignoreReasonLabels: Readonly<Record<IgnoreReason, string>> = {
  false_positive: 'False positive',
  acceptable_risk: 'Acceptable risk',
  other: 'Other',
};

/** What each ignore reason means, under its choice in the Ignore dialog. */
export const ignoreReasonHints: Readonly<Record<IgnoreReason, string>> = {
  false_positive: 'The scanner is wrong: the code does not do what the rule says.',
  acceptable_risk: 'The problem is real, but you accept it here (say why in the note).',
  other: 'Neither: say why in the note.',
};

export const scanStatusLabels: Readonly<Record<ScanStatus, string>> = {
  queued: 'Queued',
  processing: 'Processing',
  processed: 'Processed',
  failed: 'Failed',
};

export const scanStatusBadges: Readonly<Record<ScanStatus, string>> = {
  queued: 'badge badge-pending',
  processing: 'badge badge-pending',
  processed: 'badge badge-connected',
  failed: 'badge badge-error',
};

/** A scan still being worked on: its page polls until it is processed or failed. */
export const isActiveScan = (scan: { readonly status: ScanStatus }): boolean =>
  scan.status === 'queued' || scan.status === 'processing';

/** The label of a reason from the server; an unknown one as it is. */
export const ignoreReasonLabel = (reason: string | null | undefined): string | null =>
  reason ? ((ignoreReasonLabels as Readonly<Record<string, string>>)[reason] ?? reason) : null;

/** A finding's state as one word: "Ignored" wins over the state under it. */
export const findingStateLabel = (finding: Pick<Finding, 'state' | 'ignored'>): string =>
  finding.ignored ? 'Ignored' : stateFilterLabels[finding.state];

export const findingStateBadge = (finding: Pick<Finding, 'state' | 'ignored'>): string => {
  if (finding.ignored) return 'badge badge-archived';
  return finding.state === 'open' ? 'badge badge-pending' : 'badge badge-connected';
};

/** The first non-empty line of a message (a scanner's message may run over many lines). */
export const firstLine = (text: string): string =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find((line) => line !== '') ?? '';

/** A message after its first line (shown under it on the finding's page); empty for a one-line message. */
export const restOfMessage = (text: string): string => {
  const first = firstLine(text);
  const at = first ? text.indexOf(first) + first.length : 0;
  return text.slice(at).trim();
};

/** `src/app.ts:12`, `src/app.ts:12-14`, or the path alone; null without a path. */
export const locationText = (location: FindingLocation | null | undefined): string | null => {
  if (!location?.path) return null;
  const { startLine, endLine } = location;
  if (!startLine) return location.path;
  return endLine && endLine > startLine
    ? `${location.path}:${startLine}-${endLine}`
    : `${location.path}:${startLine}`;
};

/**
 * Where a finding lives, as people say it: a branch name, "Pull request #7" (findings of a pull request scan live
 * under `pull-request:7`), or "Commit abc1234" for a scan of a bare commit.
 */
export const branchLabel = (branch: string | null | undefined): string | null => {
  if (!branch) return null;
  const pullRequest = /^pull-request:(\d+)$/.exec(branch);
  if (pullRequest) return `Pull request #${pullRequest[1]}`;
  const commit = /^commit:([0-9a-f]{7,64})$/i.exec(branch);
  if (commit) return `Commit ${commit[1]!.slice(0, 7)}`;
  return branch;
};

/** What each kind of history event says. */
export const historyKindLabels: Readonly<Record<string, string>> = {
  opened: 'First seen',
  fixed: 'Fixed',
  reopened: 'Reopened',
  removed: 'Removed',
  ignored: 'Ignored',
  unignored: 'Reopened by hand',
};

export const historyKindLabel = (kind: string): string => historyKindLabels[kind] ?? kind;
