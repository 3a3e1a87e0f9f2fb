import { findScmKind } from '../../core/scm-kinds.js';
import type { Connection } from '../api/schemas.js';
import { EmptyState } from '../components/empty-state.js';
import { ExternalLink } from '../components/external-link.js';

/** The source code organizations of all connections (GitHub orgs, GitLab groups, workspaces, projects). */
export const OrganizationsSection = ({ connections }: { readonly connections: readonly Connection[] }) => {
  const rows = connections.flatMap((connection) =>
    connection.organizations.map((organization) => ({ connection, organization })),
  );
  return (
    <section className="card" aria-labelledby="organizations-heading">
      <h2 id="organizations-heading">Source code organizations</h2>
      {rows.length === 0 ? (
        <EmptyState title="No source code organizations yet">
          <p>
            Organizations, groups, workspaces and projects appear here once a source code manager is
            connected.
          </p>
        </EmptyState>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Organization</th>
              <th scope="col">Source code manager</th>
              <th scope="col">Connection</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ connection, organization }) => (
              <tr key={`${connection.id}:${organization.id}`}>
                <td>
                  <ExternalLink href={organization.webUrl}>{organization.name}</ExternalLink>
                </td>
                <td>{findScmKind(connection.kind)?.name ?? connection.kind}</td>
                <td>{connection.name}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
};
