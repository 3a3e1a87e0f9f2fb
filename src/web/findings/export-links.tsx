import { findingsExportPath } from '../api/findings-client.js';
import { findingQuery, type FindingFilters } from './finding-filters.js';

/** Download the findings the filters show, as CSV (spreadsheets) or SARIF (other tools). */
export const ExportLinks = ({
  accountId,
  filters,
}: {
  readonly accountId: string;
  readonly filters: FindingFilters;
}) => {
  const { cursor: _cursor, limit: _limit, ...query } = findingQuery(filters);
  return (
    <p className="export-links">
      <span className="muted">Export these findings:</span>
      <a
        className="button button-small"
        href={findingsExportPath(accountId, 'csv', query)}
        aria-label="Export as CSV"
        download
      >
        CSV
      </a>
      <a
        className="button button-small"
        href={findingsExportPath(accountId, 'sarif', query)}
        aria-label="Export as SARIF"
        download
      >
        SARIF
      </a>
    </p>
  );
};
