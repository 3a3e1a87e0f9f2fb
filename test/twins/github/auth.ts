import { verify } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ghError, badCredentials } from './errors.js';
import type { AppRecord, GitHubState, InstallationRecord, TokenRecord, UserRecord } from './state.js';

/** Who is calling, from the `Authorization` header. */
export type Caller =
  | { readonly kind: 'app'; readonly app: AppRecord }
  | {
      readonly kind: 'installation';
      readonly token: TokenRecord;
      readonly installation: InstallationRecord;
      readonly app: AppRecord;
    }
  | { readonly kind: 'user'; readonly token: TokenRecord; readonly user: UserRecord; readonly app: AppRecord }
  | { readonly kind: 'anonymous' };

const MAX_JWT_LIFETIME_S = 600;
const CLOCK_DRIFT_S = 60;

/** Resolve the caller; throws GitHub's 401 answers for bad JWTs and unknown or expired tokens. */
export function identify(
  state: GitHubState,
  headers: IncomingHttpHeaders,
  options: { clientIdIssuer: boolean } = { clientIdIssuer: true },
): Caller {
  const header = headers.authorization;
  if (!header) return { kind: 'anonymous' };
  const match = /^(bearer|token)\s+(\S+)$/i.exec(header.trim());
  if (!match) throw badCredentials();
  const scheme = match[1]!.toLowerCase();
  const credential = match[2]!;
  if (credential.split('.').length === 3) {
    if (scheme !== 'bearer') throw ghError(401, 'A JSON web token could not be decoded');
    return { kind: 'app', app: verifyAppJwt(state, credential, options.clientIdIssuer) };
  }
  const token = state.tokens.get(credential);
  if (!token || token.revoked || token.expiresAt <= state.now()) throw badCredentials();
  const app = state.apps.get(token.appId);
  if (!app) throw badCredentials();
  if (token.kind === 'installation') {
    const installation = state.installations.get(token.installationId ?? -1);
    if (!installation) throw badCredentials();
    if (installation.suspendedAt) throw ghError(403, 'This installation has been suspended');
    return { kind: 'installation', token, installation, app };
  }
  const user = state.users.get(token.userId ?? -1);
  if (!user) throw badCredentials();
  return { kind: 'user', token, user, app };
}

/**
 * Verify an app JWT (RS256, `iss` = app id, or client id when `clientIdIssuer`, `iat`/`exp` window) and return
 * the app. GHES before 3.14 only accepts the numeric app id.
 */
export function verifyAppJwt(state: GitHubState, jwt: string, clientIdIssuer = true): AppRecord {
  const [headerPart = '', payloadPart = '', signaturePart = ''] = jwt.split('.');
  const header = decodeJson(headerPart);
  const payload = decodeJson(payloadPart);
  if (!header || !payload || header.alg !== 'RS256')
    throw ghError(401, 'A JSON web token could not be decoded');
  const iss = payload.iss;
  const app =
    typeof iss === 'number' || (typeof iss === 'string' && /^\d+$/.test(iss))
      ? state.apps.get(Number(iss))
      : typeof iss === 'string' && clientIdIssuer
        ? state.appByClientId(iss)
        : undefined;
  if (!app) throw ghError(401, "'Issuer' claim ('iss') must be an Integer or a Client ID");
  const signed = Buffer.from(`${headerPart}.${payloadPart}`);
  const signature = Buffer.from(signaturePart, 'base64url');
  if (!verify('RSA-SHA256', signed, app.publicKey, signature)) {
    throw ghError(401, 'A JSON web token could not be decoded');
  }
  const now = Math.floor(state.now() / 1000);
  const { iat, exp } = payload;
  if (typeof iat !== 'number' || !Number.isInteger(iat) || iat > now + CLOCK_DRIFT_S) {
    throw ghError(
      401,
      "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
    );
  }
  if (typeof exp !== 'number' || exp <= now) {
    throw ghError(
      401,
      "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
    );
  }
  if (exp - iat > MAX_JWT_LIFETIME_S || exp > now + MAX_JWT_LIFETIME_S + CLOCK_DRIFT_S) {
    throw ghError(401, "'Expiration time' claim ('exp') is too far in the future");
  }
  return app;
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const LEVELS: Record<string, number> = { read: 1, write: 2, admin: 3 };

/** Whether `granted` holds `permission` at `level` or above. */
export function hasPermission(
  granted: Readonly<Record<string, string>>,
  permission: string,
  level: 'read' | 'write',
): boolean {
  return (
    (LEVELS[granted[permission] ?? ''] ?? 0) >= (LEVELS[level] ?? 0) ||
    (permission === 'metadata' && level === 'read')
  );
}

/** Narrow `requested` permissions to what `granted` allows; `undefined` when a requested one exceeds it. */
export function narrowPermissions(
  granted: Readonly<Record<string, string>>,
  requested: Readonly<Record<string, unknown>>,
): Record<string, 'read' | 'write' | 'admin'> | undefined {
  const out: Record<string, 'read' | 'write' | 'admin'> = {};
  for (const [name, level] of Object.entries(requested)) {
    if (level !== 'read' && level !== 'write' && level !== 'admin') return undefined;
    if ((LEVELS[granted[name] ?? ''] ?? 0) < LEVELS[level]!) return undefined;
    out[name] = level;
  }
  return out;
}
