import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Findings from any scanner:
 * - `scans`: one SARIF upload for a repository and commit (and branch or pull request), its log kept (gzip,
 *   base64) until processed, answered once per (repository, commit, tools and categories) by `dedupe_key`;
 * - `scan_runs`: the runs of a log, each one tool and category;
 * - `scan_rules`: what a tool says about its rules (help, severity), per account and tool;
 * - `findings`: one per (repository, branch, tool, category, fingerprint), with its state (open, fixed,
 *   removed), triage (ignored with a reason, or not) and where it was seen last;
 * - `scan_findings`: which findings a scan reported, where, and whether they are new in its pull request;
 * - `finding_events`: each finding's history (first seen, fixed, reopened, removed, ignored, reopened by hand);
 * - `file_line_hashes`: the hashes of a file's lines, by blob, so a file is read from the SCM once;
 * - repositories gain `excluded` (not scanned) and `tags`;
 * - API tokens gain the `scan-upload` role, which can upload scans and nothing else (the table is rebuilt:
 *   SQLite cannot change a check constraint in place).
 */
export const findings: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('repositories')
      .addColumn('excluded', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('repositories')
      .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
      .execute();

    await rebuildApiTokens(db);

    await db.schema
      .createTable('scans')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
      .addColumn('repository_id', 'text', (c) =>
        c.notNull().references('repositories.id').onDelete('cascade'),
      )
      .addColumn('commit_sha', 'text', (c) => c.notNull())
      .addColumn('branch', 'text')
      .addColumn('pull_request_number', 'integer')
      .addColumn('base_commit_sha', 'text')
      .addColumn('base_branch', 'text')
      .addColumn('dedupe_key', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sql`status in ('queued', 'processing', 'processed', 'failed')`),
      )
      .addColumn('error_code', 'text')
      .addColumn('error_message', 'text')
      .addColumn('log_gzip_base64', 'text')
      .addColumn('log_bytes', 'integer', (c) => c.notNull())
      .addColumn('result_count', 'integer', (c) => c.notNull())
      .addColumn('summary', 'text')
      .addColumn('uploaded_by_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('uploaded_by_token_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('processed_at', 'text')
      .execute();
    await db.schema
      .createIndex('scans_once')
      .unique()
      .on('scans')
      .columns(['account_id', 'dedupe_key'])
      .execute();
    await db.schema
      .createIndex('scans_repository')
      .on('scans')
      .columns(['account_id', 'repository_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('scan_runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('scan_id', 'text', (c) => c.notNull().references('scans.id').onDelete('cascade'))
      .addColumn('run_index', 'integer', (c) => c.notNull())
      .addColumn('tool_name', 'text', (c) => c.notNull())
      .addColumn('tool_version', 'text')
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('result_count', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('scan_runs_scan').on('scan_runs').columns(['scan_id', 'run_index']).execute();

    await db.schema
      .createTable('scan_rules')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('tool_name', 'text', (c) => c.notNull())
      .addColumn('rule_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text')
      .addColumn('short_description', 'text')
      .addColumn('full_description', 'text')
      .addColumn('help_text', 'text')
      .addColumn('help_markdown', 'text')
      .addColumn('help_uri', 'text')
      .addColumn('default_level', 'text')
      .addColumn('security_severity', 'text')
      .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('scan_rules_once', ['account_id', 'tool_name', 'rule_id'])
      .execute();

    await db.schema
      .createTable('findings')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
      .addColumn('repository_id', 'text', (c) =>
        c.notNull().references('repositories.id').onDelete('cascade'),
      )
      .addColumn('branch', 'text', (c) => c.notNull())
      .addColumn('tool_name', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('rule_id', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('open', 'fixed', 'removed')`))
      .addColumn('ignored_reason', 'text', (c) =>
        c.check(
          sql`ignored_reason is null or ignored_reason in ('false_positive', 'acceptable_risk', 'other')`,
        ),
      )
      .addColumn('ignored_note', 'text')
      .addColumn('ignored_by_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('ignored_at', 'text')
      .addColumn('severity', 'text', (c) =>
        c.notNull().check(sql`severity in ('critical', 'high', 'medium', 'low', 'info')`),
      )
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('path', 'text')
      .addColumn('start_line', 'integer')
      .addColumn('start_column', 'integer')
      .addColumn('end_line', 'integer')
      .addColumn('end_column', 'integer')
      .addColumn('details', 'text')
      .addColumn('commit_sha', 'text', (c) => c.notNull())
      .addColumn('first_seen_scan_id', 'text', (c) => c.notNull())
      .addColumn('last_seen_scan_id', 'text', (c) => c.notNull())
      .addColumn('fixed_in_scan_id', 'text')
      .addColumn('first_seen_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .addColumn('fixed_at', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('findings_identity', [
        'account_id',
        'repository_id',
        'branch',
        'tool_name',
        'category',
        'fingerprint',
      ])
      .execute();
    await db.schema
      .createIndex('findings_list')
      .on('findings')
      .columns(['account_id', 'state', 'severity', 'id'])
      .execute();
    await db.schema
      .createIndex('findings_repository')
      .on('findings')
      .columns(['account_id', 'repository_id', 'branch', 'state'])
      .execute();

    await db.schema
      .createTable('scan_findings')
      .addColumn('scan_id', 'text', (c) => c.notNull().references('scans.id').onDelete('cascade'))
      .addColumn('finding_id', 'text', (c) => c.notNull().references('findings.id').onDelete('cascade'))
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('new_in_pull_request', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('path', 'text')
      .addColumn('start_line', 'integer')
      .addColumn('end_line', 'integer')
      .addPrimaryKeyConstraint('scan_findings_pk', ['scan_id', 'finding_id'])
      .execute();
    await db.schema
      .createIndex('scan_findings_finding')
      .on('scan_findings')
      .columns(['finding_id'])
      .execute();

    await db.schema
      .createTable('finding_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('finding_id', 'text', (c) => c.notNull().references('findings.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) =>
        c.notNull().check(sql`kind in ('opened', 'fixed', 'reopened', 'removed', 'ignored', 'unignored')`),
      )
      .addColumn('scan_id', 'text')
      .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('reason', 'text')
      .addColumn('note', 'text')
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('finding_events_finding')
      .on('finding_events')
      .columns(['finding_id', 'at'])
      .execute();

    await db.schema
      .createTable('file_line_hashes')
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('repository_id', 'text', (c) =>
        c.notNull().references('repositories.id').onDelete('cascade'),
      )
      .addColumn('blob_id', 'text', (c) => c.notNull())
      .addColumn('line_hashes', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('file_line_hashes_pk', ['account_id', 'repository_id', 'blob_id'])
      .execute();
  },
};

/** API tokens with the `scan-upload` role: the table again, with its rows, under the new check. */
async function rebuildApiTokens(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('api_tokens_next')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'member', 'scan-upload')`))
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .execute();
  await sql`insert into api_tokens_next (id, account_id, name, role, token_hash, prefix, created_by, created_at, last_used_at)
    select id, account_id, name, role, token_hash, prefix, created_by, created_at, last_used_at from api_tokens`.execute(
    db,
  );
  await db.schema.dropTable('api_tokens').execute();
  await db.schema.alterTable('api_tokens_next').renameTo('api_tokens').execute();
  await db.schema.createIndex('api_tokens_hash').unique().on('api_tokens').column('token_hash').execute();
  await db.schema.createIndex('api_tokens_account').on('api_tokens').column('account_id').execute();
}
