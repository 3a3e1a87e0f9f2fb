import { ScmError } from '../errors.js';
import type { PullRequestRef, ScmRepositoryRef } from '../provider.js';
import type { BbdcAnswer } from './client.js';
import { invalidCredentials, type BbdcContext } from './connection-checks.js';
import type { BbdcRepoPath } from './pull-request-client.js';

export type Refused = Extract<BbdcAnswer<unknown>, { ok: false }>;

const nameOf = (repository: ScmRepositoryRef) => JSON.stringify(repository.fullName.slice(0, 200));

/** `KEY/slug` (or `~USER/slug` for a personal repository), split; refuses anything else. */
export function repoPathOf(repository: ScmRepositoryRef): BbdcRepoPath {
  const parts = repository.fullName.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new ScmError('invalid', `${nameOf(repository)} is not a Bitbucket Data Center \`KEY/slug\` name.`, {
      code: 'invalid_repository',
    });
  }
  return { projectKey: parts[0], slug: parts[1] };
}

/** A pull request number Data Center can hold (a positive 64-bit id; scm-connect takes safe integers). */
export function pullRequestId(pr: PullRequestRef): number {
  if (!Number.isSafeInteger(pr.number) || pr.number < 1) {
    throw new ScmError('invalid', `${String(pr.number)} is not a pull request number.`, {
      code: 'invalid_pull_request',
    });
  }
  return pr.number;
}

/** A comment id as Data Center gives them: digits. */
export function commentIdOf(id: string): string {
  if (!/^\d{1,19}$/.test(id)) {
    throw new ScmError(
      'invalid',
      `${JSON.stringify(id.slice(0, 40))} is not a Bitbucket Data Center comment id.`,
      {
        code: 'invalid_comment',
      },
    );
  }
  return id;
}

/**
 * The ScmError for a refused pull request call: `what` names the call ("comment on", "read the diff of"),
 * `permission` what the token needs for it.
 */
export function pullRequestRefusal(
  ctx: BbdcContext,
  pr: PullRequestRef,
  answer: Refused,
  what: string,
  permission = 'Repository read',
): ScmError {
  const target = `pull request #${pr.number} of ${nameOf(pr.repository)}`;
  switch (answer.refusal) {
    case 'bad-credentials':
      return invalidCredentials(ctx, answer.status);
    case 'not-permitted':
      return new ScmError('forbidden', `The token may not ${what} ${target}.`, {
        code: 'insufficient_permissions',
        status: answer.status,
        fix: `Give the token ${permission} on ${nameOf(pr.repository)} (or the project ${ctx.projectKey}), then update the connection.`,
      });
    case 'not-found':
      return new ScmError('not-found', `Bitbucket Data Center has no ${target} (or the comment is gone).`, {
        code: 'pull_request_not_found',
        status: answer.status,
      });
    case 'rejected':
      return answer.status === 409
        ? new ScmError(
            'invalid',
            `Bitbucket Data Center refused to change ${target}: the repository is archived or the comment changed meanwhile.`,
            {
              code: 'comment_conflict',
              status: answer.status,
            },
          )
        : new ScmError('invalid', `Bitbucket Data Center refused to ${what} ${target} (${answer.status}).`, {
            code: 'upstream_rejected',
            status: answer.status,
          });
  }
}
