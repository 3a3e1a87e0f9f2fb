import { asRecord, storedLocation, text } from '../findings/stored-values.js';
import type { Db } from '../db/database.js';
import { findingRows, type FindingRow } from '../findings/finding-query.js';
import { detailsOfRow, type FindingLinks } from '../findings/finding-view.js';
import { findingKey } from './keys.js';
import { suggestedLines } from './suggestion.js';
import type { CommentFinding, CommentStep } from './types.js';
import type { PullRequestScope } from './store.js';

/** Reads the lines of a file at the scanned commit, for a fix that changes part of a line; undefined when it cannot. */
export type SourceLines = (path: string) => Promise<readonly string[] | undefined>;

export interface LoadFindingsInput {
  readonly db: Db;
  readonly scope: PullRequestScope;
  readonly links: FindingLinks;
  /** `{publicUrl}`: a finding's page is `{publicUrl}/findings/{id}`; undefined when the service has none. */
  readonly publicUrl: string | undefined;
  /** Findings behind our stored rows, which the newest scans may no longer report. */
  readonly storedFindingIds: readonly string[];
  readonly sourceLines?: SourceLines | undefined;
}

/**
 * The newest processed scan of the pull request for each tool and category: together they are what the pull
 * request holds now (each tool uploads on its own).
 */
export async function newestScansOf(db: Db, scope: PullRequestScope): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('scans as s')
    .innerJoin('scan_runs as r', 'r.scan_id', 's.id')
    .select(['s.id', 'r.tool_name', 'r.category'])
    .where('s.account_id', '=', scope.accountId)
    .where('s.repository_id', '=', scope.repositoryId)
    .where('s.pull_request_number', '=', scope.pullRequestNumber)
    .where('s.status', '=', 'processed')
    .orderBy('s.created_at', 'desc')
    .orderBy('s.id', 'desc')
    .execute();
  const newest = new Map<string, string>();
  for (const row of rows) {
    const pair = `${row.tool_name}\u0000${row.category}`;
    if (!newest.has(pair)) newest.set(pair, row.id);
  }
  return newest;
}

function codeFlowsOf(row: FindingRow, details: Record<string, unknown>, links: FindingLinks) {
  const flows = Array.isArray(details.codeFlows) ? details.codeFlows : [];
  return flows.map((flowValue) => {
    const flow = asRecord(flowValue);
    const steps = (Array.isArray(flow.steps) ? flow.steps : []).map((stepValue): CommentStep => {
      const step = asRecord(stepValue);
      const stored = storedLocation(step.location);
      const located = links.locate(row, stored);
      const label =
        stored?.path == null
          ? 'step'
          : `${stored.path}${stored.startLine === null ? '' : `:${stored.startLine}`}`;
      return { label, url: located?.url ?? null, message: text(step.message) };
    });
    return { message: text(flow.message), steps };
  });
}

async function suggestionOf(
  row: FindingRow,
  details: Record<string, unknown>,
  sourceLines: SourceLines | undefined,
): Promise<string | undefined> {
  if (!Array.isArray(details.fixes) || row.path === null || row.start_line === null) return undefined;
  const location = { path: row.path, startLine: row.start_line, endLine: row.end_line ?? row.start_line };
  const wholeLines = suggestedLines(details.fixes, location);
  if (wholeLines !== undefined || !sourceLines) return wholeLines;
  const source = await sourceLines(row.path);
  return source ? suggestedLines(details.fixes, location, source) : undefined;
}

async function toCommentFinding(
  row: FindingRow,
  state: CommentFinding['state'],
  input: LoadFindingsInput,
): Promise<CommentFinding> {
  const details = detailsOfRow(row);
  const location = input.links.locate(row, {
    path: row.path,
    startLine: row.start_line,
    startColumn: row.start_column,
    endLine: row.end_line,
    endColumn: row.end_column,
    unlinkedReason: null,
  });
  return {
    key: findingKey({ toolName: row.tool_name, category: row.category, fingerprint: row.fingerprint }),
    findingId: row.id,
    ruleId: row.rule_id,
    ruleName: row.rule_name,
    helpUri: row.rule_help_uri,
    severity: row.severity,
    message: row.message,
    path: row.path,
    startLine: row.start_line,
    endLine: row.end_line,
    codeUrl: location?.url ?? null,
    findingUrl:
      input.publicUrl === undefined ? null : `${input.publicUrl}/findings/${encodeURIComponent(row.id)}`,
    codeFlows: codeFlowsOf(row, details, input.links),
    suggestion: state === 'open' ? await suggestionOf(row, details, input.sourceLines) : undefined,
    state,
    ...(row.ignored_reason === null ? {} : { ignoredReason: row.ignored_reason }),
  };
}

/**
 * The findings the comments are about: those new in the pull request by its newest scans (open, or ignored),
 * and those behind our stored rows (fixed when the newest scans no longer report them as new).
 */
export async function loadCommentFindings(input: LoadFindingsInput): Promise<CommentFinding[]> {
  const { db, scope } = input;
  const newest = await newestScansOf(db, scope);
  const scanIds = [...new Set(newest.values())];
  const reported =
    scanIds.length === 0
      ? []
      : await findingRows(db, scope.accountId)
          .innerJoin('scan_findings as sf', (join) =>
            join.onRef('sf.finding_id', '=', 'f.id').onRef('sf.account_id', '=', 'f.account_id'),
          )
          .select('sf.scan_id')
          .where('sf.scan_id', 'in', scanIds)
          .where('sf.new_in_pull_request', '=', 1)
          .where('f.repository_id', '=', scope.repositoryId)
          .execute();
  const current = reported.filter(
    (row) => newest.get(`${row.tool_name}\u0000${row.category}`) === row.scan_id && row.state === 'open',
  );
  const currentIds = new Set(current.map((row) => row.id));
  const others = input.storedFindingIds.filter((id) => !currentIds.has(id));
  const behindRows =
    others.length === 0
      ? []
      : await findingRows(db, scope.accountId)
          .where('f.id', 'in', others)
          .where('f.repository_id', '=', scope.repositoryId)
          .execute();
  const findings: CommentFinding[] = [];
  for (const row of current) {
    findings.push(await toCommentFinding(row, row.ignored_reason === null ? 'open' : 'ignored', input));
  }
  for (const row of behindRows) {
    findings.push(await toCommentFinding(row, row.ignored_reason === null ? 'fixed' : 'ignored', input));
  }
  return findings;
}
