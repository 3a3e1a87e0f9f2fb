import { createTwoFilesPatch } from 'diff';
import { conflict, unprocessable } from '../core/errors.js';
import type { ServiceContext } from '../context.js';
import { withStoredProvider } from '../connections/stored-provider.js';
import { lastDoneSteps } from '../db/bulk-ci.js';
import type { BulkCiOutcome } from '../db/schema.js';
import { ScmError } from '../scm/errors.js';
import type { CiSystem } from '../scm/provider.js';
import type { CiJobSettings } from './ci-settings.js';
import { CiFileError, ciFilePath, renderCiFile, type CiTarget } from './ci-files/index.js';
import { ciSystemLabels } from './ci-systems.js';
import {
  loadRepositories,
  resolveSelection,
  skipMessages,
  type RepositorySelection,
  type SelectedRepository,
  type SkipReason,
} from './selection.js';

/** An eligible repository as the template names it (eligible ones have a default branch). */
const targetOf = (repository: SelectedRepository): CiTarget => ({
  externalId: repository.externalId,
  fullName: repository.fullName,
  defaultBranch: repository.defaultBranch ?? '',
});

export interface SelectionReview {
  readonly total: number;
  readonly eligible: number;
  readonly skipped: {
    readonly repositoryId: string;
    readonly fullName: string;
    readonly reason: SkipReason;
    readonly message: string;
  }[];
  /**
   * Eligible repositories an earlier run already gave the job: on the default branch (`present`, `committed`) or
   * in a pull request it opened (`opened`, `updated`, `unchanged`). A new run checks them again and changes
   * nothing where the file is the same.
   */
  readonly alreadyDone: {
    readonly repositoryId: string;
    readonly fullName: string;
    readonly outcome: BulkCiOutcome;
    readonly pullRequestUrl: string | null;
    readonly at: string;
  }[];
  /** Per CI system among the eligible repositories: the file the template renders as a new file. */
  readonly systems: {
    readonly system: CiSystem;
    readonly label: string;
    readonly path: string;
    readonly content: string;
    readonly repositories: number;
  }[];
}

/** What a run over `selection` would do, without asking any SCM: who is left out, and the file per CI system. */
export async function reviewSelection(
  ctx: Pick<ServiceContext, 'db'>,
  accountId: string,
  selection: RepositorySelection,
  settings: CiJobSettings,
  serviceUrl: string,
): Promise<SelectionReview> {
  const repositories = await resolveSelection(ctx.db, accountId, selection);
  const systems = new Map<CiSystem, { content: string; repositories: number }>();
  const skipped: SelectionReview['skipped'] = [];
  for (const repository of repositories) {
    if (repository.skip !== undefined || repository.system === undefined) {
      const reason = repository.skip ?? 'no_ci_system';
      skipped.push({
        repositoryId: repository.id,
        fullName: repository.fullName,
        reason,
        message: skipMessages[reason],
      });
      continue;
    }
    const known = systems.get(repository.system);
    if (known) known.repositories += 1;
    else {
      const content = renderCiFile(
        repository.system,
        settings,
        targetOf(repository),
        { serviceUrl },
        undefined,
      );
      systems.set(repository.system, { content, repositories: 1 });
    }
  }
  const skippedIds = new Set(skipped.map((entry) => entry.repositoryId));
  const eligible = repositories.filter((repository) => !skippedIds.has(repository.id));
  const done = await lastDoneSteps(
    ctx.db,
    accountId,
    eligible.map((repository) => repository.id),
  );
  const alreadyDone = eligible.flatMap((repository) => {
    const step = done.get(repository.id);
    return step?.outcome
      ? [
          {
            repositoryId: repository.id,
            fullName: repository.fullName,
            outcome: step.outcome,
            pullRequestUrl: step.pull_request_url,
            at: step.updated_at,
          },
        ]
      : [];
  });
  return {
    total: repositories.length,
    eligible: eligible.length,
    skipped,
    alreadyDone,
    systems: [...systems].map(([system, view]) => ({
      system,
      label: ciSystemLabels[system],
      path: ciFilePath[system],
      ...view,
    })),
  };
}

export interface RepositoryReview {
  readonly repositoryId: string;
  readonly fullName: string;
  readonly system: CiSystem;
  readonly path: string;
  /** The file on the default branch; null when there is none. */
  readonly existing: string | null;
  readonly proposed: string;
  /** A unified diff from `existing` to `proposed`; null when there is no file yet. */
  readonly diff: string | null;
  /** `new`: no file yet; `merge`: the job is merged into the file; `present`: the file already is what a run writes. */
  readonly status: 'new' | 'merge' | 'present';
}

/** What a run would write to one repository, read from its default branch now. 409 for a skipped repository. */
export async function reviewRepository(
  ctx: Pick<ServiceContext, 'db' | 'config' | 'secrets' | 'scmShared' | 'githubApps'>,
  accountId: string,
  repositoryId: string,
  settings: CiJobSettings,
  serviceUrl: string,
): Promise<RepositoryReview> {
  const [repository] = await loadRepositories(ctx.db, accountId, [repositoryId]);
  if (!repository || repository.skip !== undefined || repository.system === undefined) {
    const reason = repository?.skip ?? 'no_ci_system';
    throw conflict('repository_not_eligible', `${skipMessages[reason]} A run skips it.`);
  }
  const { system } = repository;
  const path = ciFilePath[system];
  const existing = await withStoredProvider(ctx, accountId, repository.connectionId, async (provider) => {
    if (!provider.ci) {
      throw new ScmError('invalid', 'scm-connect cannot read CI files of this kind of connection yet.', {
        code: 'ci_not_supported',
      });
    }
    return provider.ci.readCiFile(repository, path);
  });
  let proposed: string;
  try {
    proposed = renderCiFile(system, settings, targetOf(repository), { serviceUrl }, existing?.content);
  } catch (error) {
    // The file on the default branch cannot take the job (not YAML, a shape the merge cannot keep): say why.
    if (error instanceof CiFileError) throw unprocessable(error.code, `${error.message} ${error.fix}`);
    throw error;
  }
  return {
    repositoryId: repository.id,
    fullName: repository.fullName,
    system,
    path,
    existing: existing?.content ?? null,
    proposed,
    diff: existing === undefined ? null : createTwoFilesPatch(path, path, existing.content, proposed),
    status: existing === undefined ? 'new' : existing.content === proposed ? 'present' : 'merge',
  };
}
