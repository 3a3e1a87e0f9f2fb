import { asRecord, int, storedLocation, text } from './stored-values.js';
import type { Db } from '../db/database.js';
import type { FindingEventVia } from '../db/schema.js';
import type { FindingRow } from './finding-query.js';
import {
  detailsOfRow,
  toFindingItem,
  type FindingItem,
  type FindingLinks,
  type LocationItem,
} from './finding-view.js';

export interface PlacedMessageItem {
  readonly message: string | null;
  readonly location: LocationItem | null;
}

export interface FindingDetail extends Omit<FindingItem, 'rule'> {
  readonly rule: {
    name: string | null;
    shortDescription: string | null;
    fullDescription: string | null;
    helpText: string | null;
    helpMarkdown: string | null;
    helpUri: string | null;
    tags: string[];
  } | null;
  readonly relatedLocations: PlacedMessageItem[];
  readonly codeFlows: { message: string | null; steps: PlacedMessageItem[] }[];
  readonly fixes: unknown[];
  readonly history: {
    kind: string;
    at: string;
    scanId: string | null;
    by: { id: string; name: string } | null;
    reason: string | null;
    note: string | null;
    /** Where the triage came from, when it was a reply on a pull request. */
    via?: FindingEventVia;
  }[];
  readonly scans: {
    id: string;
    commitSha: string;
    branch: string | null;
    pullRequestNumber: number | null;
    createdAt: string;
    newInPullRequest: boolean;
  }[];
}

/** Scans listed on a finding's page, newest first. */
const maxScans = 50;

/** A stored `via`, read back; anything unreadable is left out. */
function viaOf(stored: string | null): { via?: FindingEventVia } {
  if (stored === null) return {};
  let value: Record<string, unknown>;
  try {
    value = asRecord(JSON.parse(stored) as unknown);
  } catch {
    return {};
  }
  const login = text(value.login);
  const pullRequest = int(value.pullRequest);
  const url = text(value.url);
  if (value.kind !== 'pull-request-comment' || login === null || pullRequest === null) return {};
  return { via: { kind: 'pull-request-comment', login, pullRequest, ...(url === null ? {} : { url }) } };
}

function placedMessages(value: unknown, row: FindingRow, links: FindingLinks): PlacedMessageItem[] {
  return (Array.isArray(value) ? value : []).map((item) => {
    const placed = asRecord(item);
    return { message: text(placed.message), location: links.locate(row, storedLocation(placed.location)) };
  });
}

/** Everything a finding's page shows: the item, the rule's help, where else it points, its history and scans. */
export async function findingDetail(db: Db, row: FindingRow, links: FindingLinks): Promise<FindingDetail> {
  const details = detailsOfRow(row);
  const item = toFindingItem(row, links, details);
  const events = await db
    .selectFrom('finding_events as e')
    .leftJoin('users as u', 'u.id', 'e.user_id')
    .select(['e.kind', 'e.at', 'e.scan_id', 'e.user_id', 'u.name', 'e.reason', 'e.note', 'e.via'])
    .where('e.account_id', '=', row.account_id)
    .where('e.finding_id', '=', row.id)
    .orderBy('e.at')
    .orderBy('e.id')
    .execute();
  const scans = await db
    .selectFrom('scan_findings as sf')
    .innerJoin('scans as s', 's.id', 'sf.scan_id')
    .select([
      's.id',
      's.commit_sha',
      's.branch',
      's.pull_request_number',
      's.created_at',
      'sf.new_in_pull_request',
    ])
    .where('sf.account_id', '=', row.account_id)
    .where('sf.finding_id', '=', row.id)
    .orderBy('s.created_at', 'desc')
    .limit(maxScans)
    .execute();
  return {
    ...item,
    rule:
      item.rule === null
        ? null
        : {
            ...item.rule,
            fullDescription: row.rule_full_description,
            helpText: row.rule_help_text,
            helpMarkdown: row.rule_help_markdown,
          },
    relatedLocations: placedMessages(details.relatedLocations, row, links),
    codeFlows: (Array.isArray(details.codeFlows) ? details.codeFlows : []).map((flow) => {
      const value = asRecord(flow);
      return { message: text(value.message), steps: placedMessages(value.steps, row, links) };
    }),
    fixes: Array.isArray(details.fixes) ? details.fixes : [],
    history: events.map((event) => ({
      kind: event.kind,
      at: event.at,
      scanId: event.scan_id,
      by: event.user_id === null ? null : { id: event.user_id, name: event.name ?? '' },
      reason: event.reason,
      note: event.note,
      ...viaOf(event.via),
    })),
    scans: scans.map((scan) => ({
      id: scan.id,
      commitSha: scan.commit_sha,
      branch: scan.branch,
      pullRequestNumber: scan.pull_request_number,
      createdAt: scan.created_at,
      newInPullRequest: Number(scan.new_in_pull_request) === 1,
    })),
  };
}
