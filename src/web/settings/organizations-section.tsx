import { findScmKind } from '../../core/scm-kinds.js';
import type { AccountOrganization, Connection } from '../api/schemas.js';
import { EmptyState } from '../components/empty-state.js';
import { ExternalLink } from '../components/external-link.js';
import { FormError } from '../components/form-error.js';
import type { Resource } from '../lib/use-resource.js';

export interface OrganizationsSectionProps {
  readonly organizations: Resource<readonly AccountOrganization[]>;
  readonly connections: readonly Connection[];
}

/** The source code organizations of all connections (GitLab groups, workspaces, projects, organizations). */
export const OrganizationsSection = ({ organizations, connections }: OrganizationsSectionProps) => {
  const connectionName = (id: string) => connections.find((connection) => connection.id === id)?.name ?? '—';
  const rows = organizations.status === 'ready' ? organizations.data : [];
  return (
    <section className="card" aria-labelledby="organizations-heading">
      <h2 id="organizations-heading">Source code organizations</h2>
      {organizations.status === 'loading' ? <p className="muted">Loading…</p> : null}
      {organizations.status === 'error' ? <FormError message={organizations.message} /> : null}
      {organizations.status === 'ready' && rows.length === 0 ? (
        <EmptyState title="No source code organizations yet">
          <p>
            Organizations, groups, workspaces and projects appear here once a source code manager is
            connected.
          </p>
        </EmptyState>
      ) : null}
      {rows.length > 0 ? (
        <table className="table table-stack" aria-label="Source code organizations">
          <thead>
            <tr>
              <th scope="col">Organization</th>
              <th scope="col">Source code manager</th>
              <th scope="col">Connection</th>
              <th scope="col">Repositories</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((organization) => (
              <tr key={`${organization.connectionId}:${organization.id}`}>
                <td data-label="Organization">
                  <ExternalLink href={organization.webUrl}>{organization.name}</ExternalLink>
                </td>
                <td data-label="Source code manager">
                  {findScmKind(organization.kind)?.name ?? organization.kind}
                </td>
                <td data-label="Connection">{connectionName(organization.connectionId)}</td>
                <td data-label="Repositories">{organization.repositoryCount ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
};
