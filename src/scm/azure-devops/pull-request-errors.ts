import { ScmError } from '../errors.js';
import type { PullRequestRef } from '../provider.js';
import type { AdoAnswer, AdoRepoPath } from './client.js';
import { repoOf } from './files.js';
import { invalidCredentials, neededScopes, patFix, type AdoContext } from './connection-checks.js';
import type { AdoPullRequestClient, AdoPullRequestPath } from './pull-request-client.js';

/** What the comment operations share: the connection and its pull request calls. */
export interface AdoCommentContext {
  readonly ctx: AdoContext;
  readonly prs: AdoPullRequestClient;
}

export type Refused = Extract<AdoAnswer<unknown>, { ok: false }>;

/** Pull request threads take `vso.code_write` or `vso.threads_full` (Pull Request Threads, Read & write). */
export const threadScopes = ['vso.threads_full', 'vso.code_write'] as const;
/** Pull request statuses take `vso.code_status` (Code, Status) or `vso.code_write`. */
export const statusScopes = ['vso.code_status', 'vso.code_write'] as const;

/** The project (by name), repository (by id) and pull request of a reference. */
export function pullRequestPath(pr: PullRequestRef): AdoPullRequestPath {
  if (!Number.isSafeInteger(pr.number) || pr.number < 1) {
    throw new ScmError('invalid', 'An Azure DevOps pull request id is a positive integer.', {
      code: 'invalid_pull_request',
    });
  }
  const repo: AdoRepoPath = repoOf(pr.repository);
  return { ...repo, pullRequestId: pr.number };
}

const named = (scopes: readonly string[]) => scopes.map((scope) => `\`${scope}\``).join(' or ');

/** Why Azure DevOps refused a call about `what` ("the threads of pull request 4 in org/project/repo"). */
export function refusalError(
  ctx: AdoContext,
  what: string,
  answer: Refused,
  scopes: readonly string[],
): ScmError {
  switch (answer.refusal) {
    case 'bad-credentials':
      // A sign-in page is a token Azure DevOps did not take; a 401 TF400813 is also how it refuses a scope.
      if (answer.status !== 401) return invalidCredentials(ctx, answer.status);
      return new ScmError(
        'forbidden',
        `Azure DevOps refused the token access to ${what} (401): the token lacks ${named(scopes)}, or it is no longer valid.`,
        { code: 'insufficient_scopes', status: 401, fix: patFix(ctx, [...neededScopes, scopes[0]!]) },
      );
    case 'denied':
      return new ScmError('forbidden', `Azure DevOps refused the token's user access to ${what} (403).`, {
        code: 'insufficient_permissions',
        status: answer.status,
        fix: "Give the token's user Contribute to pull requests on the repository (Project settings > Repositories > Security), or use a token of a Contributor.",
      });
    case 'not-found':
      return new ScmError('not-found', `Azure DevOps found no ${what} (404).`, {
        code: 'scm_not_found',
        status: answer.status,
      });
    case 'rejected':
      return new ScmError('invalid', `Azure DevOps rejected the call about ${what} (${answer.status}).`, {
        code: 'upstream_rejected',
        status: answer.status,
      });
  }
}

/** The data of an answer, or the error its refusal stands for. */
export function dataOf<T>(ctx: AdoContext, what: string, answer: AdoAnswer<T>, scopes: readonly string[]): T {
  if (answer.ok) return answer.data;
  throw refusalError(ctx, what, answer, scopes);
}
