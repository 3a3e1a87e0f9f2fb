import type { ServiceContext } from '../context.js';
import type { SignInMethod } from '../db/schema.js';
import type { Metrics } from './metrics.js';

/** What every route needs: the service's context plus what only the web server has. */
export interface AppContext extends ServiceContext {
  readonly metrics: Metrics;
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
      readonly roleIn?: {
        readonly accountId: string;
        readonly role: Role | null;
        /** The account requires single sign-on and this session did not come through it. */
        readonly ssoRequired: boolean;
      };
      /** How the person signed in (`password`, `github`, `gitlab`, `oidc`, `saml`). */
      readonly method: SignInMethod;
      /** The single sign-on provider the session came through. */
      readonly ssoProviderId: string | null;
    }
  | {
      readonly kind: 'token';
      readonly tokenId: string;
      readonly accountId: string;
      /** `scan-upload`: the token may upload scans to its account and do nothing else. */
      readonly role: Role | 'scan-upload';
    };

declare module 'fastify' {
  interface FastifyRequest {
    auth: Auth | null;
  }
  interface FastifyContextConfig {
    /** The route answers without a signed-in caller. */
    public?: boolean;
    /** The route is reached before a session exists (sign-in, set-up), so no CSRF token can be sent. */
    csrfExempt?: boolean;
    /** A `scan-upload` API token may call the route (uploading and reading scans); every other route refuses it. */
    scanUpload?: boolean;
  }
}
