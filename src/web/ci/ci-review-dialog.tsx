import { useState } from 'react';
import { useApi } from '../api/api-context.js';
import type { CiMode } from '../api/ci-job-schemas.js';
import { Dialog } from '../components/dialog.js';
import { ExternalLink } from '../components/external-link.js';
import { FormError } from '../components/form-error.js';
import { useResource } from '../lib/use-resource.js';
import { useSubmit } from '../lib/use-submit.js';
import { useNavigate } from '../router/router-context.js';
import { CiFileDiff } from './ci-file-diff.js';
import { ciOutcomeLabels, ciSystemLabels, skipReasonLabels } from './ci-display.js';
import { repositoriesText, targetsOf, type RepositorySelection } from './ci-selection.js';
import { CiModeChoice } from './ci-mode-choice.js';

/** At most this many repositories are listed with Show diff; the run covers all of them anyway. */
const listedLimit = 50;

export interface CiReviewDialogProps {
  readonly accountId: string;
  readonly selection: RepositorySelection;
  /** Repositories the page knows by name, to list with Show diff: the selected rows shown. */
  readonly shown: readonly { readonly id: string; readonly fullName: string }[];
  readonly onClose: () => void;
}

/**
 * Review before the bulk run: how many repositories get the CI job, which are skipped and why, the file each CI
 * system gets, and per repository the change to a file already there. Start queues the run and opens its page.
 */
export const CiReviewDialog = ({ accountId, selection, shown, onClose }: CiReviewDialogProps) => {
  const api = useApi();
  const navigate = useNavigate();
  const targets = targetsOf(selection);
  const [review] = useResource(`ci-review:${accountId}:${JSON.stringify(targets)}`, (signal) =>
    api.reviewCiJob(accountId, targets, { signal }),
  );
  const [mode, setMode] = useState<CiMode>('pull-request');
  const start = useSubmit(async () => {
    const run = await api.startCiRun(accountId, targets, mode);
    navigate(`/ci-jobs/${encodeURIComponent(run.id)}`);
  }, 'Could not start adding the CI job.');

  const ready = review.status === 'ready' ? review.data : null;
  const skippedIds = new Set(ready?.skipped.map((item) => item.repositoryId) ?? []);
  const listed = shown.filter((item) => !skippedIds.has(item.id));

  return (
    <Dialog
      title="Add the CI job"
      wide
      onClose={onClose}
      actions={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-primary"
            disabled={!ready || ready.eligible === 0 || start.busy}
            onClick={start.run}
          >
            {start.busy ? 'Starting…' : 'Start'}
          </button>
        </>
      }
    >
      <div className="ci-review" aria-busy={review.status === 'loading'}>
        {review.status === 'loading' ? <p className="muted">Checking the selected repositories…</p> : null}
        {review.status === 'error' ? <FormError message={review.message} /> : null}
        {ready ? (
          <>
            <p className="ci-review-summary">
              <strong>
                {ready.eligible} of {repositoriesText(ready.total)}
              </strong>{' '}
              {ready.eligible === 1 ? 'gets' : 'get'} the scanner&apos;s CI job
              {ready.skipped.length > 0 ? `; ${ready.skipped.length} skipped.` : '.'}
            </p>

            {ready.skipped.length > 0 ? (
              <section aria-labelledby="ci-skipped-heading">
                <h3 className="subheading" id="ci-skipped-heading">
                  Skipped
                </h3>
                <ul className="ci-skipped" aria-labelledby="ci-skipped-heading">
                  {ready.skipped.map((item) => (
                    <li key={item.repositoryId}>
                      <strong>{item.fullName}</strong>{' '}
                      <span className="badge badge-archived">
                        {skipReasonLabels[item.reason] ?? item.reason}
                      </span>
                      <p className="list-meta">{item.message}</p>
                    </li>
                  ))}
                </ul>
              </section>
            ) : null}

            {ready.alreadyDone.length > 0 ? (
              <section aria-labelledby="ci-done-heading">
                <h3 className="subheading" id="ci-done-heading">
                  Already have the CI job
                </h3>
                <p className="list-meta">
                  An earlier run gave these the job; this run checks them again and changes nothing where the
                  file is the same.
                </p>
                <ul className="ci-skipped" aria-labelledby="ci-done-heading">
                  {ready.alreadyDone.map((item) => (
                    <li key={item.repositoryId}>
                      <strong>{item.fullName}</strong>{' '}
                      <span className="badge">{ciOutcomeLabels[item.outcome]}</span>
                      {item.pullRequestUrl ? (
                        <>
                          {' '}
                          <ExternalLink href={item.pullRequestUrl} label={`Pull request of ${item.fullName}`}>
                            Pull request
                          </ExternalLink>
                        </>
                      ) : null}
                    </li>
                  ))}
                </ul>
              </section>
            ) : null}

            {ready.systems.map((system) => (
              <section key={system.system} className="ci-system" aria-label={`${system.label} file`}>
                <h3 className="subheading">
                  {system.label || ciSystemLabels[system.system]} · {repositoriesText(system.repositories)}
                </h3>
                <p className="list-meta">
                  File: <code>{system.path}</code> (where a repository has none yet; an existing file gets the
                  job merged in)
                </p>
                <pre className="code-block ci-file" tabIndex={0} aria-label={`${system.path} to be written`}>
                  <code>{system.content}</code>
                </pre>
              </section>
            ))}

            {listed.length > 0 ? (
              <section aria-labelledby="ci-repositories-heading">
                <h3 className="subheading" id="ci-repositories-heading">
                  Repositories
                </h3>
                <ul className="ci-repositories" aria-labelledby="ci-repositories-heading">
                  {listed.slice(0, listedLimit).map((item) => (
                    <CiFileDiff key={item.id} accountId={accountId} repository={item} />
                  ))}
                </ul>
                {listed.length > listedLimit ? (
                  <p className="list-meta">
                    Showing {listedLimit} of {listed.length}; the run covers every eligible repository.
                  </p>
                ) : null}
                {selection.kind === 'all' && ready.eligible > listed.length ? (
                  <p className="list-meta">
                    Listed: the repositories shown on the page. The run covers all {ready.eligible} eligible.
                  </p>
                ) : null}
              </section>
            ) : null}

            {ready.eligible > 0 ? <CiModeChoice mode={mode} onChange={setMode} /> : null}
          </>
        ) : null}
        <FormError message={start.error} />
      </div>
    </Dialog>
  );
};
