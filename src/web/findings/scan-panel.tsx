import { useId } from 'react';
import type { Scan } from '../api/finding-schemas.js';
import { FormError } from '../components/form-error.js';
import { formatDateTime, shortSha } from '../lib/format.js';
import { withInlineCode } from '../lib/inline-code.js';
import type { Resource } from '../lib/use-resource.js';
import { Link } from '../router/router-context.js';
import { isActiveScan, scanStatusBadges, scanStatusLabels } from './finding-display.js';
import type { FindingFilters } from './finding-filters.js';
import { SeverityBadge } from './finding-badges.js';
import { summaryView } from './scan-summary.js';

export interface ScanPanelProps {
  readonly scan: Resource<Scan>;
  readonly filters: FindingFilters;
  readonly show: (next: FindingFilters) => void;
}

const errorText = (error: Scan['error']): string | null =>
  !error ? null : typeof error === 'string' ? error : error.message;

const ScanFacts = ({ scan }: { readonly scan: Scan }) => (
  <dl className="facts">
    <dt>Status</dt>
    <dd>
      <span className={scanStatusBadges[scan.status]}>{scanStatusLabels[scan.status]}</span>
    </dd>
    <dt>Commit</dt>
    <dd>
      <code title={scan.commitSha}>{shortSha(scan.commitSha)}</code>
    </dd>
    {scan.pullRequestNumber !== null && scan.pullRequestNumber !== undefined ? (
      <>
        <dt>Pull request</dt>
        <dd>
          #{scan.pullRequestNumber}
          {scan.baseCommitSha ? (
            <span className="muted">
              {' '}
              against <code title={scan.baseCommitSha}>{shortSha(scan.baseCommitSha)}</code>
            </span>
          ) : null}
        </dd>
      </>
    ) : null}
    {scan.branch ? (
      <>
        <dt>Branch</dt>
        <dd>{scan.branch}</dd>
      </>
    ) : null}
    <dt>Uploaded at</dt>
    <dd>{formatDateTime(scan.createdAt)}</dd>
    {scan.processedAt ? (
      <>
        <dt>Processed at</dt>
        <dd>{formatDateTime(scan.processedAt)}</dd>
      </>
    ) : null}
    {scan.resultCount !== null && scan.resultCount !== undefined ? (
      <>
        <dt>Results</dt>
        <dd>{scan.resultCount.toLocaleString('en-US')}</dd>
      </>
    ) : null}
    {(scan.runs ?? []).length > 0 ? (
      <>
        <dt>Tools</dt>
        <dd>
          {(scan.runs ?? []).map((run, index) => (
            <p key={index}>
              {run.tool}
              {run.version ? ` ${run.version}` : ''}
              {run.category ? <span className="muted"> · {run.category}</span> : null}
              {run.resultCount !== null && run.resultCount !== undefined ? (
                <span className="muted"> · {run.resultCount.toLocaleString('en-US')} results</span>
              ) : null}
            </p>
          ))}
        </dd>
      </>
    ) : null}
  </dl>
);

/**
 * The scan a `?scan=` address names (the URL `scm-connect scans upload` prints): its status, live while it is
 * queued or processing, what it found, and for a pull request scan the choice of only the new findings.
 */
export const ScanPanel = ({ scan, filters, show }: ScanPanelProps) => {
  const headingId = useId();
  if (scan.status === 'loading') {
    return (
      <section className="card" aria-label="Scan">
        <p className="muted">Loading the scan…</p>
      </section>
    );
  }
  if (scan.status === 'error') {
    return (
      <section className="card" aria-label="Scan">
        <FormError message={scan.message} />
        <p className="muted">
          Check the scan id in the address, or <Link to="/findings">see all findings</Link>.
        </p>
      </section>
    );
  }
  const data = scan.data;
  const error = errorText(data.error);
  const isPullRequest = data.pullRequestNumber !== null && data.pullRequestNumber !== undefined;
  const summary = summaryView(data.summary, isPullRequest);
  return (
    <section className="card scan-panel" aria-labelledby={headingId}>
      <h2 id={headingId}>
        Scan of {data.repository.fullName} at <code>{shortSha(data.commitSha)}</code>
      </h2>
      <ScanFacts scan={data} />
      <p className="muted" role="status" aria-live="polite">
        {isActiveScan(data)
          ? 'The scan is being processed. This page updates on its own when it is done.'
          : data.status === 'processed'
            ? 'Processed. The findings it reported are listed below.'
            : ''}
      </p>
      {error ? (
        <p className="form-error" role="alert">
          The scan could not be processed: {withInlineCode(error)}
        </p>
      ) : null}
      {summary.facts.length > 0 ? (
        <>
          <h3 className="subheading">Summary</h3>
          <dl className="summary-counts">
            {summary.facts.map((fact) => (
              <div key={fact.label} className="summary-count">
                <dt>{fact.label}</dt>
                <dd>{fact.value.toLocaleString('en-US')}</dd>
              </div>
            ))}
          </dl>
          {summary.bySeverity.length > 0 ? (
            <ul className="chips" aria-label="Reported by severity">
              {summary.bySeverity.map((item) => (
                <li key={item.severity}>
                  <SeverityBadge severity={item.severity} /> {item.count.toLocaleString('en-US')}
                </li>
              ))}
            </ul>
          ) : null}
        </>
      ) : null}
      {isPullRequest ? (
        <label className="checkbox scan-new-only">
          <input
            type="checkbox"
            checked={filters.newInPullRequest}
            onChange={(event) => show({ ...filters, newInPullRequest: event.target.checked })}
          />
          Only findings new in this pull request
        </label>
      ) : null}
      <p className="list-meta">
        <Link to="/findings">See all open findings</Link>
      </p>
    </section>
  );
};
