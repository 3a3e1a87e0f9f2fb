import type { Db } from './database.js';
import { severityLevels } from './repository-status.js';
import type { FindingSeverity } from './schema.js';
import { nowIso } from '../core/tokens.js';

export interface CommentSettings {
  /** A rule firing more times than this in one pull request goes to the summary instead of inline. */
  readonly ruleThreshold: number;
  /** Severities whose open findings make the commit status fail, most severe first. */
  readonly blockingSeverities: readonly FindingSeverity[];
}

/** What applies until an admin saves other settings. */
export const defaultCommentSettings: CommentSettings = {
  ruleThreshold: 5,
  blockingSeverities: ['critical', 'high'],
};

export const ruleThresholdRange = { min: 1, max: 1000 } as const;

const isSeverity = (value: unknown): value is FindingSeverity =>
  typeof value === 'string' && (severityLevels as readonly string[]).includes(value);

/** Known severities, each once, most severe first. */
export const orderedSeverities = (values: readonly FindingSeverity[]): FindingSeverity[] =>
  severityLevels.filter((level) => values.includes(level));

/** The stored JSON array; anything unreadable falls back to the default, never to "nothing blocks". */
function parseSeverities(stored: string): FindingSeverity[] {
  try {
    const parsed = JSON.parse(stored) as unknown;
    if (Array.isArray(parsed) && parsed.every(isSeverity)) return orderedSeverities(parsed);
  } catch {
    // answered below
  }
  return [...defaultCommentSettings.blockingSeverities];
}

export async function readCommentSettings(db: Db, accountId: string): Promise<CommentSettings> {
  const row = await db
    .selectFrom('comment_settings')
    .select(['rule_threshold', 'blocking_severities'])
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (!row) return defaultCommentSettings;
  return {
    ruleThreshold: Number(row.rule_threshold),
    blockingSeverities: parseSeverities(row.blocking_severities),
  };
}

/** Saves an account's settings whole (the caller checked them); answers what is now stored. */
export async function writeCommentSettings(
  db: Db,
  accountId: string,
  settings: CommentSettings,
  actorUserId: string | null,
): Promise<CommentSettings> {
  const stored = {
    rule_threshold: settings.ruleThreshold,
    blocking_severities: JSON.stringify(orderedSeverities(settings.blockingSeverities)),
    updated_by_user_id: actorUserId,
    updated_at: nowIso(),
  };
  await db
    .insertInto('comment_settings')
    .values({ account_id: accountId, ...stored })
    .onConflict((oc) => oc.column('account_id').doUpdateSet(stored))
    .execute();
  return readCommentSettings(db, accountId);
}

/** Whether comments go to this repository's pull requests: its connection's switch and the repository's. */
export async function commentsEnabled(
  db: Db,
  accountId: string,
  connectionId: string,
  repositoryId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('repositories')
    .innerJoin('connections', 'connections.id', 'repositories.connection_id')
    .select(['repositories.comments_enabled as repository', 'connections.comments_enabled as connection'])
    .where('repositories.account_id', '=', accountId)
    .where('connections.account_id', '=', accountId)
    .where('repositories.id', '=', repositoryId)
    .where('connections.id', '=', connectionId)
    .executeTakeFirst();
  return row !== undefined && Number(row.repository) === 1 && Number(row.connection) === 1;
}

/** Switches comments on or off for a connection's pull requests; false when the account has no such connection. */
export async function setConnectionComments(
  db: Db,
  accountId: string,
  connectionId: string,
  enabled: boolean,
): Promise<boolean> {
  const result = await db
    .updateTable('connections')
    .set({ comments_enabled: enabled ? 1 : 0, updated_at: nowIso() })
    .where('account_id', '=', accountId)
    .where('id', '=', connectionId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Switches comments on or off for a repository's pull requests; false when the account has no such repository. */
export async function setRepositoryComments(
  db: Db,
  accountId: string,
  repositoryId: string,
  enabled: boolean,
): Promise<boolean> {
  const result = await db
    .updateTable('repositories')
    .set({ comments_enabled: enabled ? 1 : 0, updated_at: nowIso() })
    .where('account_id', '=', accountId)
    .where('id', '=', repositoryId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The switch of each of these connections of the account, by id. */
export async function connectionCommentSwitches(
  db: Db,
  accountId: string,
  connectionIds: readonly string[],
): Promise<Map<string, boolean>> {
  if (connectionIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('connections')
    .select(['id', 'comments_enabled'])
    .where('account_id', '=', accountId)
    .where('id', 'in', connectionIds)
    .execute();
  return new Map(rows.map((row) => [row.id, Number(row.comments_enabled) === 1]));
}

/** The switch of each of these repositories of the account, by id. */
export async function repositoryCommentSwitches(
  db: Db,
  accountId: string,
  repositoryIds: readonly string[],
): Promise<Map<string, boolean>> {
  if (repositoryIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('repositories')
    .select(['id', 'comments_enabled'])
    .where('account_id', '=', accountId)
    .where('id', 'in', repositoryIds)
    .execute();
  return new Map(rows.map((row) => [row.id, Number(row.comments_enabled) === 1]));
}
