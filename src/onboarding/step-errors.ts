import { AppError } from '../core/errors.js';
import { isScmError } from '../scm/errors.js';
import { CiFileError } from './ci-files/index.js';

/** Why a repository's step failed, as the run's report shows it: never an upstream body or a secret. */
export interface StepProblem {
  readonly reason: string;
  readonly message: string;
  readonly fix: string | null;
}

/** The reason, message and fix of a step's error; anything not written for users becomes a generic sentence. */
export function stepProblemOf(error: unknown): StepProblem {
  if (isScmError(error)) return { reason: error.code, message: error.message, fix: error.fix ?? null };
  if (error instanceof CiFileError) return { reason: error.code, message: error.message, fix: error.fix };
  if (error instanceof AppError) return { reason: error.code, message: error.message, fix: null };
  return {
    reason: 'unexpected_error',
    message: 'Adding the CI job failed with an unexpected error; the service log has the details.',
    fix: 'Resume the run; if it fails again, report the error from the service log.',
  };
}

/** How long to wait before trying a step again, or undefined when its error is final for this step. */
export function retryDelayOf(error: unknown, attempt: number, now: number): number | undefined {
  if (!isScmError(error) || !error.retryable) return undefined;
  if (error.retryAt) return Math.max(0, error.retryAt.getTime() - now);
  return Math.min(30_000, 1_000 * 2 ** Math.max(0, attempt - 1));
}
