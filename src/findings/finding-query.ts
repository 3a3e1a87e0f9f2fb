import { PostgresAdapter, sql, type SelectQueryBuilder } from 'kysely';
import { badRequest } from '../core/errors.js';
import { isStorableText } from '../core/fields.js';
import type { Db } from '../db/database.js';
import type { Database, FindingSeverity, FindingState } from '../db/schema.js';

/** What the findings listing and export filter on. */
export interface FindingFilter {
  readonly repositoryId?: string | undefined;
  readonly connectionId?: string | undefined;
  readonly ruleId?: string | undefined;
  readonly severity?: readonly FindingSeverity[] | undefined;
  /** `open`: open and not ignored; `fixed` / `removed`: in that state; `ignored`: ignored, whatever the state. */
  readonly state?: FindingState | 'ignored' | undefined;
  readonly tool?: string | undefined;
  readonly category?: string | undefined;
  readonly branch?: string | undefined;
  /** Findings this scan reported; with `newInPullRequest`, only those new in its pull request. */
  readonly scan?: string | undefined;
  readonly newInPullRequest?: boolean | undefined;
  /** One of the repository's tags. */
  readonly tag?: string | undefined;
  /** Part of the rule id, the message or the path, case-insensitively. */
  readonly q?: string | undefined;
}

/** The position after which a page starts: the last item's severity rank and id. */
export interface FindingCursor {
  readonly rank: number;
  readonly id: string;
}

/** Most severe first; the listing's order is (rank, id). */
export const severityRank = sql<number>`case f.severity when 'critical' then 0 when 'high' then 1 when 'medium' then 2 when 'low' then 3 else 4 end`;

export const encodeFindingCursor = (cursor: FindingCursor): string =>
  Buffer.from(JSON.stringify([cursor.rank, cursor.id])).toString('base64url');

export function decodeFindingCursor(text: string): FindingCursor {
  try {
    const [rank, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    if (typeof rank === 'number' && Number.isInteger(rank) && typeof id === 'string' && isStorableText(id)) {
      return { rank, id };
    }
  } catch {
    // answered below
  }
  throw badRequest('invalid_cursor', 'query.cursor: use the nextCursor of the previous page, unchanged.');
}

const likePattern = (text: string): string => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The columns a finding item is built from. */
export function findingRows(db: Db, accountId: string) {
  return db
    .selectFrom('findings as f')
    .innerJoin('repositories as r', (join) =>
      join.onRef('r.id', '=', 'f.repository_id').onRef('r.account_id', '=', 'f.account_id'),
    )
    .innerJoin('connections as c', (join) =>
      join.onRef('c.id', '=', 'f.connection_id').onRef('c.account_id', '=', 'f.account_id'),
    )
    .leftJoin('scan_rules as sr', (join) =>
      join
        .onRef('sr.account_id', '=', 'f.account_id')
        .onRef('sr.tool_name', '=', 'f.tool_name')
        .onRef('sr.rule_id', '=', 'f.rule_id'),
    )
    .leftJoin('users as u', 'u.id', 'f.ignored_by_user_id')
    .where('f.account_id', '=', accountId)
    .select([
      'f.id',
      'f.account_id',
      'f.fingerprint',
      'f.repository_id',
      'r.full_name',
      'r.default_branch',
      'f.connection_id',
      'c.kind',
      'c.base_url',
      'f.branch',
      'f.tool_name',
      'f.category',
      'f.rule_id',
      'sr.name as rule_name',
      'sr.short_description as rule_short_description',
      'sr.full_description as rule_full_description',
      'sr.help_text as rule_help_text',
      'sr.help_markdown as rule_help_markdown',
      'sr.help_uri as rule_help_uri',
      'sr.default_level as rule_default_level',
      'sr.security_severity as rule_security_severity',
      'sr.tags as rule_tags',
      'f.state',
      'f.ignored_reason',
      'f.ignored_note',
      'f.ignored_at',
      'f.ignored_by_user_id',
      'u.name as ignored_by_name',
      'f.severity',
      'f.level',
      'f.message',
      'f.path',
      'f.start_line',
      'f.start_column',
      'f.end_line',
      'f.end_column',
      'f.details',
      'f.commit_sha',
      'f.first_seen_scan_id',
      'f.last_seen_scan_id',
      'f.first_seen_at',
      'f.last_seen_at',
      'f.fixed_at',
    ])
    .select(severityRank.as('rank'));
}

type RowsQuery = ReturnType<typeof findingRows>;
export type FindingRow = Awaited<ReturnType<RowsQuery['executeTakeFirstOrThrow']>>;

/** Adds the filter's conditions to a findings query (`f` findings, `r` repositories). */
export function applyFindingFilter<O>(
  db: Db,
  query: SelectQueryBuilder<
    Database & { f: Database['findings']; r: Database['repositories'] },
    'f' | 'r',
    O
  >,
  filter: FindingFilter,
) {
  let q = query;
  if (filter.repositoryId) q = q.where('f.repository_id', '=', filter.repositoryId);
  if (filter.connectionId) q = q.where('f.connection_id', '=', filter.connectionId);
  if (filter.ruleId) q = q.where('f.rule_id', '=', filter.ruleId);
  if (filter.severity && filter.severity.length > 0) q = q.where('f.severity', 'in', [...filter.severity]);
  if (filter.state === 'ignored') q = q.where('f.ignored_reason', 'is not', null);
  else if (filter.state === 'open') q = q.where('f.state', '=', 'open').where('f.ignored_reason', 'is', null);
  else if (filter.state) q = q.where('f.state', '=', filter.state);
  if (filter.tool) q = q.where('f.tool_name', '=', filter.tool);
  if (filter.category !== undefined) q = q.where('f.category', '=', filter.category);
  if (filter.branch) q = q.where('f.branch', '=', filter.branch);
  if (filter.scan) {
    const scanId = filter.scan;
    const onlyNew = filter.newInPullRequest === true;
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('scan_findings as sf')
          .select('sf.finding_id')
          .whereRef('sf.finding_id', '=', 'f.id')
          .whereRef('sf.account_id', '=', 'f.account_id')
          .where('sf.scan_id', '=', scanId)
          .$if(onlyNew, (sub) => sub.where('sf.new_in_pull_request', '=', 1)),
      ),
    );
  } else if (filter.newInPullRequest === true) {
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('scan_findings as sf')
          .select('sf.finding_id')
          .whereRef('sf.finding_id', '=', 'f.id')
          .where('sf.new_in_pull_request', '=', 1),
      ),
    );
  }
  if (filter.tag) {
    const tag = filter.tag;
    q =
      db.getExecutor().adapter instanceof PostgresAdapter
        ? q.where(sql<boolean>`cast(r.tags as jsonb) @> jsonb_build_array(cast(${tag} as text))`)
        : q.where(sql<boolean>`exists (select 1 from json_each(r.tags) where json_each.value = ${tag})`);
  }
  if (filter.q) {
    const pattern = likePattern(filter.q);
    q = q.where(
      sql<boolean>`(lower(f.rule_id) like ${pattern} escape '\\' or lower(f.message) like ${pattern} escape '\\' or lower(coalesce(f.path, '')) like ${pattern} escape '\\')`,
    );
  }
  return q;
}

/** One page of findings in (severity, id) order after `after`. */
export async function listFindingRows(
  db: Db,
  accountId: string,
  filter: FindingFilter,
  page: { readonly limit: number; readonly after?: FindingCursor | undefined },
): Promise<FindingRow[]> {
  let query = applyFindingFilter(db, findingRows(db, accountId), filter);
  if (page.after) {
    const { rank, id } = page.after;
    query = query.where(
      sql<boolean>`(${severityRank} > ${rank} or (${severityRank} = ${rank} and f.id > ${id}))`,
    );
  }
  return query.orderBy(severityRank).orderBy('f.id').limit(page.limit).execute();
}

/** One finding of the account, or undefined (another account's id included). */
export const findFindingRow = (
  db: Db,
  accountId: string,
  findingId: string,
): Promise<FindingRow | undefined> =>
  findingRows(db, accountId).where('f.id', '=', findingId).executeTakeFirst();
