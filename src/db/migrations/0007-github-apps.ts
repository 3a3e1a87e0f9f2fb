import { sql, type Kysely, type Migration } from 'kysely';

/**
 * GitHub Apps and what links their installations to accounts:
 * - `github_apps`: an app registered through the manifest flow (the instance's app on github.com, or the app of
 *   a GitHub Enterprise Server connection, removed with it), its private key, webhook secret and client secret
 *   encrypted;
 * - `github_flow_states`: the single-use `state` of an install, authorize or manifest redirect, bound to the
 *   session and the account that started it (only hashes are stored);
 * - `github_installations`: an installation linked to a connection of an account, by the app's and the
 *   installation's numeric ids (integer strings); a GitHub Cloud connection links one, a GitHub Enterprise
 *   Server connection every installation of its app;
 * - `github_install_requests`: installations a member asked an organization owner to approve;
 * - `users.instance_admin`: who may set up the instance's GitHub App.
 */
export const githubApps: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('users')
      .addColumn('instance_admin', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    // The person who set the instance up is its first instance admin.
    await sql`update users set instance_admin = 1 where id = (select id from users order by created_at limit 1)`.execute(
      db,
    );

    await db.schema
      .createTable('github_apps')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.references('accounts.id').onDelete('cascade'))
      .addColumn('connection_id', 'text', (c) => c.references('connections.id').onDelete('cascade'))
      .addColumn('web_url', 'text', (c) => c.notNull())
      .addColumn('api_url', 'text', (c) => c.notNull())
      .addColumn('app_id', 'text', (c) => c.notNull())
      .addColumn('slug', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('owner', 'text')
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('permissions', 'text', (c) => c.notNull())
      .addColumn('events', 'text', (c) => c.notNull())
      .addColumn('private_key_encrypted', 'text', (c) => c.notNull())
      .addColumn('webhook_secret_encrypted', 'text', (c) => c.notNull())
      .addColumn('client_secret_encrypted', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('github_apps_once', ['web_url', 'app_id'])
      .execute();

    await db.schema
      .createTable('github_flow_states')
      .addColumn('state_hash', 'text', (c) => c.primaryKey())
      .addColumn('purpose', 'text', (c) =>
        c.notNull().check(sql`purpose in ('install', 'authorize', 'manifest')`),
      )
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('session_hash', 'text', (c) => c.notNull())
      .addColumn('nonce_hash', 'text', (c) => c.notNull())
      .addColumn('details', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('github_flow_states_expiry')
      .on('github_flow_states')
      .columns(['expires_at'])
      .execute();

    await db.schema
      .createTable('github_installations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
      .addColumn('web_url', 'text', (c) => c.notNull())
      .addColumn('app_id', 'text', (c) => c.notNull())
      .addColumn('installation_id', 'text', (c) => c.notNull())
      .addColumn('target_id', 'text', (c) => c.notNull())
      .addColumn('target_login', 'text', (c) => c.notNull())
      .addColumn('target_type', 'text', (c) =>
        c.notNull().check(sql`target_type in ('Organization', 'User')`),
      )
      .addColumn('repository_selection', 'text', (c) =>
        c.notNull().check(sql`repository_selection in ('all', 'selected')`),
      )
      .addColumn('allow_other_accounts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('linked_by_user_id', 'text')
      .addColumn('linked_by_github_user_id', 'text', (c) => c.notNull())
      .addColumn('suspended_at', 'text')
      .addColumn('removed_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('github_installations_once_per_account', [
        'web_url',
        'app_id',
        'installation_id',
        'account_id',
      ])
      .execute();
    // A GitHub Enterprise Server connection links every installation of its app (the owner org and further ones).
    await db.schema
      .createIndex('github_installations_connection')
      .on('github_installations')
      .columns(['connection_id'])
      .execute();
    await db.schema
      .createIndex('github_installations_by_installation')
      .on('github_installations')
      .columns(['web_url', 'app_id', 'installation_id'])
      .execute();

    await db.schema
      .createTable('github_install_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('web_url', 'text', (c) => c.notNull())
      .addColumn('app_id', 'text', (c) => c.notNull())
      .addColumn('github_user_id', 'text', (c) => c.notNull())
      .addColumn('github_login', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('github_install_requests_requester')
      .on('github_install_requests')
      .columns(['web_url', 'app_id', 'github_user_id'])
      .execute();
  },
};
