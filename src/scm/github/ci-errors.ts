import { ScmError } from '../errors.js';
import { isRequestError } from './request-errors.js';

type Repo = { readonly owner: string; readonly repo: string };

/** The directory whose files need the app's `workflows` permission to be written. */
export const workflowsDirectory = '.github/workflows/';

export function emptyRepository(repo: Repo): ScmError {
  return new ScmError(
    'not-found',
    `\`${repo.owner}/${repo.repo}\` is empty (or still being created): it has no branch to add a CI file on.`,
    {
      code: 'repository_empty',
      fix: 'Push a first commit to the repository, then add the CI job again.',
    },
  );
}

export function notAFile(path: string): ScmError {
  return new ScmError('invalid', `\`${path.slice(0, 200)}\` is a directory in the repository, not a file.`, {
    code: 'ci_path_not_a_file',
    fix: 'Choose another path for the CI file.',
  });
}

export function refNotFound(repo: Repo, ref: string): ScmError {
  return new ScmError(
    'not-found',
    `\`${repo.owner}/${repo.repo}\` has no branch, tag or commit \`${ref.slice(0, 200)}\`.`,
    { code: 'ref_not_found', status: 404, fix: 'Read the file on an existing branch.' },
  );
}

/**
 * GitHub's body text, only to tell refusals apart; never put into a message. `documentation_url` is kept with
 * it: branch protection answers point at "About protected branches".
 */
function upstreamText(error: unknown): string {
  if (!isRequestError(error)) return '';
  const data = error.response?.data;
  if (typeof data === 'string') return data;
  if (typeof data !== 'object' || data === null) return '';
  const { message, documentation_url: docs } = data as { message?: unknown; documentation_url?: unknown };
  return `${typeof message === 'string' ? message : ''} ${typeof docs === 'string' ? docs : ''}`;
}

/** "This repository is empty." / "No commit found for the ref …": what a 404 of the contents API means. */
export function contentsNotFound(error: unknown): 'empty' | 'no-ref' | undefined {
  if (!isRequestError(error) || error.status !== 404) return undefined;
  const text = upstreamText(error);
  if (/repository is empty/i.test(text)) return 'empty';
  if (/no commit found for the ref/i.test(text)) return 'no-ref';
  return undefined;
}

/**
 * A push refused by branch protection or a ruleset. Through the contents API GitHub answers 409 ("Repository
 * rule violations found\n\n…" for a ruleset, "Could not create file: Changes must be made through a pull
 * request." pointing at "About protected branches" for a classic rule); older servers answer 422 "Protected
 * branch update failed for refs/heads/…".
 */
const protectionPattern =
  /repository rule violations found|protected branch|changes must be made through|about-protected-branches/i;
/** Push protection (a secret in the content) uses the ruleset wording too; it is not a branch rule. */
const pushProtectionPattern = /secret detected|push protection/i;

export interface ContentsWrite {
  readonly repo: Repo;
  readonly path: string;
  readonly branch: string;
  /** A direct commit on the default branch (else the proposal branch of a pull request). */
  readonly direct: boolean;
}

/** The ScmError for a refused `PUT …/contents/{path}`, when the refusal is one the admin can act on. */
export function contentsWriteRefusal(error: unknown, write: ContentsWrite): ScmError | undefined {
  if (!isRequestError(error)) return undefined;
  const { status } = error;
  const text = upstreamText(error);
  if (
    (status === 409 || status === 422 || status === 403) &&
    protectionPattern.test(text) &&
    !pushProtectionPattern.test(text)
  ) {
    return branchProtected(write, status);
  }
  if (write.path.startsWith(workflowsDirectory) && (status === 403 || status === 404)) {
    // A 403 that names another permission (`x-accepted-github-permissions: contents=write`) is that one's.
    const accepted = error.response?.headers['x-accepted-github-permissions'];
    if (status === 403 && typeof accepted === 'string' && !/workflows/.test(accepted)) return undefined;
    return workflowsPermission(write, status);
  }
  if (status === 409) {
    return new ScmError(
      'unavailable',
      `\`${write.path.slice(0, 200)}\` changed on \`${write.branch.slice(0, 200)}\` while scm-connect wrote it.`,
      { code: 'ci_file_changed', status, fix: 'Add the CI job again: it reads the file anew.' },
    );
  }
  return undefined;
}

function branchProtected(write: ContentsWrite, status: number): ScmError {
  const name = `${write.repo.owner}/${write.repo.repo}`;
  const branch = write.branch.slice(0, 200);
  return new ScmError(
    'forbidden',
    `A branch protection rule or ruleset of \`${name}\` refuses a direct commit on \`${branch}\`.`,
    {
      code: 'branch_protected',
      status,
      fix: write.direct
        ? 'Use pull request mode, or allow the app to bypass the rule'
        : `Exempt the branch \`${branch}\` from the rule, or allow the app to bypass it.`,
    },
  );
}

function workflowsPermission(write: ContentsWrite, status: number): ScmError {
  return new ScmError(
    'forbidden',
    `GitHub refused to write \`${write.path.slice(0, 200)}\` in \`${write.repo.owner}/${write.repo.repo}\`: files under \`${workflowsDirectory}\` need the app's \`workflows\` permission.`,
    {
      code: 'workflows_permission',
      status,
      fix: "Grant the app the repository permission Workflows: Read and write (`workflows=write`) in the app's settings, then accept the new permissions on the installation.",
    },
  );
}
