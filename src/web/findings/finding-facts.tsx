import type { FindingDetail } from '../api/finding-schemas.js';
import { formatDateTime, shortSha } from '../lib/format.js';
import { Link } from '../router/router-context.js';
import { branchLabel, ignoreReasonLabel } from './finding-display.js';
import { findingsPath } from './finding-filters.js';
import { LocationLinks } from './location-links.js';

/** Where and when: repository, branch, tool, location, commit, and the dates of its life. */
export const FindingFacts = ({ finding }: { readonly finding: FindingDetail }) => (
  <dl className="facts">
    <dt>Location</dt>
    <dd>
      <LocationLinks location={finding.location} />
    </dd>
    <dt>Repository</dt>
    <dd>
      <Link to={findingsPath({ repositoryId: finding.repository.id })}>{finding.repository.fullName}</Link>
    </dd>
    {finding.branch ? (
      <>
        <dt>Branch</dt>
        <dd>{branchLabel(finding.branch)}</dd>
      </>
    ) : null}
    <dt>Tool</dt>
    <dd>
      {finding.tool}
      {finding.category ? <span className="muted"> · {finding.category}</span> : null}
    </dd>
    <dt>Commit</dt>
    <dd>
      <code title={finding.commitSha ?? undefined}>{shortSha(finding.commitSha)}</code>
      <span className="muted"> (last scanned)</span>
    </dd>
    <dt>First seen</dt>
    <dd>{formatDateTime(finding.firstSeenAt)}</dd>
    <dt>Last seen</dt>
    <dd>{formatDateTime(finding.lastSeenAt)}</dd>
    {finding.fixedAt ? (
      <>
        <dt>Fixed</dt>
        <dd>{formatDateTime(finding.fixedAt)}</dd>
      </>
    ) : null}
    {finding.ignored ? (
      <>
        <dt>Ignored</dt>
        <dd>
          {ignoreReasonLabel(finding.ignored.reason)}
          {finding.ignored.by ? ` by ${finding.ignored.by.name}` : ''}
          {finding.ignored.at ? `, ${formatDateTime(finding.ignored.at)}` : ''}
          {finding.ignored.note ? <p className="pre-line">{finding.ignored.note}</p> : null}
        </dd>
      </>
    ) : null}
  </dl>
);
