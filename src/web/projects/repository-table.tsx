import { findScmKind } from '../../core/scm-kinds.js';
import type { Connection, Repository } from '../api/schemas.js';
import { ActionsHeader } from '../components/row-actions.js';
import { ExternalLink } from '../components/external-link.js';
import { formatDateTime } from '../lib/format.js';
import { SelectPageHeader, SelectRowCell } from '../ci/selection-cells.js';
import type { RowSelection } from '../ci/use-repository-selection.js';
import { RepositoryActions, type RepositoryActionsProps } from './repository-actions.js';
import { LastScanCell, OpenFindingsCell } from './scan-cells.js';
import { TagChips } from './tag-chips.js';

export interface RepositoryTableProps {
  readonly repositories: readonly Repository[];
  readonly connections: readonly Connection[];
  /** Edit tags, exclude and include, switch comments; null for members, who only look. */
  readonly actions:
    (Omit<RepositoryActionsProps, 'repository' | 'busy'> & { readonly busyId: string | null }) | null;
  /** A check box per row (admins pick repositories for the CI job); absent or null: no boxes. */
  readonly selection?: RowSelection | null;
}

/**
 * Repositories as a table: each with its tags, its last scan and its open findings by severity. Names and
 * paths come from the SCM and are shown as text; a name links to the repository only when its address is
 * http(s).
 */
export const RepositoryTable = ({ repositories, connections, actions, selection }: RepositoryTableProps) => {
  const byId = new Map(connections.map((connection) => [connection.id, connection]));
  return (
    <table className="table table-stack" aria-label="Repositories">
      <thead>
        <tr>
          {selection ? <SelectPageHeader selection={selection} /> : null}
          <th scope="col">Repository</th>
          <th scope="col">Source code manager</th>
          <th scope="col">Last scan</th>
          <th scope="col">Open findings</th>
          <th scope="col">Synced</th>
          {actions ? <ActionsHeader /> : null}
        </tr>
      </thead>
      <tbody>
        {repositories.map((repository) => {
          const connection = byId.get(repository.connectionId);
          const details = [repository.defaultBranch, repository.visibility].filter(Boolean).join(' · ');
          return (
            <tr key={repository.id} data-repository-id={repository.id}>
              {selection ? (
                <SelectRowCell selection={selection} id={repository.id} name={repository.fullName} />
              ) : null}
              <td data-label="Repository">
                <p className="repo-name">
                  <ExternalLink href={repository.webUrl}>{repository.name}</ExternalLink>
                  {repository.archived ? <span className="badge badge-archived">Archived</span> : null}
                  {repository.excluded ? (
                    <span className="badge badge-excluded">Excluded from scanning</span>
                  ) : null}
                </p>
                {repository.fullName !== repository.name ? (
                  <p className="list-meta">{repository.fullName}</p>
                ) : null}
                {details ? <p className="list-meta">{details}</p> : null}
                {repository.commentsEnabled === false ? (
                  <p className="list-meta">No pull request comments</p>
                ) : null}
                <TagChips tags={repository.tags ?? []} owner={repository.fullName} />
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
              <td data-label="Last scan">
                <LastScanCell repository={repository} />
              </td>
              <td data-label="Open findings">
                <OpenFindingsCell repository={repository} />
              </td>
              <td data-label="Synced">{formatDateTime(repository.syncedAt)}</td>
              {actions ? (
                <RepositoryActions
                  repository={repository}
                  editTags={actions.editTags}
                  setExcluded={actions.setExcluded}
                  setComments={actions.setComments}
                  busy={actions.busyId === repository.id}
                />
              ) : null}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
};
