import { unprocessable } from '../../core/errors.js';
import {
  commitShaMessage,
  commitShaPattern,
  branchMessage,
  isBranchName,
  normalizeBranch,
} from './context-fields.js';
import { formatJsonPath } from './json-path.js';
import { displayRepositoryText, sameRepositoryText } from './repository-reference.js';
import type { SarifLog } from './sarif-schema.js';

/** What the query string says about the scan, each value already checked. */
export interface ContextQuery {
  readonly repository?: string | undefined;
  readonly commit?: string | undefined;
  readonly branch?: string | undefined;
  readonly pullRequest?: number | undefined;
  readonly baseCommit?: string | undefined;
  readonly baseBranch?: string | undefined;
}

/** Which repository, commit and branch (or pull request) a scan is of. */
export interface ScanContext {
  /** As given: a full name, a URL or a repository id. */
  readonly repository: string;
  readonly commitSha: string;
  readonly branch: string | null;
  readonly pullRequestNumber: number | null;
  readonly baseCommitSha: string | null;
  readonly baseBranch: string | null;
}

interface Found {
  readonly value: string;
  readonly path: string;
}

type ProvenanceField = 'repositoryUri' | 'revisionId' | 'branch';

/** The value each run's first `versionControlProvenance` entry gives a field; runs that agree give one. */
function fromLog(
  log: SarifLog,
  field: ProvenanceField,
  same: (a: string, b: string) => boolean,
): Found | undefined {
  let found: Found | undefined;
  for (const [r, run] of log.runs.entries()) {
    const value = run.versionControlProvenance?.[0]?.[field];
    if (value === undefined) continue;
    const path = formatJsonPath(['runs', r, 'versionControlProvenance', 0, field]);
    if (!found) found = { value, path };
    else if (!same(found.value, value)) {
      const shown = (text: string) => (field === 'repositoryUri' ? displayRepositoryText(text) : text);
      const parameter = { repositoryUri: 'repository', revisionId: 'commit', branch: 'branch' }[field];
      throw unprocessable(
        'context_conflict',
        `${path} ("${shown(value).slice(0, 200)}") disagrees with ${found.path} ("${shown(found.value).slice(0, 200)}"): upload the runs separately, or pass ?${parameter}= to say which applies.`,
      );
    }
  }
  return found;
}

/**
 * The scan's context: each field from the query string when given, else from the log's
 * `runs[].versionControlProvenance` (`repositoryUri`, `revisionId`, `branch`). Runs that disagree on a field the
 * query leaves out are refused, as are a missing repository or commit, with what to pass instead.
 */
export function scanContextOf(query: ContextQuery, log: SarifLog): ScanContext {
  const repository =
    query.repository ?? fromLog(log, 'repositoryUri', sameRepositoryText)?.value ?? undefined;
  if (repository === undefined) {
    throw unprocessable(
      'repository_required',
      'Say which repository was scanned: pass ?repository= (its full name, clone URL or scm-connect id), or set runs[].versionControlProvenance[].repositoryUri in the log.',
    );
  }
  let commitSha = query.commit;
  if (commitSha === undefined) {
    const found = fromLog(log, 'revisionId', (a, b) => a.toLowerCase() === b.toLowerCase());
    if (found && !commitShaPattern.test(found.value)) {
      throw unprocessable('invalid_context', `${found.path}: ${commitShaMessage}; or pass ?commit=.`);
    }
    commitSha = found?.value.toLowerCase();
  }
  if (commitSha === undefined) {
    throw unprocessable(
      'commit_required',
      'Say which commit was scanned: pass ?commit= (the full sha), or set runs[].versionControlProvenance[].revisionId in the log.',
    );
  }
  let branch = query.branch;
  if (branch === undefined) {
    const found = fromLog(log, 'branch', (a, b) => normalizeBranch(a) === normalizeBranch(b));
    if (found && !isBranchName(normalizeBranch(found.value))) {
      throw unprocessable('invalid_context', `${found.path}: ${branchMessage}; or pass ?branch=.`);
    }
    branch = found && normalizeBranch(found.value);
  }
  return {
    repository,
    commitSha,
    branch: branch ?? null,
    pullRequestNumber: query.pullRequest ?? null,
    baseCommitSha: query.baseCommit ?? null,
    baseBranch: query.baseBranch ?? null,
  };
}
