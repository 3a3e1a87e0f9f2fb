import type { CiMode } from '../api/ci-job-schemas.js';

/** Pull request per repository (the default) or a commit straight to the default branch. */
export const CiModeChoice = ({
  mode,
  onChange,
}: {
  readonly mode: CiMode;
  readonly onChange: (mode: CiMode) => void;
}) => (
  <fieldset className="field">
    <legend>How to add it</legend>
    <div className="radio-group">
      <label className="radio">
        <input
          type="radio"
          name="ci-mode"
          value="pull-request"
          checked={mode === 'pull-request'}
          onChange={() => onChange('pull-request')}
        />
        <span>
          Open a pull request in each repository
          <span className="radio-hint list-meta">
            Each repository&apos;s owners review and merge it. Running again updates the same pull request.
          </span>
        </span>
      </label>
      <label className="radio">
        <input
          type="radio"
          name="ci-mode"
          value="direct"
          checked={mode === 'direct'}
          onChange={() => onChange('direct')}
        />
        <span>
          Commit to the default branch
          <span className="radio-hint list-meta">No review: the job runs from the next push.</span>
        </span>
      </label>
    </div>
    {mode === 'direct' ? (
      <p className="notice notice-warning" role="note">
        Protected default branches refuse a direct commit: those repositories fail with the rule to change,
        and a pull request is the way to reach them.
      </p>
    ) : null}
  </fieldset>
);
