import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { Db, Engine } from '../db/database.js';
import type { HotQueries } from '../db/hot-queries.js';
import type { ScmHttpShared } from '../scm/http/index.js';
import type { SecretBox } from '../secrets/index.js';
import type { Metrics } from './metrics.js';

/** What every route needs, created once by the service and passed down: no module-level state. */
export interface AppContext {
  readonly config: Config;
  readonly db: Db;
  readonly engine: Engine;
  readonly secrets: SecretBox;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The queries every request makes, compiled once. */
  readonly queries: HotQueries;
  /** Per-host limits and rate-limit pauses shared by every SCM call of this process. */
  readonly scmShared: ScmHttpShared;
  /** Where the built web UI lives; absent when it was not built. */
  readonly webRoot: string | undefined;
}

export type Role = 'admin' | 'member';

export type Auth =
  | {
      readonly kind: 'session';
      readonly userId: string;
      readonly sessionIdHash: string;
      readonly accountId: string | null;
      readonly csrfToken: string;
      /** The role in the account the route names, read with the session (null: not a member). */
      readonly roleIn?: { readonly accountId: string; readonly role: Role | null };
    }
  | { readonly kind: 'token'; readonly tokenId: string; readonly accountId: string; readonly role: Role };

declare module 'fastify' {
  interface FastifyRequest {
    auth: Auth | null;
  }
  interface FastifyContextConfig {
    /** The route answers without a signed-in caller. */
    public?: boolean;
    /** The route is reached before a session exists (sign-in, set-up), so no CSRF token can be sent. */
    csrfExempt?: boolean;
  }
}
