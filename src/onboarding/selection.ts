import { badRequest, notFound } from '../core/errors.js';
import type { Db } from '../db/database.js';
import { listRepositories } from '../db/inventory.js';
import type { CiSystem } from '../scm/provider.js';
import { ciSystemOfKind } from './ci-systems.js';

/** The most repositories one bulk run (or review) takes. */
export const maxSelection = 1000;

/** The filters of the repositories listing, as its query strings spell them. */
export interface RepositorySelectionFilter {
  readonly connectionId?: string | undefined;
  readonly q?: string | undefined;
  readonly tag?: readonly string[] | undefined;
  readonly archived?: 'true' | 'false' | undefined;
  readonly excluded?: 'true' | 'false' | undefined;
}

/** Some repositories by id, or every one the listing's filters match. */
export type RepositorySelection =
  | { readonly repositoryIds: readonly string[] }
  | { readonly all: true; readonly filter?: RepositorySelectionFilter | undefined };

export type SkipReason = 'archived' | 'empty' | 'fork' | 'excluded' | 'no_ci_system';

export const skipMessages: Readonly<Record<SkipReason, string>> = {
  archived: 'The repository is archived: it takes no new commits.',
  empty: 'The repository is empty: it has no default branch to add the CI job to.',
  fork: 'The repository is a fork: pull requests in forks get no secrets, and the job belongs in its upstream.',
  excluded: 'An admin excluded the repository from scanning.',
  no_ci_system: 'Bitbucket Data Center has no CI system of its own to add the job to.',
};

/** A selected repository as the run and the review need it. */
export interface SelectedRepository {
  readonly id: string;
  readonly connectionId: string;
  readonly kind: string;
  readonly externalId: string;
  readonly fullName: string;
  readonly defaultBranch: string | null;
  readonly system: CiSystem | undefined;
  /** Why it is left out; undefined when it is eligible. */
  readonly skip: SkipReason | undefined;
}

/** Why a repository is left out of a run, in the order they are checked; undefined when it is eligible. */
function skipReasonOf(row: {
  archived: number;
  default_branch: string | null;
  fork: number;
  excluded: number;
  system: CiSystem | undefined;
}): SkipReason | undefined {
  if (Number(row.archived) === 1) return 'archived';
  if (row.default_branch === null) return 'empty';
  if (Number(row.fork) === 1) return 'fork';
  if (Number(row.excluded) === 1) return 'excluded';
  if (row.system === undefined) return 'no_ci_system';
  return undefined;
}

/** Repositories of the account by id, in listing order; another account's id (or an unknown one) answers 404. */
export async function loadRepositories(
  db: Db,
  accountId: string,
  ids: readonly string[],
): Promise<SelectedRepository[]> {
  const unique = [...new Set(ids)];
  const found = new Map<string, SelectedRepository>();
  for (let at = 0; at < unique.length; at += 500) {
    const rows = await db
      .selectFrom('repositories')
      .innerJoin('connections', 'connections.id', 'repositories.connection_id')
      .select([
        'repositories.id',
        'repositories.connection_id',
        'connections.kind',
        'repositories.external_id',
        'repositories.full_name',
        'repositories.default_branch',
        'repositories.archived',
        'repositories.excluded',
        'repositories.fork',
      ])
      .where('repositories.account_id', '=', accountId)
      .where('connections.account_id', '=', accountId)
      .where('repositories.id', 'in', unique.slice(at, at + 500))
      .execute();
    for (const row of rows) {
      const system = ciSystemOfKind(row.kind);
      found.set(row.id, {
        id: row.id,
        connectionId: row.connection_id,
        kind: row.kind,
        externalId: row.external_id,
        fullName: row.full_name,
        defaultBranch: row.default_branch,
        system,
        skip: skipReasonOf({ ...row, system }),
      });
    }
  }
  return unique.map((id) => {
    const repository = found.get(id);
    if (!repository) throw notFound('repository');
    return repository;
  });
}

const tooMany = (count: number) =>
  badRequest(
    'too_many_repositories',
    `The selection holds ${count} repositories; a run takes at most ${maxSelection}: narrow the filter or select fewer.`,
  );

/** The repositories a selection names, at most {@link maxSelection}. */
export async function resolveSelection(
  db: Db,
  accountId: string,
  selection: RepositorySelection,
): Promise<SelectedRepository[]> {
  if ('repositoryIds' in selection) {
    if (selection.repositoryIds.length > maxSelection) throw tooMany(selection.repositoryIds.length);
    return loadRepositories(db, accountId, selection.repositoryIds);
  }
  const filter = selection.filter ?? {};
  const query = {
    connectionId: filter.connectionId,
    q: filter.q,
    tags: filter.tag,
    archived: filter.archived === undefined ? undefined : filter.archived === 'true',
    excluded: filter.excluded === undefined ? undefined : filter.excluded === 'true',
  };
  const ids: string[] = [];
  let after: { fullName: string; id: string } | undefined;
  for (;;) {
    const page = await listRepositories(db, accountId, { ...query, limit: 500, after });
    if (page.total > maxSelection) throw tooMany(page.total);
    ids.push(...page.items.map((item) => item.id));
    const last = page.items.at(-1);
    if (page.items.length < 500 || !last) break;
    after = { fullName: last.fullName, id: last.id };
  }
  return loadRepositories(db, accountId, ids);
}
