import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Sign-in with an SCM or an identity provider, membership managed by the SCM, and single sign-on:
 * - `user_identities`: the sign-in methods linked to a user, keyed by (provider, issuer, subject): the SCM's web
 *   root and numeric user id, the OpenID Connect issuer and `sub`, or the SAML IdP entity id and NameID. Never
 *   by login or email, which are renamed and reused;
 * - `sign_in_flows`: a single-use `state` of a redirect to GitHub, GitLab or an identity provider, bound to the
 *   browser that started it by a nonce cookie; the PKCE verifier and OIDC nonce are sealed;
 * - `gitlab_oauth_apps`: the OAuth applications an instance admin registered for Sign in with GitLab;
 * - `membership_sources`: per account, the GitHub organization or GitLab top-level group (of one of its
 *   connections) that manages its membership, the optional SCM role → account role mapping and the last run;
 * - memberships gain `managed` (1: the membership source added it) and `scm_role` (the role it holds there);
 * - accounts gain `default_role`, `require_sso` and `break_glass_user_id`;
 * - sessions gain `method` (how the person signed in) and `sso_provider_id`;
 * - `sso_providers`: per account at most one OpenID Connect and one SAML provider; settings as JSON, the client
 *   secret sealed; draft → tested → active;
 * - `saml_assertions_seen`: assertion ids already accepted, until they expire, so none is accepted twice.
 */
export const membershipAndSignIn: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('user_identities')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('provider', 'text', (c) =>
        c.notNull().check(sql`provider in ('github', 'gitlab', 'oidc', 'saml')`),
      )
      .addColumn('issuer', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('login', 'text')
      .addColumn('email', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_used_at', 'text')
      .addUniqueConstraint('user_identities_subject', ['provider', 'issuer', 'subject'])
      .execute();
    await db.schema.createIndex('user_identities_user').on('user_identities').column('user_id').execute();

    await db.schema
      .createTable('sign_in_flows')
      .addColumn('state_hash', 'text', (c) => c.primaryKey())
      .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('sign-in', 'link', 'test')`))
      .addColumn('provider', 'text', (c) =>
        c.notNull().check(sql`provider in ('github', 'gitlab', 'oidc', 'saml')`),
      )
      .addColumn('provider_ref', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
      .addColumn('account_id', 'text', (c) => c.references('accounts.id').onDelete('cascade'))
      .addColumn('nonce_hash', 'text', (c) => c.notNull())
      .addColumn('sealed', 'text')
      .addColumn('return_to', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sign_in_flows_expiry').on('sign_in_flows').column('expires_at').execute();

    await db.schema
      .createTable('gitlab_oauth_apps')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('web_url', 'text', (c) => c.notNull().unique())
      .addColumn('application_id', 'text', (c) => c.notNull())
      .addColumn('secret_encrypted', 'text', (c) => c.notNull())
      .addColumn('ca_certificate', 'text')
      .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('membership_sources')
      .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
      .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
      .addColumn('organization_external_id', 'text', (c) => c.notNull())
      .addColumn('organization_name', 'text', (c) => c.notNull())
      .addColumn('role_mapping', 'text')
      .addColumn('last_reconciled_at', 'text')
      .addColumn('last_outcome', 'text')
      .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('membership_sources_connection')
      .on('membership_sources')
      .column('connection_id')
      .execute();

    await db.schema
      .alterTable('memberships')
      .addColumn('managed', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('memberships').addColumn('scm_role', 'text').execute();

    await db.schema
      .alterTable('accounts')
      .addColumn('default_role', 'text', (c) => c.notNull().defaultTo('member'))
      .execute();
    await db.schema
      .alterTable('accounts')
      .addColumn('require_sso', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('accounts')
      .addColumn('break_glass_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
      .execute();

    await db.schema
      .alterTable('sessions')
      .addColumn('method', 'text', (c) => c.notNull().defaultTo('password'))
      .execute();
    await db.schema.alterTable('sessions').addColumn('sso_provider_id', 'text').execute();

    await db.schema
      .createTable('sso_providers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('protocol', 'text', (c) => c.notNull().check(sql`protocol in ('oidc', 'saml')`))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('secret_encrypted', 'text')
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft', 'tested', 'active')`))
      .addColumn('tested_at', 'text')
      .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('sso_providers_protocol', ['account_id', 'protocol'])
      .execute();

    await db.schema
      .createTable('saml_assertions_seen')
      .addColumn('provider_id', 'text', (c) => c.notNull().references('sso_providers.id').onDelete('cascade'))
      .addColumn('assertion_id', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('saml_assertions_seen_pk', ['provider_id', 'assertion_id'])
      .execute();
  },
};
