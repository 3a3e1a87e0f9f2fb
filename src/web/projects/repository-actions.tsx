import type { Repository } from '../api/schemas.js';
import { CommentsSwitch } from '../components/comments-switch.js';

export interface RepositoryActionsProps {
  readonly repository: Repository;
  readonly editTags: (repository: Repository) => void;
  /** Asks before excluding; including again needs no confirmation. */
  readonly setExcluded: (repository: Repository, excluded: boolean) => void;
  /** Switches its pull request comments; resolves with the state saved. */
  readonly setComments: (repository: Repository, enabled: boolean) => Promise<boolean>;
  readonly busy: boolean;
}

/** An admin's actions on a repository: its tags, whether it is scanned, whether its pull requests get comments. */
export const RepositoryActions = ({
  repository,
  editTags,
  setExcluded,
  setComments,
  busy,
}: RepositoryActionsProps) => (
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
    <CommentsSwitch
      owner={repository.fullName}
      enabled={repository.commentsEnabled ?? true}
      canChange
      save={(enabled) => setComments(repository, enabled)}
    />
  </td>
);
