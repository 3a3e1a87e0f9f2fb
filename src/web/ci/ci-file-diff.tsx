import { useState } from 'react';
import { useApi } from '../api/api-context.js';
import type { CiFileReview } from '../api/ci-job-schemas.js';
import { FormError } from '../components/form-error.js';

const statusText: Readonly<Record<CiFileReview['status'], string>> = {
  new: 'No file there yet: it is created as shown above.',
  merge: 'A file is there: the job is merged into it.',
  present: 'The file already holds the job: nothing to change.',
};

/** A unified diff, each line marked as added, removed or context for the eye (the text says it all too). */
export const DiffBlock = ({ diff, label }: { readonly diff: string; readonly label: string }) => (
  <pre className="code-block ci-diff" tabIndex={0} aria-label={label}>
    <code>
      {diff.split('\n').map((line, index) => {
        const kind = line.startsWith('+') ? 'diff-add' : line.startsWith('-') ? 'diff-remove' : undefined;
        return (
          <span key={index} className={kind}>
            {line}
            {'\n'}
          </span>
        );
      })}
    </code>
  </pre>
);

type State =
  | { readonly status: 'closed' | 'loading' }
  | { readonly status: 'error'; readonly message: string }
  | { readonly status: 'ready'; readonly file: CiFileReview };

/** One repository of the review: Show diff reads its CI file on the default branch and shows the change. */
export const CiFileDiff = ({
  accountId,
  repository,
}: {
  readonly accountId: string;
  readonly repository: { readonly id: string; readonly fullName: string };
}) => {
  const api = useApi();
  const [open, setOpen] = useState(false);
  const [state, setState] = useState<State>({ status: 'closed' });
  const regionId = `ci-diff-${repository.id}`;

  const toggle = () => {
    const next = !open;
    setOpen(next);
    if (!next || state.status === 'ready' || state.status === 'loading') return;
    setState({ status: 'loading' });
    api.reviewCiFile(accountId, repository.id).then(
      (file) => setState({ status: 'ready', file }),
      (error: unknown) =>
        setState({
          status: 'error',
          message: error instanceof Error ? error.message : 'Could not read the file.',
        }),
    );
  };

  return (
    <li className="ci-repository">
      <div className="ci-repository-row">
        <span className="ci-repository-name">{repository.fullName}</span>
        <button
          type="button"
          className="button button-small"
          aria-expanded={open}
          aria-controls={regionId}
          aria-label={`${open ? 'Hide' : 'Show'} diff of ${repository.fullName}`}
          onClick={toggle}
        >
          {open ? 'Hide diff' : 'Show diff'}
        </button>
      </div>
      {open ? (
        <div id={regionId} className="ci-repository-diff" aria-live="polite">
          {state.status === 'loading' ? <p className="muted">Reading the file…</p> : null}
          {state.status === 'error' ? <FormError message={state.message} /> : null}
          {state.status === 'ready' ? (
            <>
              <p className="list-meta">
                <code>{state.file.path}</code>: {statusText[state.file.status]}
              </p>
              {state.file.diff ? (
                <DiffBlock
                  diff={state.file.diff}
                  label={`Changes to ${state.file.path} in ${repository.fullName}`}
                />
              ) : null}
            </>
          ) : null}
        </div>
      ) : null}
    </li>
  );
};
