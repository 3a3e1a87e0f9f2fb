import type { Kysely, Migration } from 'kysely';

/** Source code organizations and repositories of each connection, kept in sync with the SCM. */
export const inventory: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('organizations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
      .addColumn('external_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('web_url', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('organizations_external', ['connection_id', 'external_id'])
      .execute();
    await db.schema.createIndex('organizations_account').on('organizations').column('account_id').execute();
    await db.schema
      .createTable('repositories')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
      .addColumn('organization_id', 'text', (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('external_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('full_name', 'text', (c) => c.notNull())
      .addColumn('default_branch', 'text')
      .addColumn('visibility', 'text', (c) => c.notNull())
      .addColumn('archived', 'integer', (c) => c.notNull())
      .addColumn('web_url', 'text', (c) => c.notNull())
      .addColumn('synced_at', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('repositories_external', ['connection_id', 'external_id'])
      .execute();
    await db.schema
      .createIndex('repositories_account_name')
      .on('repositories')
      .columns(['account_id', 'full_name'])
      .execute();
    await db.schema.alterTable('connections').addColumn('last_synced_at', 'text').execute();
    await db.schema.alterTable('connections').addColumn('sync_error', 'text').execute();
  },
};
