import type { Logger } from 'pino';
import type { Config } from './config/config.js';
import type { Db, Engine } from './db/database.js';
import type { HotQueries } from './db/hot-queries.js';
import type { GitHubApps } from './github-apps/registry.js';
import type { ScmHttpShared } from './scm/http/index.js';
import type { SecretBox } from './secrets/index.js';

/**
 * What every part of the service needs, created once at start-up and passed down: the web server and the
 * workers both receive it, so nothing below `src/api` imports from there. No module-level state.
 */
export interface ServiceContext {
  readonly config: Config;
  readonly db: Db;
  readonly engine: Engine;
  readonly secrets: SecretBox;
  readonly logger: Logger;
  /** The queries every request makes, compiled once. */
  readonly queries: HotQueries;
  /** Per-host limits and rate-limit pauses shared by every SCM call of this process. */
  readonly scmShared: ScmHttpShared;
  /** The GitHub Apps this process talks as (the instance's, and GitHub Enterprise Server ones), with their clients. */
  readonly githubApps: GitHubApps;
}
