import type { Db } from '../db/database.js';
import { findingPages } from './export-pages.js';
import type { FindingFilter } from './finding-query.js';
import { toFindingItem, type FindingLinks } from './finding-view.js';

export const csvHeader = [
  'Severity',
  'State',
  'Rule',
  'Message',
  'Repository',
  'Branch',
  'Path',
  'Start line',
  'End line',
  'Commit',
  'Link',
  'Default branch link',
  'First seen',
  'Last seen',
  'Fixed at',
  'Ignored reason',
] as const;

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes doubled. A cell that a
 * spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a
 * leading `'`, so the text shows as text (OWASP's advice against CSV injection).
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (cells: readonly (string | number | null)[]): string =>
  `${cells.map(csvCell).join(',')}\r\n`;

/** The findings matching `filter` as CSV text, a page at a time: a header row, then one row per finding. */
export async function* findingsCsv(
  db: Db,
  accountId: string,
  filter: FindingFilter,
  links: FindingLinks,
): AsyncGenerator<string> {
  yield csvLine(csvHeader);
  for await (const rows of findingPages(db, accountId, filter)) {
    let chunk = '';
    for (const row of rows) {
      const item = toFindingItem(row, links);
      chunk += csvLine([
        item.severity,
        item.state,
        item.ruleId,
        item.message,
        item.repository.fullName,
        item.branch,
        item.location?.path ?? null,
        item.location?.startLine ?? null,
        item.location?.endLine ?? null,
        item.commitSha,
        item.location?.url ?? null,
        item.location?.defaultBranchUrl ?? null,
        item.firstSeenAt,
        item.lastSeenAt,
        item.fixedAt,
        item.ignored?.reason ?? null,
      ]);
    }
    yield chunk;
  }
}
