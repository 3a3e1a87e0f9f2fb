import type { FamiliesWorld, Family } from '../findings/scan-families.js';

/*
 * What the pull request comment tests need of each SCM's twin, beyond what the service does through the API:
 * opening pull requests, reading what the twin holds, and acting as the people on the pull request.
 * One kit per kind in `kits/`, so that every scenario is written once over the five comment APIs.
 */

/** A comment thread as the twin holds it: a summary comment, or an inline comment with its place. */
export interface TwinThread {
  /** The SCM's id of the thread's first comment (as `ScmComment.id`). */
  readonly id: string;
  /** Inline threads: the file and the (last) line on the new side. */
  readonly path?: string;
  readonly line?: number;
  readonly body: string;
  /** The login (username, unique name) of the first comment's author. */
  readonly author: string;
  /** Whether the thread is resolved (GitHub review thread, GitLab discussion, Bitbucket, Azure DevOps "fixed"). */
  readonly resolved: boolean;
  readonly replies: readonly { readonly author: string; readonly body: string }[];
}

export interface TwinStatus {
  readonly state: 'pending' | 'success' | 'failure';
  readonly description: string;
  readonly targetUrl: string;
}

export interface OpenedPullRequest {
  readonly number: number;
  readonly headSha: string;
  readonly baseSha: string;
}

export interface PullRequestKit {
  /** The login the connection comments as. */
  readonly botLogin: string;
  /** Branch `branch` from main's head with `files` committed on it, and a pull request from it into main. */
  openPullRequest(branch: string, files: Readonly<Record<string, string>>): Promise<OpenedPullRequest>;
  /** Commits `files` to `branch` (an open pull request's source); resolves with the new head. */
  push(branch: string, files: Readonly<Record<string, string>>): Promise<string>;
  /** Every comment thread of the pull request, summary and inline, oldest first, read from the twin's state. */
  threads(pr: number): Promise<readonly TwinThread[]>;
  /** scm-connect's status on the pull request's commit `sha`, read from the twin's state; undefined when none. */
  status(pr: number, sha: string): Promise<TwinStatus | undefined>;
  /** API write calls (POST, PUT, PATCH, DELETE, GraphQL mutations) the twin has answered since it started. */
  writes(): number;
  /**
   * A person replies in thread `threadId` (a {@link TwinThread} id): `writer` may write to the repository,
   * `reader` may only read it. The twin delivers the SCM's comment webhook to scm-connect, as the SCM does.
   */
  reply(pr: number, threadId: string, who: 'writer' | 'reader', body: string): Promise<void>;
  /** Closes the pull request without merging, or merges it; the twin delivers the SCM's webhook. */
  close(pr: number, merged: boolean): Promise<void>;
}

export type PullRequestKitFactory = (world: FamiliesWorld, family: Family) => Promise<PullRequestKit>;
