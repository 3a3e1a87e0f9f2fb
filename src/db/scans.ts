import { badRequest } from '../core/errors.js';
import type { Db } from './database.js';
import type { ScanStatus } from './schema.js';

/** One run of a scan: its tool, version, category and how many results it reported. */
export interface ScanRunRecord {
  readonly tool: string;
  readonly version: string | null;
  readonly category: string;
  readonly resultCount: number;
}

/** A scan as the API shows it, before links are added. */
export interface ScanRecord {
  readonly id: string;
  readonly status: ScanStatus;
  readonly repository: { readonly id: string; readonly fullName: string; readonly connectionId: string };
  readonly commitSha: string;
  readonly branch: string | null;
  readonly pullRequestNumber: number | null;
  readonly baseCommitSha: string | null;
  readonly baseBranch: string | null;
  readonly runs: readonly ScanRunRecord[];
  readonly resultCount: number;
  readonly createdAt: string;
  readonly processedAt: string | null;
  /** JSON text written by processing, or null. */
  readonly summary: string | null;
  readonly error: { readonly code: string; readonly message: string } | null;
}

const scanColumns = (db: Db) =>
  db
    .selectFrom('scans')
    .innerJoin('repositories', 'repositories.id', 'scans.repository_id')
    .select([
      'scans.id',
      'scans.status',
      'scans.repository_id',
      'repositories.full_name',
      'scans.connection_id',
      'scans.commit_sha',
      'scans.branch',
      'scans.pull_request_number',
      'scans.base_commit_sha',
      'scans.base_branch',
      'scans.result_count',
      'scans.created_at',
      'scans.processed_at',
      'scans.summary',
      'scans.error_code',
      'scans.error_message',
    ]);

type ScanRow = Awaited<ReturnType<ReturnType<typeof scanColumns>['executeTakeFirstOrThrow']>>;

async function withRuns(db: Db, rows: readonly ScanRow[]): Promise<ScanRecord[]> {
  if (rows.length === 0) return [];
  const runs = await db
    .selectFrom('scan_runs')
    .select(['scan_id', 'tool_name', 'tool_version', 'category', 'result_count'])
    .where(
      'scan_id',
      'in',
      rows.map((row) => row.id),
    )
    .orderBy('scan_id')
    .orderBy('run_index')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    status: row.status,
    repository: { id: row.repository_id, fullName: row.full_name, connectionId: row.connection_id },
    commitSha: row.commit_sha,
    branch: row.branch,
    pullRequestNumber: row.pull_request_number === null ? null : Number(row.pull_request_number),
    baseCommitSha: row.base_commit_sha,
    baseBranch: row.base_branch,
    runs: runs
      .filter((run) => run.scan_id === row.id)
      .map((run) => ({
        tool: run.tool_name,
        version: run.tool_version,
        category: run.category,
        resultCount: Number(run.result_count),
      })),
    resultCount: Number(row.result_count),
    createdAt: row.created_at,
    processedAt: row.processed_at,
    summary: row.summary,
    error:
      row.error_code === null && row.error_message === null
        ? null
        : { code: row.error_code ?? 'scan_failed', message: row.error_message ?? 'Processing failed.' },
  }));
}

/** The account's scan with this id; undefined for another account's. */
export async function findScan(db: Db, accountId: string, scanId: string): Promise<ScanRecord | undefined> {
  const row = await scanColumns(db)
    .where('scans.account_id', '=', accountId)
    .where('scans.id', '=', scanId)
    .executeTakeFirst();
  return row ? (await withRuns(db, [row]))[0] : undefined;
}

export interface ScanFilter {
  readonly repositoryId?: string | undefined;
  readonly limit: number;
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string | undefined;
}

const encodeCursor = (createdAt: string, id: string) =>
  Buffer.from(`${createdAt}|${id}`).toString('base64url');

const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id, extra] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!createdAt || !id || extra !== undefined || !isoInstant.test(createdAt) || !uuid.test(id)) {
    throw badRequest(
      'invalid_cursor',
      'query.cursor: not one this listing gave; pass the nextCursor of the previous page.',
    );
  }
  return { createdAt, id };
}

/** Scans of the account, newest first, keyset-paginated. */
export async function listScans(
  db: Db,
  accountId: string,
  filter: ScanFilter,
): Promise<{ items: ScanRecord[]; nextCursor: string | null }> {
  const after = filter.cursor === undefined ? undefined : decodeCursor(filter.cursor);
  const rows = await scanColumns(db)
    .where('scans.account_id', '=', accountId)
    .$if(filter.repositoryId !== undefined, (qb) =>
      qb.where('scans.repository_id', '=', filter.repositoryId!),
    )
    .$if(after !== undefined, (qb) =>
      qb.where((eb) =>
        eb.or([
          eb('scans.created_at', '<', after!.createdAt),
          eb.and([eb('scans.created_at', '=', after!.createdAt), eb('scans.id', '<', after!.id)]),
        ]),
      ),
    )
    .orderBy('scans.created_at', 'desc')
    .orderBy('scans.id', 'desc')
    .limit(filter.limit + 1)
    .execute();
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return {
    items: await withRuns(db, page),
    nextCursor: rows.length > filter.limit && last ? encodeCursor(last.created_at, last.id) : null,
  };
}
