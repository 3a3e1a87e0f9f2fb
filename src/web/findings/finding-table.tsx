import type { Finding } from '../api/finding-schemas.js';
import { formatDateTime } from '../lib/format.js';
import { Link } from '../router/router-context.js';
import { branchLabel, firstLine, ignoreReasonLabel } from './finding-display.js';
import { SeverityBadge, StateBadge } from './finding-badges.js';
import { LocationLinks } from './location-links.js';

/**
 * Findings as a table: severity, the message's first line (the link to the finding's page), rule, repository,
 * where in the code (linked at the scanned commit), state and when last seen. Everything from the scanner is
 * shown as text.
 */
export const FindingTable = ({ findings }: { readonly findings: readonly Finding[] }) => (
  <table className="table table-stack findings-table" aria-label="Findings">
    <thead>
      <tr>
        <th scope="col">Severity</th>
        <th scope="col">Finding</th>
        <th scope="col">Rule</th>
        <th scope="col">Repository</th>
        <th scope="col">Location</th>
        <th scope="col">State</th>
        <th scope="col">Last seen</th>
      </tr>
    </thead>
    <tbody>
      {findings.map((finding) => {
        const message = firstLine(finding.message) || finding.ruleId;
        return (
          <tr key={finding.id} data-finding-id={finding.id}>
            <td data-label="Severity">
              <SeverityBadge severity={finding.severity} />
            </td>
            <td data-label="Finding">
              <Link to={`/findings/${encodeURIComponent(finding.id)}`} className="finding-link">
                {message}
              </Link>
              {finding.rule?.name ? <p className="list-meta">{finding.rule.name}</p> : null}
            </td>
            <td data-label="Rule">
              <p className="rule-id">{finding.ruleId}</p>
              <p className="list-meta">{finding.tool}</p>
            </td>
            <td data-label="Repository">
              <p className="repository-name">{finding.repository.fullName}</p>
              {finding.branch ? <p className="list-meta">{branchLabel(finding.branch)}</p> : null}
            </td>
            <td data-label="Location">
              <LocationLinks location={finding.location} />
            </td>
            <td data-label="State">
              <StateBadge finding={finding} />
              {finding.ignored ? (
                <p className="list-meta">{ignoreReasonLabel(finding.ignored.reason)}</p>
              ) : null}
            </td>
            <td data-label="Last seen">{formatDateTime(finding.lastSeenAt)}</td>
          </tr>
        );
      })}
    </tbody>
  </table>
);
