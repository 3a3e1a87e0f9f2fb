import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Webhook endpoints (one unguessable address per connection, later per GitHub App, with its secrets encrypted)
 * and the deliveries they received: each kept once per endpoint and delivery id, with its body for the job that
 * processes it.
 */
export const webhooks: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('webhook_endpoints')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('connection_id', 'text', (c) => c.references('connections.id').onDelete('cascade'))
      .addColumn('app_id', 'text')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('secret_encrypted', 'text', (c) => c.notNull())
      .addColumn('signing_secret_encrypted', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('last_delivery_at', 'text')
      .addColumn('last_failure_at', 'text')
      .addColumn('last_failure', 'text')
      .addColumn('registered_hook_ids', 'text')
      .addColumn('registered_at', 'text')
      .addColumn('registration_problem', 'text')
      .addColumn('silent_activity_at', 'text')
      .execute();
    await db.schema
      .createIndex('webhook_endpoints_connection')
      .unique()
      .on('webhook_endpoints')
      .columns(['account_id', 'connection_id'])
      .execute();
    await db.schema
      .createTable('webhook_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('endpoint_id', 'text', (c) =>
        c.notNull().references('webhook_endpoints.id').onDelete('cascade'),
      )
      .addColumn('delivery_id', 'text', (c) => c.notNull())
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('body_bytes', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sql`status in ('received', 'processed', 'ignored', 'failed')`),
      )
      .addColumn('outcome', 'text')
      .addColumn('processed_at', 'text')
      .addUniqueConstraint('webhook_deliveries_once', ['endpoint_id', 'delivery_id'])
      .execute();
    await db.schema
      .createIndex('webhook_deliveries_received')
      .on('webhook_deliveries')
      .columns(['received_at'])
      .execute();
  },
};
