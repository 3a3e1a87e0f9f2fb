import type { FindingScan } from '../api/finding-schemas.js';
import { formatDateTime, shortSha } from '../lib/format.js';
import { Link } from '../router/router-context.js';

/** The scans that reported a finding, newest as the server orders them, each opening that scan's findings. */
export const FindingScans = ({ scans }: { readonly scans: readonly FindingScan[] }) => {
  if (scans.length === 0) return <p className="muted">No scan reported it.</p>;
  return (
    <table className="table table-stack" aria-label="Scans that reported it">
      <thead>
        <tr>
          <th scope="col">Scan</th>
          <th scope="col">Branch or pull request</th>
          <th scope="col">Uploaded</th>
        </tr>
      </thead>
      <tbody>
        {scans.map((scan) => (
          <tr key={scan.id}>
            <td data-label="Scan">
              <Link to={`/findings?scan=${encodeURIComponent(scan.id)}`}>
                Commit <code>{shortSha(scan.commitSha)}</code>
              </Link>
            </td>
            <td data-label="Branch or pull request">
              {scan.pullRequestNumber !== null && scan.pullRequestNumber !== undefined
                ? `Pull request #${scan.pullRequestNumber}`
                : (scan.branch ?? '—')}
              {scan.newInPullRequest ? <p className="list-meta">New in this pull request</p> : null}
            </td>
            <td data-label="Uploaded">{formatDateTime(scan.createdAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
};
