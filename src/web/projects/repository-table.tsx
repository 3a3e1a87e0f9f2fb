import { findScmKind } from '../../core/scm-kinds.js';
import type { Connection, Repository } from '../api/schemas.js';
import { ExternalLink } from '../components/external-link.js';
import { formatDateTime } from '../lib/format.js';

export interface RepositoryTableProps {
  readonly repositories: readonly Repository[];
  readonly connections: readonly Connection[];
}

/**
 * Repositories as a table. Names and paths come from the SCM and are shown as text; a name links to the
 * repository only when its address is http(s).
 */
export const RepositoryTable = ({ repositories, connections }: RepositoryTableProps) => {
  const byId = new Map(connections.map((connection) => [connection.id, connection]));
  return (
    <table className="table table-stack" aria-label="Repositories">
      <thead>
        <tr>
          <th scope="col">Repository</th>
          <th scope="col">Source code manager</th>
          <th scope="col">Default branch</th>
          <th scope="col">Visibility</th>
          <th scope="col">Synced</th>
        </tr>
      </thead>
      <tbody>
        {repositories.map((repository) => {
          const connection = byId.get(repository.connectionId);
          return (
            <tr key={repository.id}>
              <td data-label="Repository">
                <p className="repo-name">
                  <ExternalLink href={repository.webUrl}>{repository.name}</ExternalLink>
                  {repository.archived ? <span className="badge badge-archived">Archived</span> : null}
                </p>
                {repository.fullName !== repository.name ? (
                  <p className="list-meta">{repository.fullName}</p>
                ) : null}
              </td>
              <td data-label="Source code manager">
                {connection ? (
                  <>
                    {findScmKind(connection.kind)?.name ?? connection.kind}
                    <p className="list-meta">{connection.name}</p>
                  </>
                ) : (
                  '—'
                )}
              </td>
              <td data-label="Default branch">
                {repository.defaultBranch ? <code>{repository.defaultBranch}</code> : '—'}
              </td>
              <td data-label="Visibility">{repository.visibility ?? '—'}</td>
              <td data-label="Synced">{formatDateTime(repository.syncedAt)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
};
