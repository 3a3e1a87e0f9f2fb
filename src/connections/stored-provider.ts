import { AppError, notFound } from '../core/errors.js';
import type { ServiceContext } from '../context.js';
import { findConnectionRow } from '../db/connections.js';
import type { ConnectableProvider } from '../scm/connection-settings.js';
import { isAppKind, withInstallationProvider } from './github/installation-provider.js';
import { readStoredToken } from './health.js';
import { storedSettings } from './input.js';
import { withProvider } from './providers.js';

type Ctx = Pick<ServiceContext, 'db' | 'config' | 'secrets' | 'scmShared' | 'githubApps'>;

/**
 * Runs `use` with the stored connection's provider, its token decrypted for this call only. A token that no
 * longer decrypts throws {@link UnreadableTokenError}.
 */
export async function withStoredProvider<T>(
  ctx: Ctx,
  accountId: string,
  connectionId: string,
  use: (provider: ConnectableProvider) => Promise<T>,
): Promise<T> {
  const row = await findConnectionRow(ctx.db, accountId, connectionId);
  if (!row) throw notFound('connection');
  return withRowProvider(ctx, row, use);
}

/**
 * {@link withStoredProvider} for a connection row the caller has read already. A GitHub App connection talks as
 * its app's installation; the others with their stored token.
 */
export function withRowProvider<T>(
  ctx: Ctx,
  row: NonNullable<Awaited<ReturnType<typeof findConnectionRow>>>,
  use: (provider: ConnectableProvider) => Promise<T>,
): Promise<T> {
  if (isAppKind(row.kind)) return withInstallationProvider(ctx, row, use);
  const token = readStoredToken(ctx.secrets, storedToken(row));
  return withProvider(ctx, row.account_id, storedSettings(row, token, ctx.config), use);
}

export function storedToken<R extends { token_encrypted: string | null }>(
  row: R,
): R & { token_encrypted: string } {
  if (row.token_encrypted === null) {
    throw new AppError(409, 'not_connected', 'This connection has no token yet.');
  }
  return { ...row, token_encrypted: row.token_encrypted };
}
