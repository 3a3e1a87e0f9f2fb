import type { Db } from './database.js';
import type { ScanStatus } from './schema.js';

/** The latest upload for a repository, as the Projects page shows it. */
export interface LastScan {
  readonly id: string;
  readonly status: ScanStatus;
  readonly commitSha: string;
  readonly branch: string | null;
  readonly createdAt: string;
}

export const severityLevels = ['critical', 'high', 'medium', 'low', 'info'] as const;

export type OpenFindingCounts = Record<(typeof severityLevels)[number], number>;

const noFindings = (): OpenFindingCounts => ({ critical: 0, high: 0, medium: 0, low: 0, info: 0 });

/** The newest scan of each repository (by upload time), for a page of repositories. */
export async function lastScansOf(
  db: Db,
  accountId: string,
  repositoryIds: readonly string[],
): Promise<Map<string, LastScan>> {
  if (repositoryIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('scans as s')
    .select(['s.id', 's.repository_id', 's.status', 's.commit_sha', 's.branch', 's.created_at'])
    .where('s.account_id', '=', accountId)
    .where('s.repository_id', 'in', repositoryIds)
    .where((eb) =>
      eb(
        's.id',
        '=',
        eb
          .selectFrom('scans as newest')
          .select('newest.id')
          .where('newest.account_id', '=', accountId)
          .whereRef('newest.repository_id', '=', 's.repository_id')
          .orderBy('newest.created_at', 'desc')
          .orderBy('newest.id', 'desc')
          .limit(1),
      ),
    )
    .execute();
  return new Map(
    rows.map((row) => [
      row.repository_id,
      {
        id: row.id,
        status: row.status,
        commitSha: row.commit_sha,
        branch: row.branch,
        createdAt: row.created_at,
      },
    ]),
  );
}

/** Open findings not ignored, by severity, of each repository of a page (every branch counted). */
export async function openFindingsOf(
  db: Db,
  accountId: string,
  repositoryIds: readonly string[],
): Promise<Map<string, OpenFindingCounts>> {
  const counts = new Map<string, OpenFindingCounts>(repositoryIds.map((id) => [id, noFindings()]));
  if (repositoryIds.length === 0) return counts;
  const rows = await db
    .selectFrom('findings')
    .select((eb) => ['repository_id', 'severity', eb.fn.countAll<string | number>().as('n')])
    .where('account_id', '=', accountId)
    .where('repository_id', 'in', repositoryIds)
    .where('state', '=', 'open')
    .where('ignored_reason', 'is', null)
    .groupBy(['repository_id', 'severity'])
    .execute();
  for (const row of rows) {
    const entry = counts.get(row.repository_id);
    if (entry) entry[row.severity] = Number(row.n);
  }
  return counts;
}
