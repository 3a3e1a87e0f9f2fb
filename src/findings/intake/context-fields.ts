import { z } from 'zod';
import { isStorableText } from '../../core/fields.js';

/** A full commit sha: 40 hex characters (SHA-1) or 64 (SHA-256 repositories), stored lower-case. */
export const commitShaPattern = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;

export const commitShaMessage =
  'must be a full commit sha (40 or 64 hex characters, as `git rev-parse HEAD` prints); a short sha is not enough';

export const commitSha = z
  .string()
  .trim()
  .regex(commitShaPattern, commitShaMessage)
  .transform((sha) => sha.toLowerCase());

// eslint-disable-next-line no-control-regex -- control characters are what a branch name may not hold
const control = /[\u0000-\u001f\u007f]/;

/** A branch as CI systems name it: `refs/heads/` is dropped, so `refs/heads/main` and `main` are one branch. */
export const normalizeBranch = (name: string): string => name.trim().replace(/^refs\/heads\//, '');

export const branchMessage = 'must be a branch name of 1 to 255 characters, without control characters';

export const isBranchName = (name: string): boolean =>
  name.length >= 1 && name.length <= 255 && !control.test(name) && isStorableText(name);

export const branchName = z.string().transform(normalizeBranch).refine(isBranchName, branchMessage);
