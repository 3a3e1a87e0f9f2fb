import { addIteration } from './iterations.js';
import type { AdoPullRequest, AdoRepo, AdoUser, AzureDevOpsState } from './state.js';

/** What opening a pull request takes. */
export interface NewPullRequest {
  readonly title: string;
  readonly description: string;
  readonly sourceRefName: string;
  readonly targetRefName: string;
  readonly createdBy: AdoUser;
  readonly isDraft: boolean;
}

/** Opens an active pull request with its first iteration (the source head against the common commit). */
export function newPullRequest(state: AzureDevOpsState, repo: AdoRepo, init: NewPullRequest): AdoPullRequest {
  const pr: AdoPullRequest = {
    id: repo.project.org.nextPullRequestId++,
    repo,
    ...init,
    creationDate: state.now(),
    status: 'active',
    threads: [],
    iterations: [],
    statuses: [],
    closedDate: undefined,
    mergeCommit: undefined,
    changeTrackingIds: new Map(),
  };
  addIteration(pr, 'create', pr.creationDate);
  repo.pullRequests.set(pr.id, pr);
  return pr;
}
