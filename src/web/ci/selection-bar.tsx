import { maxPickedRepositories, repositoriesText } from './ci-selection.js';
import type { RepositorySelectionState } from './use-repository-selection.js';

export interface SelectionBarProps {
  readonly state: RepositorySelectionState;
  /** How many rows the table shows now. */
  readonly shown: number;
  /** How many repositories the filters match, when the server said. */
  readonly total: number | undefined;
  readonly onAddCiJob: () => void;
}

/**
 * What is selected on the Projects page and what can be done with it: widen a full page to every repository
 * that matches, clear, and **Add CI job**. The count is announced as it changes.
 */
export const SelectionBar = ({ state, shown, total, onAddCiJob }: SelectionBarProps) => {
  const { selection, allMatching } = state;
  const count = selection?.kind === 'picked' ? selection.ids.length : 0;
  const more = total !== undefined && total > shown;
  const tooMany = count > maxPickedRepositories;
  const text = allMatching
    ? `All ${total !== undefined ? repositoriesText(total) : 'repositories'} that match are selected.`
    : count > 0
      ? `${repositoriesText(count)} selected.`
      : '';
  const limit = tooMany ? ` Pick at most ${maxPickedRepositories}, or select all that match.` : '';
  return (
    <div className="selection-bar">
      <p className="selection-count" role="status" aria-live="polite">
        {text}
        {limit}
      </p>
      {selection ? (
        <div className="selection-actions">
          {!allMatching && more && state.pageState === 'all' ? (
            <button type="button" className="button button-small" onClick={state.selectAllMatching}>
              Select all {total} that match
            </button>
          ) : null}
          <button type="button" className="button button-small" onClick={state.clear}>
            Clear selection
          </button>
          <button
            type="button"
            className="button button-primary button-small"
            disabled={tooMany}
            onClick={onAddCiJob}
          >
            Add CI job
          </button>
        </div>
      ) : null}
    </div>
  );
};
