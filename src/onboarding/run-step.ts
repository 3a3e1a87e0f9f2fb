import type { Logger } from 'pino';
import type { Db } from '../db/database.js';
import { failStep, finishStep, releaseStep, startStep, type BulkCiStepRow } from '../db/bulk-ci.js';
import type { BulkCiMode } from '../db/schema.js';
import { ScmError } from '../scm/errors.js';
import type { CiJobResult, CiSystem, ScmProvider, ScmRepositoryRef } from '../scm/provider.js';
import type { CiJobSettings } from './ci-settings.js';
import { ensureCiSecret } from './ci-secret.js';
import { ciFilePath } from './ci-files/index.js';
import { buildCiTemplate } from './ci-template.js';
import { retryDelayOf, stepProblemOf, type StepProblem } from './step-errors.js';

/** What every step of one run shares. */
export interface RunScope {
  readonly db: Db;
  readonly runId: string;
  readonly accountId: string;
  readonly mode: BulkCiMode;
  readonly settings: CiJobSettings;
  readonly serviceUrl: string;
  readonly createdBy: string | null;
  /** Aborts on shutdown, cancellation or a lost lease; a step interrupted by it goes back to pending. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** The longest a step sleeps for a rate limit or an outage before the whole job is put back (default 60 s). */
  readonly maxSleepMs?: number;
}

/** Tries of one step against retryable SCM errors (rate limited, unavailable, timeout) before it fails. */
const maxTries = 5;

type Repository = ScmRepositoryRef & { readonly defaultBranch: string };

/**
 * One repository of a run: the CI file is read from the default branch and rendered over it, then the secret is
 * made sure of (before the file lands, so the job's first run finds it), then the file is proposed (pull
 * request) or committed (direct). A retryable SCM error is
 * waited out (up to `maxSleepMs`, else thrown so the job runs again later); any other error fails the step with
 * the error's reason, message and fix.
 */
export async function runStep(scope: RunScope, provider: ScmProvider, step: BulkCiStepRow): Promise<void> {
  const { db, runId } = scope;
  if (!(await startStep(db, runId, step.repository_id))) return;
  const repository = await db
    .selectFrom('repositories')
    .select(['external_id', 'full_name', 'default_branch'])
    .where('account_id', '=', scope.accountId)
    .where('id', '=', step.repository_id)
    .executeTakeFirst();
  if (!repository) {
    await failStep(db, runId, step.repository_id, {
      reason: 'repository_removed',
      message: 'The repository is no longer in the inventory: the last sync did not find it.',
      fix: 'Sync the connection; if the repository still exists, select it again in a new run.',
    });
    return;
  }
  if (repository.default_branch === null) {
    await failStep(db, runId, step.repository_id, {
      reason: 'repository_empty',
      message: 'The repository is empty now: it has no default branch to add the CI job to.',
      fix: 'Push a first commit to the repository, sync the connection, then resume the run.',
    });
    return;
  }
  const target: Repository = {
    externalId: repository.external_id,
    fullName: repository.full_name,
    defaultBranch: repository.default_branch,
  };
  for (let attempt = 1; ; attempt += 1) {
    try {
      await addCiJob(scope, provider, step, target);
      return;
    } catch (error) {
      if (scope.signal.aborted) {
        await releaseStep(db, runId, step.repository_id);
        throw scope.signal.reason;
      }
      const delay = attempt < maxTries ? retryDelayOf(error, attempt, Date.now()) : undefined;
      if (delay !== undefined) {
        if (delay > (scope.maxSleepMs ?? 60_000)) {
          await releaseStep(db, runId, step.repository_id);
          throw error;
        }
        await sleep(delay, scope.signal);
        continue;
      }
      const problem = stepProblemOf(error);
      if (problem.reason === 'unexpected_error') scope.logger.error({ err: error }, 'bulk CI step failed');
      await failStep(db, runId, step.repository_id, problem);
      return;
    }
  }
}

/** Fails a step without trying it (its connection cannot be used). */
export async function failUntried(scope: RunScope, step: BulkCiStepRow, problem: StepProblem): Promise<void> {
  if (await startStep(scope.db, scope.runId, step.repository_id))
    await failStep(scope.db, scope.runId, step.repository_id, problem);
}

async function addCiJob(
  scope: RunScope,
  provider: ScmProvider,
  step: BulkCiStepRow,
  repository: Repository,
): Promise<void> {
  const { ci, ciSecrets } = provider;
  if (!ci || !ciSecrets) throw ciUnsupported();
  const system = (step.system ?? ci.system) as CiSystem;
  // Read and render first: an empty repository or a file the job cannot be merged into fails before any secret.
  const existing = await ci.readCiFile(repository, ciFilePath[system]);
  const context = { serviceUrl: scope.serviceUrl };
  const template = buildCiTemplate(system, scope.settings, repository, context, existing?.content);
  const secret = await ensureCiSecret(scope.db, ciSecrets, {
    accountId: scope.accountId,
    connectionId: step.connection_id,
    repository,
    secretName: scope.settings.secretName,
    createdBy: scope.createdBy,
  });
  const result: CiJobResult =
    scope.mode === 'pull-request'
      ? await ci.ensureCiJob(repository, template)
      : await ci.commitCiFile(repository, template);
  await finishStep(scope.db, scope.runId, step.repository_id, {
    outcome: result.outcome,
    pullRequestUrl: result.pullRequest?.webUrl ?? null,
    commitUrl: result.commit?.webUrl ?? null,
    secret,
  });
}

/** The connection's kind has no CI writer in this version. */
const ciUnsupported = () =>
  new ScmError('invalid', 'scm-connect cannot add CI files to repositories of this kind of connection yet.', {
    code: 'ci_not_supported',
    fix: 'Add the CI job to these repositories by hand, or leave them out of the run.',
  });

/** Waits `ms`, or rejects with the signal's reason once it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
