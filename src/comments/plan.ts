import type { CommentSettings } from '../db/comment-settings.js';
import type {
  CommentFormat,
  CommitStatus,
  InlinePosition,
  PullRequestDiff,
  ScmComment,
  ScmCommentRef,
} from '../scm/provider.js';
import {
  closedBody,
  inlineBody,
  severityOrder,
  statusDescription,
  summaryBody,
  type ListedReason,
} from './bodies.js';
import { bodyHash, summaryKey } from './keys.js';
import { deletable, find, ourComments, refOf, sameRow, type PlannedDelete } from './ours.js';
import type { CommentFinding, LastStatus, StoredComment } from './types.js';

export type { PlannedDelete } from './ours.js';

/*
 * The reconciliation, planned: from the findings of the pull request's newest scan, its diff, our stored rows and
 * the comments the SCM lists, what to create, edit, resolve and delete, and what the summary and the status
 * become. Pure: the executor (execute.ts) runs the plan. A comment is ours when its body carries our marker and
 * its author is our identity (or our rows hold its id under that key); our rows and those comments each rebuild
 * the other.
 */

export interface PlanInput {
  /** Open findings new in the pull request, ignored ones, and those behind our stored rows. */
  readonly findings: readonly CommentFinding[];
  readonly diff: PullRequestDiff;
  readonly stored: readonly StoredComment[];
  /** Summary and inline comments (thread roots) the SCM lists now. */
  readonly listed: readonly ScmComment[];
  readonly identity: { readonly id: string };
  readonly format: CommentFormat;
  readonly canInline: boolean;
  readonly canResolve: boolean;
  readonly settings: CommentSettings;
  /** The scanned commit: the status goes on it. */
  readonly commitSha: string;
  /** scm-connect's page of the scan (or, without a public URL, the repository's page). */
  readonly scanUrl: string;
  readonly lastStatus: LastStatus | undefined;
}

export interface PlannedCreate {
  readonly key: string;
  readonly finding: CommentFinding;
  readonly position: InlinePosition;
  readonly body: string;
}

export interface PlannedEdit {
  readonly key: string;
  readonly ref: ScmCommentRef;
  readonly body: string;
  /** The row once the edit is done (the SCM's answer fills in the ref). */
  readonly row: StoredComment;
}

export interface PlannedResolve {
  readonly key: string;
  readonly ref: ScmCommentRef;
  readonly resolved: boolean;
  readonly row: StoredComment;
}

export interface ListedFinding {
  readonly finding: CommentFinding;
  readonly reason: ListedReason;
}

/** What happens to comments about findings. */
export interface CommentsPlan {
  readonly creates: readonly PlannedCreate[];
  readonly edits: readonly PlannedEdit[];
  readonly resolves: readonly PlannedResolve[];
  readonly deletes: readonly PlannedDelete[];
  /** Rows that change without a write to the SCM (adopted comments, listed findings, states). */
  readonly records: readonly StoredComment[];
  /** Keys whose rows are dropped. */
  readonly forget: readonly string[];
  /** Open findings the summary lists because they are not on their lines. */
  readonly listed: readonly ListedFinding[];
}

export type PlannedSummary =
  | { readonly action: 'none' }
  | { readonly action: 'keep'; readonly row: StoredComment; readonly record: boolean }
  | { readonly action: 'create'; readonly body: string }
  | {
      readonly action: 'edit';
      readonly ref: ScmCommentRef;
      readonly body: string;
      readonly row: StoredComment;
    };

export interface PlannedStatus {
  /** `targetUrl` is empty when it is the web address of a summary comment still to be created. */
  readonly status: CommitStatus;
  /** False when the status set last is this one: nothing to write. */
  readonly write: boolean;
}

export interface SummaryPlan {
  readonly summary: PlannedSummary;
  /** Duplicate summary comments to delete. */
  readonly deletes: readonly PlannedDelete[];
  readonly status: PlannedStatus;
}

export type Plan = CommentsPlan & SummaryPlan & { readonly deletes: readonly PlannedDelete[] };

type Placement = { readonly position: InlinePosition } | { readonly reason: ListedReason };

/** Where a finding without a comment goes: on its line(s) when the diff has them, else the summary. */
function placementOf(finding: CommentFinding, input: PlanInput, ruleCounts: Map<string, number>): Placement {
  if (!input.canInline) return { reason: 'no-inline' };
  if (finding.path === null || finding.startLine === null) return { reason: 'no-location' };
  if ((ruleCounts.get(finding.ruleId) ?? 0) > input.settings.ruleThreshold)
    return { reason: 'rule-threshold' };
  const file = input.diff.files.find((f) => f.path === finding.path);
  if (!file) return { reason: 'outside-diff' };
  const start = finding.startLine;
  const end = Math.max(start, finding.endLine ?? start);
  const at = (startLine: number | undefined): Placement => ({
    position: {
      path: finding.path!,
      line: end,
      ...(startLine !== undefined && startLine < end ? { startLine } : {}),
      commitSha: input.diff.headSha,
    },
  });
  if (file.commentable === 'whole-file') return at(start);
  const range = file.commentable.find((r) => r.start <= end && end <= r.end);
  if (!range) return { reason: 'outside-diff' };
  return at(range.start <= start ? start : undefined);
}

/** The suggestion for a comment at `position`, when the fix covers exactly its lines and no other finding shares them. */
function suggestionAt(
  finding: CommentFinding,
  position: InlinePosition | undefined,
  open: readonly CommentFinding[],
  format: CommentFormat,
): { replacement: string; position: InlinePosition } | undefined {
  if (finding.suggestion === undefined || !format.suggestion || !position) return undefined;
  if (finding.startLine === null) return undefined;
  const end = Math.max(finding.startLine, finding.endLine ?? finding.startLine);
  if (position.line !== end || (position.startLine ?? position.line) !== finding.startLine) return undefined;
  const overlapping = open.filter(
    (other) =>
      other.path === finding.path &&
      other.startLine !== null &&
      other.startLine <= end &&
      Math.max(other.startLine, other.endLine ?? other.startLine) >= finding.startLine!,
  );
  return overlapping.length > 1 ? undefined : { replacement: finding.suggestion, position };
}

const bySeverityThenPlace = (a: CommentFinding, b: CommentFinding): number =>
  severityOrder.indexOf(a.severity) - severityOrder.indexOf(b.severity) ||
  (a.path ?? '').localeCompare(b.path ?? '') ||
  (a.startLine ?? 0) - (b.startLine ?? 0) ||
  a.key.localeCompare(b.key);

/** Creates, edits, resolves and deletes of the comments about findings. */
export function planComments(input: PlanInput): CommentsPlan {
  const ours = ourComments(input);
  const stored = new Map(input.stored.map((row) => [row.key, row]));
  const findings = new Map(input.findings.map((f) => [f.key, f]));
  const open = input.findings.filter((f) => f.state === 'open').sort(bySeverityThenPlace);
  const ruleCounts = new Map<string, number>();
  for (const f of open) ruleCounts.set(f.ruleId, (ruleCounts.get(f.ruleId) ?? 0) + 1);

  const plan = {
    creates: [] as PlannedCreate[],
    edits: [] as PlannedEdit[],
    resolves: [] as PlannedResolve[],
    deletes: [] as PlannedDelete[],
    records: [] as StoredComment[],
    forget: [] as string[],
    listed: [] as ListedFinding[],
  };
  const record = (row: StoredComment) => {
    if (!sameRow(stored.get(row.key), row)) plan.records.push(row);
  };

  const keys = [
    ...open.map((f) => f.key),
    ...[...new Set([...stored.keys(), ...ours.keys()])].filter((k) => k !== summaryKey).sort(),
  ].filter((key, index, all) => all.indexOf(key) === index);

  for (const key of keys) {
    const row = stored.get(key);
    const finding = findings.get(key);
    const found = find(ours.get(key) ?? [], row);
    plan.deletes.push(...deletable(key, found));
    const { primary } = found;
    const findingId = finding?.findingId ?? row?.findingId ?? null;

    if (finding?.state === 'open') {
      if (primary) {
        const placement = placementOf(finding, input, ruleCounts);
        const position = 'position' in placement ? placement.position : undefined;
        const samePlace =
          position !== undefined &&
          primary.position?.line === position.line &&
          primary.position.path === position.path;
        const body = inlineBody(
          finding,
          input.format,
          samePlace ? suggestionAt(finding, position, open, input.format) : undefined,
        );
        const after: StoredComment = {
          key,
          findingId,
          placement: 'inline',
          ref: refOf(primary),
          webUrl: primary.webUrl,
          bodyHash: bodyHash(body),
          status: 'open',
        };
        const wasClosed = primary.resolved ?? row?.status === 'fixed';
        if (bodyHash(body) !== found.hash) plan.edits.push({ key, ref: refOf(primary), body, row: after });
        if (input.canResolve && wasClosed) {
          plan.resolves.push({ key, ref: refOf(primary), resolved: false, row: after });
        }
        if (bodyHash(body) === found.hash && !(input.canResolve && wasClosed)) record(after);
        continue;
      }
      const placement = placementOf(finding, input, ruleCounts);
      if ('position' in placement) {
        const suggestion = suggestionAt(finding, placement.position, open, input.format);
        plan.creates.push({
          key,
          finding,
          position: placement.position,
          body: inlineBody(finding, input.format, suggestion),
        });
      } else {
        plan.listed.push({ finding, reason: placement.reason });
        record({ key, findingId, placement: 'listed', bodyHash: null, status: 'open' });
      }
      continue;
    }

    // Fixed, ignored, or no longer known: close its comment.
    if (primary) {
      const closed = primary.resolved ?? row?.status === 'fixed';
      let after: StoredComment = {
        key,
        findingId,
        placement: 'inline',
        ref: refOf(primary),
        webUrl: primary.webUrl,
        bodyHash: found.hash ?? null,
        status: 'fixed',
      };
      if (input.canResolve) {
        if (!closed) plan.resolves.push({ key, ref: refOf(primary), resolved: true, row: after });
        else record(after);
      } else if (finding) {
        const body = closedBody(finding, input.format);
        after = { ...after, bodyHash: bodyHash(body) };
        if (bodyHash(body) !== found.hash) plan.edits.push({ key, ref: refOf(primary), body, row: after });
        else record(after);
      } else {
        record(after);
      }
    } else if (row && finding) {
      record({
        key,
        findingId,
        placement: row.placement === 'inline' ? 'listed' : row.placement,
        bodyHash: null,
        status: 'fixed',
      });
    } else if (row) {
      plan.forget.push(key);
    }
  }
  return plan;
}

/** The summary comment and the commit status, once it is known which findings are listed rather than inline. */
export function planSummary(input: PlanInput, listed: readonly ListedFinding[]): SummaryPlan {
  const open = input.findings.filter((f) => f.state === 'open').sort(bySeverityThenPlace);
  const known = new Set([...input.stored.map((row) => row.key), ...ourComments(input).keys()]);
  const fixed = input.findings
    .filter((f) => f.state === 'fixed' && known.has(f.key))
    .sort(bySeverityThenPlace);
  const ignored = input.findings.filter((f) => f.state === 'ignored').sort(bySeverityThenPlace);
  const row = input.stored.find((r) => r.key === summaryKey);
  const found = find(ourComments(input).get(summaryKey) ?? [], row);
  const deletes = deletable(summaryKey, found);
  const needed = found.primary !== undefined || open.length > 0 || fixed.length > 0 || ignored.length > 0;

  let summary: PlannedSummary = { action: 'none' };
  if (needed) {
    const body = summaryBody(
      {
        open,
        blockingSeverities: input.settings.blockingSeverities,
        listed: [...listed].sort((a, b) => bySeverityThenPlace(a.finding, b.finding)),
        fixed,
        ignored,
        scanUrl: input.scanUrl,
      },
      input.format,
    );
    if (!found.primary) {
      summary = { action: 'create', body };
    } else {
      const after: StoredComment = {
        key: summaryKey,
        findingId: null,
        placement: 'summary',
        ref: refOf(found.primary),
        webUrl: found.primary.webUrl,
        bodyHash: bodyHash(body),
        status: 'open',
      };
      summary =
        bodyHash(body) === found.hash
          ? { action: 'keep', row: after, record: !sameRow(row, after) }
          : { action: 'edit', ref: refOf(found.primary), body, row: after };
    }
  }

  const blocking = open.filter((f) => input.settings.blockingSeverities.includes(f.severity)).length;
  const targetUrl =
    summary.action === 'create'
      ? ''
      : summary.action === 'none'
        ? input.scanUrl
        : (summary.row.webUrl ?? input.scanUrl);
  const status: CommitStatus = {
    commitSha: input.commitSha,
    state: blocking > 0 ? 'failure' : 'success',
    description: statusDescription(open, blocking),
    targetUrl,
  };
  return { summary, deletes, status: { status, write: !statusUnchanged(input.lastStatus, status) } };
}

/** Whether `status` is what was set last (a status whose target is still unknown is not). */
export function statusUnchanged(last: LastStatus | undefined, status: CommitStatus): boolean {
  return (
    last !== undefined &&
    status.targetUrl !== '' &&
    last.sha === status.commitSha &&
    last.state === status.state &&
    last.description === status.description &&
    last.targetUrl === status.targetUrl
  );
}

/** The whole plan: comments about findings, then the summary and the status. */
export function planReconciliation(input: PlanInput): Plan {
  const comments = planComments(input);
  const summary = planSummary(input, comments.listed);
  return { ...comments, ...summary, deletes: [...comments.deletes, ...summary.deletes] };
}
