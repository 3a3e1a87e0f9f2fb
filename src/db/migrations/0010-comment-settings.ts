import type { Kysely, Migration } from 'kysely';

/**
 * What an admin decides about pull request comments:
 * - `comment_settings`: one row per account once an admin saved them (defaults apply until then): the rule
 *   threshold (a rule firing more often than this in one pull request goes to the summary instead of inline)
 *   and which severities make the commit status fail;
 * - connections and repositories gain `comments_enabled` (1: comments go to their pull requests).
 */
export const commentSettings: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('comment_settings')
      .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
      .addColumn('rule_threshold', 'integer', (c) => c.notNull())
      .addColumn('blocking_severities', 'text', (c) => c.notNull())
      .addColumn('updated_by_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .alterTable('connections')
      .addColumn('comments_enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    await db.schema
      .alterTable('repositories')
      .addColumn('comments_enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
  },
};
