import { severities } from '../api/finding-schemas.js';
import type { Repository } from '../api/schemas.js';
import {
  isActiveScan,
  scanStatusBadges,
  scanStatusLabels,
  severityLabels,
} from '../findings/finding-display.js';
import { findingsPath } from '../findings/finding-filters.js';
import { formatDateTime, shortSha } from '../lib/format.js';
import { Link } from '../router/router-context.js';

const knownStatus = (status: string) =>
  status === 'queued' || status === 'processing' || status === 'processed' || status === 'failed'
    ? status
    : null;

/** When the repository was last scanned, at which commit, and how that scan went; it opens the scan. */
export const LastScanCell = ({ repository }: { readonly repository: Repository }) => {
  const scan = repository.lastScan;
  if (!scan) return <span className="muted">Not scanned yet</span>;
  const status = knownStatus(scan.status);
  return (
    <>
      <Link to={findingsPath({ scanId: scan.id })} aria-label={`Last scan of ${repository.fullName}`}>
        {formatDateTime(scan.createdAt)}
      </Link>
      <p className="list-meta">
        <code title={scan.commitSha ?? undefined}>{shortSha(scan.commitSha)}</code>
        {scan.branch ? ` · ${scan.branch}` : ''}{' '}
        {status ? (
          <span className={scanStatusBadges[status]}>
            {scanStatusLabels[status]}
            {isActiveScan({ status }) ? '…' : ''}
          </span>
        ) : (
          scan.status
        )}
      </p>
    </>
  );
};

/** The repository's open findings by severity, each count opening the Findings page filtered to it. */
export const OpenFindingsCell = ({ repository }: { readonly repository: Repository }) => {
  const counts = repository.openFindings;
  if (!counts) return <span className="muted">—</span>;
  const total = severities.reduce((sum, severity) => sum + counts[severity], 0);
  if (total === 0) {
    return repository.lastScan ? <span className="muted">None open</span> : <span className="muted">—</span>;
  }
  return (
    <ul className="severity-counts" aria-label={`Open findings of ${repository.fullName}`}>
      {severities
        .filter((severity) => counts[severity] > 0)
        .map((severity) => (
          <li key={severity}>
            <Link
              to={findingsPath({ repositoryId: repository.id, severities: [severity] })}
              className={`badge badge-severity badge-${severity}`}
              aria-label={`${counts[severity]} ${severityLabels[severity].toLowerCase()} open in ${repository.fullName}`}
            >
              {counts[severity].toLocaleString('en-US')} {severityLabels[severity]}
            </Link>
          </li>
        ))}
      <li>
        <Link
          to={findingsPath({ repositoryId: repository.id })}
          className="list-meta"
          aria-label={`All ${total} open findings of ${repository.fullName}`}
        >
          All {total.toLocaleString('en-US')} open
        </Link>
      </li>
    </ul>
  );
};
