import { timeOrderedId } from '../../core/ids.js';
import type { Db } from '../../db/database.js';
import type { FindingEventKind, FindingState } from '../../db/schema.js';
import type { Identity } from './identity.js';
import type { Namespace } from './namespace.js';
import type { Observation } from './observations.js';
import { bulkInsert, type SqlValue } from './bulk-insert.js';

/** A finding of the namespace as it was before this scan. */
export interface ExistingFinding {
  readonly id: string;
  readonly ruleId: string;
  readonly path: string | null;
  readonly state: FindingState;
  readonly lastSeenScanId: string;
}

/** An observation with its identity settled and its pull request newness decided. */
export interface Settled {
  readonly observation: Observation;
  readonly identity: Identity;
  readonly newInPullRequest: boolean;
}

export interface ScanStamp {
  readonly scanId: string;
  readonly commitSha: string;
  readonly at: string;
}

/** The namespace's findings by fingerprint. */
export async function loadExisting(db: Db, ns: Namespace): Promise<Map<string, ExistingFinding>> {
  const rows = await db
    .selectFrom('findings')
    .select(['id', 'fingerprint', 'rule_id', 'path', 'state', 'last_seen_scan_id'])
    .where('account_id', '=', ns.accountId)
    .where('repository_id', '=', ns.repositoryId)
    .where('branch', '=', ns.branch)
    .where('tool_name', '=', ns.toolName)
    .where('category', '=', ns.category)
    .execute();
  return new Map(
    rows.map((row) => [
      row.fingerprint,
      {
        id: row.id,
        ruleId: row.rule_id,
        path: row.path,
        state: row.state,
        lastSeenScanId: row.last_seen_scan_id,
      },
    ]),
  );
}

/** What a finding keeps besides its location: related locations, code flows, fixes, the scanner's ids. */
export function detailsOf(settled: Settled): string {
  const { observation: o, identity } = settled;
  const details: Record<string, unknown> = {
    identity: { source: identity.source, note: identity.note ?? null },
  };
  if (o.location?.unlinkedReason) details.unlinkedReason = o.location.unlinkedReason;
  if (o.relatedLocations.length > 0) details.relatedLocations = o.relatedLocations;
  if (o.codeFlows.length > 0) details.codeFlows = o.codeFlows;
  if (o.fixes.length > 0) details.fixes = o.fixes;
  if (o.fingerprints) details.fingerprints = o.fingerprints;
  if (o.partialFingerprints) details.partialFingerprints = o.partialFingerprints;
  if (o.baselineState) details.baselineState = o.baselineState;
  return JSON.stringify(details);
}

const findingColumns = [
  'id',
  'account_id',
  'connection_id',
  'repository_id',
  'branch',
  'tool_name',
  'category',
  'rule_id',
  'fingerprint',
  'state',
  'severity',
  'level',
  'message',
  'path',
  'start_line',
  'start_column',
  'end_line',
  'end_column',
  'details',
  'commit_sha',
  'first_seen_scan_id',
  'last_seen_scan_id',
  'fixed_in_scan_id',
  'first_seen_at',
  'last_seen_at',
  'fixed_at',
  'updated_at',
] as const;

/** Seen again: state open, where and what it is now; triage and the first sighting stay. */
const findingConflict =
  'on conflict (account_id, repository_id, branch, tool_name, category, fingerprint) do update set ' +
  [
    'rule_id',
    'severity',
    'level',
    'message',
    'path',
    'start_line',
    'start_column',
    'end_line',
    'end_column',
    'details',
    'commit_sha',
    'last_seen_scan_id',
    'last_seen_at',
    'updated_at',
  ]
    .map((column) => `${column} = excluded.${column}`)
    .join(', ') +
  ", state = 'open', fixed_in_scan_id = null, fixed_at = null returning id, fingerprint";

const scanFindingColumns = [
  'scan_id',
  'finding_id',
  'account_id',
  'new_in_pull_request',
  'path',
  'start_line',
  'end_line',
] as const;

const scanFindingConflict =
  'on conflict (scan_id, finding_id) do update set new_in_pull_request = excluded.new_in_pull_request, ' +
  'path = excluded.path, start_line = excluded.start_line, end_line = excluded.end_line';

function findingRow(ns: Namespace, stamp: ScanStamp, settled: Settled): SqlValue[] {
  const o = settled.observation;
  const location = o.location;
  return [
    timeOrderedId(),
    ns.accountId,
    ns.connectionId,
    ns.repositoryId,
    ns.branch,
    ns.toolName,
    ns.category,
    o.ruleId,
    settled.identity.fingerprint,
    'open',
    o.severity,
    o.level,
    o.message,
    location?.path ?? null,
    location?.startLine ?? null,
    location?.startColumn ?? null,
    location?.endLine ?? null,
    location?.endColumn ?? null,
    detailsOf(settled),
    stamp.commitSha,
    stamp.scanId,
    stamp.scanId,
    null,
    stamp.at,
    stamp.at,
    null,
    stamp.at,
  ];
}

/**
 * Writes one batch in one transaction: each finding inserted or brought up to date by its identity (state open,
 * location, message, severity, details and commit current; triage and first sighting untouched), the scan's
 * `scan_findings` rows, and `opened` / `reopened` events. A batch written twice (a job run again) adds no event.
 */
export async function writeBatch(
  db: Db,
  ns: Namespace,
  stamp: ScanStamp,
  batch: readonly Settled[],
  existing: ReadonlyMap<string, ExistingFinding>,
): Promise<{ opened: number; reopened: number }> {
  if (batch.length === 0) return { opened: 0, reopened: 0 };
  const { at, scanId } = stamp;
  return db.transaction().execute(async (trx) => {
    const returned = await bulkInsert<{ id: string; fingerprint: string }>(
      trx,
      'findings',
      findingColumns,
      batch.map((settled) => findingRow(ns, stamp, settled)),
      findingConflict,
    );
    const idOf = new Map(returned.map((row) => [row.fingerprint, row.id]));
    await bulkInsert(
      trx,
      'scan_findings',
      scanFindingColumns,
      batch.map((settled) => {
        const location = settled.observation.location;
        return [
          scanId,
          idOf.get(settled.identity.fingerprint)!,
          ns.accountId,
          settled.newInPullRequest ? 1 : 0,
          location?.path ?? null,
          location?.startLine ?? null,
          location?.endLine ?? null,
        ];
      }),
      scanFindingConflict,
    );

    let opened = 0;
    let reopened = 0;
    const events: { findingId: string; kind: FindingEventKind }[] = [];
    for (const settled of batch) {
      const before = existing.get(settled.identity.fingerprint);
      const findingId = idOf.get(settled.identity.fingerprint)!;
      if (!before) {
        opened += 1;
        events.push({ findingId, kind: 'opened' });
      } else if (before.state !== 'open' && before.lastSeenScanId !== scanId) {
        reopened += 1;
        events.push({ findingId, kind: 'reopened' });
      }
    }
    await insertEvents(trx, ns.accountId, scanId, at, events);
    return { opened, reopened };
  });
}

/** `finding_events` rows written by processing (no person, no reason). */
export async function insertEvents(
  db: Db,
  accountId: string,
  scanId: string,
  at: string,
  events: readonly { findingId: string; kind: FindingEventKind }[],
): Promise<void> {
  await bulkInsert(
    db,
    'finding_events',
    ['id', 'account_id', 'finding_id', 'kind', 'scan_id', 'user_id', 'reason', 'note', 'at'],
    events.map((event) => [
      timeOrderedId(),
      accountId,
      event.findingId,
      event.kind,
      scanId,
      null,
      null,
      null,
      at,
    ]),
  );
}
