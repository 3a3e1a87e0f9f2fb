import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Pull request comments, updated in place:
 * - `pull_request_comments`: what scm-connect said on a pull request, one row per (repository, pull request,
 *   key), the key being a finding's identity (`f-…`) or `summary`: the SCM's comment (id, thread, version) and
 *   a hash of the body last written, or no comment for a finding listed in the summary only; open or fixed;
 * - `pull_request_comment_states`: per pull request, the newest scan reconciled, the head commit, the status
 *   last set on it (so an unchanged re-scan writes nothing) and the lease that lets one reconciliation run at a
 *   time;
 * - `finding_events` gain `via`: where a triage came from (a reply on a pull request), JSON.
 */
export const pullRequestComments: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('pull_request_comments')
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
      .addColumn('repository_id', 'text', (c) =>
        c.notNull().references('repositories.id').onDelete('cascade'),
      )
      .addColumn('pull_request_number', 'integer', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('finding_id', 'text')
      .addColumn('placement', 'text', (c) =>
        c.notNull().check(sql`placement in ('inline', 'listed', 'summary')`),
      )
      .addColumn('comment_id', 'text')
      .addColumn('thread_id', 'text')
      .addColumn('comment_version', 'integer')
      .addColumn('web_url', 'text')
      .addColumn('body_hash', 'text')
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'fixed')`))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('pull_request_comments_pk', [
        'account_id',
        'repository_id',
        'pull_request_number',
        'key',
      ])
      .execute();
    await db.schema
      .createIndex('pull_request_comments_comment')
      .on('pull_request_comments')
      .columns(['account_id', 'repository_id', 'comment_id'])
      .execute();

    await db.schema
      .createTable('pull_request_comment_states')
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
      .addColumn('repository_id', 'text', (c) =>
        c.notNull().references('repositories.id').onDelete('cascade'),
      )
      .addColumn('pull_request_number', 'integer', (c) => c.notNull())
      .addColumn('last_scan_id', 'text')
      .addColumn('last_scan_created_at', 'text')
      .addColumn('head_sha', 'text')
      .addColumn('status_state', 'text')
      .addColumn('status_description', 'text')
      .addColumn('status_sha', 'text')
      .addColumn('status_target_url', 'text')
      .addColumn('lease_owner', 'text')
      .addColumn('lease_expires_at', 'text')
      .addColumn('reconciled_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('pull_request_comment_states_pk', [
        'account_id',
        'repository_id',
        'pull_request_number',
      ])
      .execute();

    await db.schema.alterTable('finding_events').addColumn('via', 'text').execute();
  },
};
