import { randomBytes } from 'node:crypto';
import type { GitLabOAuthApplicationSeed, GitLabScope } from './scenario.js';

/** An OAuth application as GitLab keeps it (`Authn::OauthApplication`, Doorkeeper's application). */
export interface GitLabOAuthApplication {
  readonly id: number;
  /** The application ID, `client_id`. */
  readonly uid: string;
  secret: string;
  readonly name: string;
  readonly redirectUris: readonly string[];
  readonly scopes: readonly GitLabScope[];
  readonly confidential: boolean;
}

/** An authorization code (Doorkeeper's access grant): single use, ten minutes. */
export interface GitLabOAuthGrant {
  readonly code: string;
  readonly applicationUid: string;
  readonly userId: number;
  readonly redirectUri: string;
  readonly scopes: readonly GitLabScope[];
  readonly challenge: string | undefined;
  readonly challengeMethod: string | undefined;
  readonly expiresAt: number;
  used: boolean;
}

export interface GitLabRefreshToken {
  readonly applicationUid: string;
  readonly userId: number;
  readonly scopes: readonly GitLabScope[];
  /** The access token issued with it, revoked when this one is used. */
  readonly accessToken: string;
  revoked: boolean;
}

/** The twin's OAuth provider and web sign-in: applications, codes, refresh tokens, browser sessions. */
export class GitLabOAuthStore {
  readonly applications = new Map<string, GitLabOAuthApplication>();
  readonly grants = new Map<string, GitLabOAuthGrant>();
  readonly refreshTokens = new Map<string, GitLabRefreshToken>();
  /** Web sign-in sessions: cookie value → user id. */
  readonly sessions = new Map<string, number>();
  private nextId = 1;

  register(seed: GitLabOAuthApplicationSeed): GitLabOAuthApplication {
    const application: GitLabOAuthApplication = {
      id: this.nextId++,
      uid: seed.uid ?? randomHex(32),
      secret: seed.secret ?? `gloas-${randomHex(32)}`,
      name: seed.name ?? 'scm-connect',
      redirectUris: [...seed.redirectUris],
      scopes: [...seed.scopes],
      confidential: seed.confidential ?? true,
    };
    this.applications.set(application.uid, application);
    return application;
  }

  /** Ends every web session of the user (blocked, or signed out everywhere). */
  endSessions(userId: number): void {
    for (const [id, owner] of this.sessions) if (owner === userId) this.sessions.delete(id);
  }
}

export const randomHex = (bytes: number): string => randomBytes(bytes).toString('hex');
