import type { Migration, MigrationProvider } from 'kysely';
import { foundation } from './migrations/0001-foundation.js';
import { jobs } from './migrations/0002-jobs.js';
import { inventory } from './migrations/0003-inventory.js';
import { connectionHealth } from './migrations/0004-connection-health.js';
import { webhooks } from './migrations/0005-webhooks.js';
import { jobProgress } from './migrations/0006-job-progress.js';
import { githubApps } from './migrations/0007-github-apps.js';
import { findings } from './migrations/0008-findings.js';
import { pullRequestComments } from './migrations/0009-pull-request-comments.js';
import { commentSettings } from './migrations/0010-comment-settings.js';
import { membershipAndSignIn } from './migrations/0011-membership-and-sign-in.js';
import { bulkCi } from './migrations/0012-bulk-ci.js';

/**
 * One migration set for SQLite and PostgreSQL. Only portable column types are used (text, integer); ids are
 * UUID strings and timestamps ISO strings. Migrations are append-only: never edit one that has shipped.
 */
const migrations: Record<string, Migration> = {
  '0001_foundation': foundation,
  '0002_jobs': jobs,
  '0003_inventory': inventory,
  '0004_connection_health': connectionHealth,
  '0005_webhooks': webhooks,
  '0006_job_progress': jobProgress,
  '0007_github_apps': githubApps,
  '0008_findings': findings,
  '0009_pull_request_comments': pullRequestComments,
  '0010_comment_settings': commentSettings,
  '0011_membership_and_sign_in': membershipAndSignIn,
  '0012_bulk_ci': bulkCi,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
