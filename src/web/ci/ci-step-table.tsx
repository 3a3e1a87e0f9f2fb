import type { CiStep } from '../api/ci-job-schemas.js';
import { ExternalLink } from '../components/external-link.js';
import { withInlineCode } from '../lib/inline-code.js';
import {
  ciStepStatusBadges,
  ciStepStatusLabels,
  ciSystemLabels,
  outcomeText,
  requestWord,
  secretText,
  skipReasonLabels,
} from './ci-display.js';

const OutcomeCell = ({ step }: { readonly step: CiStep }) => {
  const secret = secretText(step.secret);
  if (!step.outcome && !secret) return <>—</>;
  return (
    <>
      {step.outcome ? <p>{outcomeText(step.outcome, step.system)}</p> : null}
      {step.pullRequestUrl ? (
        <p>
          <ExternalLink href={step.pullRequestUrl} label={`${requestWord(step.system)} of ${step.fullName}`}>
            {requestWord(step.system)}
          </ExternalLink>
        </p>
      ) : null}
      {step.commitUrl ? (
        <p>
          <ExternalLink href={step.commitUrl} label={`Commit in ${step.fullName}`}>
            Commit
          </ExternalLink>
        </p>
      ) : null}
      {secret ? <p className="list-meta">{secret}</p> : null}
    </>
  );
};

const DetailsCell = ({ step }: { readonly step: CiStep }) => {
  const reason = step.reason ? (skipReasonLabels[step.reason] ?? null) : null;
  if (!step.message && !step.fix && !reason) return <>—</>;
  return (
    <>
      {reason ? <p>{reason}</p> : null}
      {step.message ? <p>{withInlineCode(step.message)}</p> : null}
      {step.fix ? <p className="list-meta">Fix: {withInlineCode(step.fix)}</p> : null}
    </>
  );
};

/** The repositories of a run: where each stands, what came of it (with its pull request), and why it failed. */
export const CiStepTable = ({ steps }: { readonly steps: readonly CiStep[] }) => (
  <table className="table table-stack" aria-label="Repositories of the run">
    <thead>
      <tr>
        <th scope="col">Repository</th>
        <th scope="col">CI system</th>
        <th scope="col">Status</th>
        <th scope="col">Outcome</th>
        <th scope="col">Details</th>
      </tr>
    </thead>
    <tbody>
      {steps.map((step) => (
        <tr key={step.repositoryId} data-repository-id={step.repositoryId}>
          <td data-label="Repository">
            <span className="repo-name">{step.fullName}</span>
          </td>
          <td data-label="CI system">{step.system ? ciSystemLabels[step.system] : '—'}</td>
          <td data-label="Status">
            <span className={ciStepStatusBadges[step.status]}>{ciStepStatusLabels[step.status]}</span>
          </td>
          <td data-label="Outcome">
            <OutcomeCell step={step} />
          </td>
          <td data-label="Details">
            <DetailsCell step={step} />
          </td>
        </tr>
      ))}
    </tbody>
  </table>
);
