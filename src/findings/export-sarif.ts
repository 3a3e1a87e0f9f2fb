import type { Db } from '../db/database.js';
import { findingPages } from './export-pages.js';
import { applyFindingFilter, type FindingFilter, type FindingRow } from './finding-query.js';
import { detailsOfRow, toFindingItem, type FindingLinks, type LocationItem } from './finding-view.js';

type Json = Record<string, unknown>;

const levels = new Set(['none', 'note', 'warning', 'error']);

const asRecord = (value: unknown): Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
const line = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : undefined;

/** A SARIF `location` for a stored one: the repository-relative path under `%SRCROOT%`, its region, a message. */
function sarifLocation(location: Json, message?: string): Json | undefined {
  const path = text(location.path);
  const startLine = line(location.startLine);
  const region = {
    ...(startLine === undefined ? {} : { startLine }),
    ...(startLine === undefined || line(location.endLine) === undefined
      ? {}
      : { endLine: line(location.endLine) }),
    ...(line(location.startColumn) === undefined ? {} : { startColumn: line(location.startColumn) }),
    ...(line(location.endColumn) === undefined ? {} : { endColumn: line(location.endColumn) }),
  };
  if (path === undefined && message === undefined) return undefined;
  return {
    ...(path === undefined
      ? {}
      : {
          physicalLocation: {
            artifactLocation: {
              uri: path.split('/').map(encodeURIComponent).join('/'),
              uriBaseId: '%SRCROOT%',
            },
            ...(Object.keys(region).length > 0 && startLine !== undefined ? { region } : {}),
          },
        }),
    ...(message === undefined ? {} : { message: { text: message } }),
  };
}

function placed(value: unknown): Json[] {
  return (Array.isArray(value) ? value : []).flatMap((item) => {
    const entry = asRecord(item);
    const location = sarifLocation(asRecord(entry.location), text(entry.message));
    return location ? [location] : [];
  });
}

const stringMap = (value: unknown): Record<string, string> =>
  Object.fromEntries(
    Object.entries(asRecord(value)).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );

function sarifResult(row: FindingRow, links: FindingLinks): Json {
  const details = detailsOfRow(row);
  const item = toFindingItem(row, links, details);
  const location: LocationItem | null = item.location;
  const primary = location ? sarifLocation({ ...location }) : undefined;
  const related = placed(details.relatedLocations).map((entry, index) => ({ id: index + 1, ...entry }));
  const codeFlows = (Array.isArray(details.codeFlows) ? details.codeFlows : []).flatMap((flow) => {
    const value = asRecord(flow);
    const steps = placed(value.steps).map((step) => ({ location: step }));
    if (steps.length === 0) return [];
    const message = text(value.message);
    return [{ ...(message ? { message: { text: message } } : {}), threadFlows: [{ locations: steps }] }];
  });
  const partial = stringMap(details.partialFingerprints);
  return {
    ruleId: row.rule_id,
    level: levels.has(row.level) ? row.level : 'warning',
    message: { text: row.message === '' ? row.rule_id : row.message },
    ...(primary ? { locations: [primary] } : {}),
    ...(related.length > 0 ? { relatedLocations: related } : {}),
    ...(codeFlows.length > 0 ? { codeFlows } : {}),
    fingerprints: { ...stringMap(details.fingerprints), 'scmConnect/v1': row.fingerprint },
    ...(Object.keys(partial).length > 0 ? { partialFingerprints: partial } : {}),
    baselineState:
      row.state !== 'open'
        ? 'absent'
        : row.first_seen_scan_id === row.last_seen_scan_id
          ? 'new'
          : 'unchanged',
    ...(item.ignored
      ? {
          suppressions: [
            {
              kind: 'external',
              status: 'accepted',
              justification: item.ignored.note
                ? `${item.ignored.reason}: ${item.ignored.note}`
                : item.ignored.reason,
            },
          ],
        }
      : {}),
    properties: {
      findingId: item.id,
      state: item.state,
      severity: item.severity,
      repository: item.repository.fullName,
      branch: item.branch,
      commitSha: item.commitSha,
      url: location?.url ?? null,
      defaultBranchUrl: location?.defaultBranchUrl ?? null,
      firstSeenAt: item.firstSeenAt,
      lastSeenAt: item.lastSeenAt,
      fixedAt: item.fixedAt,
    },
  };
}

function sarifRule(row: FindingRow): Json {
  const tags = (() => {
    try {
      const value = row.rule_tags === null ? [] : (JSON.parse(row.rule_tags) as unknown);
      return Array.isArray(value) ? value.filter((tag): tag is string => typeof tag === 'string') : [];
    } catch {
      return [];
    }
  })();
  const help = {
    ...(row.rule_help_text ? { text: row.rule_help_text } : {}),
    ...(row.rule_help_markdown
      ? { markdown: row.rule_help_markdown, text: row.rule_help_text ?? row.rule_help_markdown }
      : {}),
  };
  const properties = {
    ...(tags.length > 0 ? { tags } : {}),
    ...(row.rule_security_severity ? { 'security-severity': row.rule_security_severity } : {}),
  };
  return {
    id: row.rule_id,
    ...(row.rule_name ? { name: row.rule_name } : {}),
    ...(row.rule_short_description ? { shortDescription: { text: row.rule_short_description } } : {}),
    ...(row.rule_full_description ? { fullDescription: { text: row.rule_full_description } } : {}),
    ...(Object.keys(help).length > 0 ? { help } : {}),
    ...(row.rule_help_uri ? { helpUri: row.rule_help_uri } : {}),
    ...(row.rule_default_level && levels.has(row.rule_default_level)
      ? { defaultConfiguration: { level: row.rule_default_level } }
      : {}),
    ...(Object.keys(properties).length > 0 ? { properties } : {}),
  };
}

/** The tool and category pairs among the matching findings, in a stable order. */
async function runKeys(db: Db, accountId: string, filter: FindingFilter) {
  const base = db
    .selectFrom('findings as f')
    .innerJoin('repositories as r', (join) =>
      join.onRef('r.id', '=', 'f.repository_id').onRef('r.account_id', '=', 'f.account_id'),
    )
    .where('f.account_id', '=', accountId);
  return applyFindingFilter(db, base, filter)
    .select(['f.tool_name', 'f.category'])
    .distinct()
    .orderBy('f.tool_name')
    .orderBy('f.category')
    .execute();
}

/**
 * The findings matching `filter` as a SARIF 2.1.0 log, written a page at a time: one run per tool and category
 * (`automationDetails.id` `{category}/`), each with the rules its results name. Results carry the finding's
 * fingerprint (`scmConnect/v1`) besides the scanner's, `baselineState` (new when first seen in its latest scan,
 * unchanged after, absent once fixed or removed) and an `accepted` external suppression when ignored.
 */
export async function* findingsSarif(
  db: Db,
  accountId: string,
  filter: FindingFilter,
  links: FindingLinks,
): AsyncGenerator<string> {
  yield '{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0","runs":[';
  let firstRun = true;
  for (const key of await runKeys(db, accountId, filter)) {
    const rules = new Map<string, Json>();
    yield `${firstRun ? '' : ','}{"results":[`;
    firstRun = false;
    let firstResult = true;
    for await (const rows of findingPages(db, accountId, {
      ...filter,
      tool: key.tool_name,
      category: key.category,
    })) {
      const chunk = rows.map((row) => {
        if (!rules.has(row.rule_id)) rules.set(row.rule_id, sarifRule(row));
        return JSON.stringify(sarifResult(row, links));
      });
      yield `${firstResult ? '' : ','}${chunk.join(',')}`;
      firstResult = false;
    }
    const run = {
      tool: { driver: { name: key.tool_name, rules: [...rules.values()] } },
      ...(key.category === '' ? {} : { automationDetails: { id: `${key.category}/` } }),
      columnKind: 'unicodeCodePoints',
    };
    yield `],${JSON.stringify(run).slice(1)}`;
  }
  yield ']}';
}
