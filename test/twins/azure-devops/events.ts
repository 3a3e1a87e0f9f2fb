import type { AdoComment, AdoPullRequest, AdoThread } from './state.js';

/** What the API routes tell the service-hook side about, so that it raises the events Azure DevOps raises. */
export interface AdoTwinEvents {
  /** A thread's first comment or a reply was posted: `ms.vss-code.git-pullrequest-comment-event`. */
  commentAdded(origin: string, pr: AdoPullRequest, thread: AdoThread, comment: AdoComment): void;
  /** The pull request was abandoned or completed: `git.pullrequest.updated` (and `git.pullrequest.merged`). */
  pullRequestClosed(origin: string, pr: AdoPullRequest): void;
}
