import type { Repository } from '../api/schemas.js';

export interface RepositoryActionsProps {
  readonly repository: Repository;
  readonly editTags: (repository: Repository) => void;
  /** Asks before excluding; including again needs no confirmation. */
  readonly setExcluded: (repository: Repository, excluded: boolean) => void;
  readonly busy: boolean;
}

/** An admin's actions on a repository: its tags, and whether it is scanned. */
export const RepositoryActions = ({ repository, editTags, setExcluded, busy }: RepositoryActionsProps) => (
  <td className="cell-actions">
    <button
      type="button"
      className="button button-small"
      aria-label={`Edit tags of ${repository.fullName}`}
      onClick={() => editTags(repository)}
    >
      Edit tags
    </button>{' '}
    {repository.excluded ? (
      <button
        type="button"
        className="button button-small"
        aria-label={`Include ${repository.fullName} in scanning`}
        disabled={busy}
        onClick={() => setExcluded(repository, false)}
      >
        Include
      </button>
    ) : (
      <button
        type="button"
        className="button button-small button-danger-quiet"
        aria-label={`Exclude ${repository.fullName} from scanning`}
        disabled={busy}
        onClick={() => setExcluded(repository, true)}
      >
        Exclude
      </button>
    )}
  </td>
);
