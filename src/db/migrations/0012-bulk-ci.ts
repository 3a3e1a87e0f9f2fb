import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The scanner's CI job added to many repositories at once:
 * - `ci_job_settings`: per account, once an admin saved them, the CI template's settings as JSON;
 * - `bulk_ci_runs`: one bulk run (pull-request or direct mode) with the settings and service URL it renders
 *   with, and the durable job that works on it;
 * - `bulk_ci_steps`: one row per selected repository, in the order they are worked on, with what was done (or why
 *   it was skipped or failed); the repository's name and CI system are kept so the report outlives the repository;
 * - `ci_secrets`: which scan-upload API token backs the secret stored in each place (a repository, or an Azure
 *   DevOps project), so a second run knows the secret is current; `pending_api_token_id` is a token made but
 *   not yet known to be stored, so a crash between the two leaves nothing unaccounted for;
 * - repositories gain `fork` (1: a fork of another repository).
 */
export const bulkCi: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('ci_job_settings')
      .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .execute();

    await db.schema
      .createTable('bulk_ci_runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('pull-request', 'direct')`))
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sql`status in ('queued', 'running', 'succeeded', 'failed', 'cancelled')`),
      )
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('service_url', 'text', (c) => c.notNull())
      .addColumn('job_id', 'text')
      .addColumn('resumes', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text')
      .addColumn('finished_at', 'text')
      .execute();
    await db.schema
      .createIndex('bulk_ci_runs_account')
      .on('bulk_ci_runs')
      .columns(['account_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('bulk_ci_steps')
      .addColumn('run_id', 'text', (c) => c.notNull().references('bulk_ci_runs.id').onDelete('cascade'))
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('repository_id', 'text', (c) => c.notNull())
      .addColumn('connection_id', 'text', (c) => c.notNull())
      .addColumn('full_name', 'text', (c) => c.notNull())
      .addColumn('system', 'text')
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sql`status in ('pending', 'running', 'done', 'skipped', 'failed')`),
      )
      .addColumn('outcome', 'text')
      .addColumn('pull_request_url', 'text')
      .addColumn('commit_url', 'text')
      .addColumn('secret', 'text')
      .addColumn('reason', 'text')
      .addColumn('message', 'text')
      .addColumn('fix', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('bulk_ci_steps_pk', ['run_id', 'repository_id'])
      .execute();
    await db.schema
      .createIndex('bulk_ci_steps_position')
      .on('bulk_ci_steps')
      .columns(['run_id', 'position'])
      .execute();
    await db.schema
      .createIndex('bulk_ci_steps_repository')
      .on('bulk_ci_steps')
      .columns(['account_id', 'repository_id'])
      .execute();

    await db.schema
      .createTable('ci_secrets')
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
      .addColumn('scope_key', 'text', (c) => c.notNull())
      .addColumn('secret_name', 'text', (c) => c.notNull())
      .addColumn('api_token_id', 'text', (c) => c.references('api_tokens.id').onDelete('set null'))
      .addColumn('pending_api_token_id', 'text', (c) => c.references('api_tokens.id').onDelete('set null'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('ci_secrets_place', ['connection_id', 'scope_key', 'secret_name'])
      .execute();

    await db.schema
      .alterTable('repositories')
      .addColumn('fork', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
