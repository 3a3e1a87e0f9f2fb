import { findScmKind } from '../../core/scm-kinds.js';
import type { Connection } from '../api/schemas.js';
import { EmptyState } from '../components/empty-state.js';
import { ExternalLink } from '../components/external-link.js';
import { formatDateTime } from '../lib/format.js';

const statusLabels: Readonly<Record<Connection['status'], string>> = {
  connected: 'Connected',
  pending: 'Pending',
  error: 'Error',
};

const lastTestText = (connection: Connection): string | null => {
  const report = connection.lastTest;
  if (!report) return null;
  const outcome = report.ok === undefined ? 'Tested' : report.ok ? 'Test passed' : 'Test failed';
  const when = report.checkedAt ? ` ${formatDateTime(report.checkedAt)}` : '';
  return report.summary ? `${outcome}${when}: ${report.summary}` : `${outcome}${when}`;
};

/** The account's connections, one row each with its kind, target, address and status. */
export const ConnectionList = ({ connections }: { readonly connections: readonly Connection[] }) => {
  if (connections.length === 0) {
    return (
      <EmptyState title="No source code managers connected yet">
        <p>Pick one below to connect it.</p>
      </EmptyState>
    );
  }
  return (
    <ul className="list" aria-label="Connections">
      {connections.map((connection) => {
        const kind = findScmKind(connection.kind);
        const test = lastTestText(connection);
        return (
          <li key={connection.id} className="list-row">
            <div className="list-main">
              <p className="list-title">{connection.name}</p>
              <p className="list-meta">
                {kind?.name ?? connection.kind}
                {connection.target ? <> · {connection.target}</> : null}
                {connection.baseUrl ? (
                  <>
                    {' · '}
                    <ExternalLink href={connection.baseUrl} />
                  </>
                ) : null}
              </p>
              {test ? <p className="list-meta">{test}</p> : null}
            </div>
            <span className={`badge badge-${connection.status}`}>{statusLabels[connection.status]}</span>
          </li>
        );
      })}
    </ul>
  );
};
