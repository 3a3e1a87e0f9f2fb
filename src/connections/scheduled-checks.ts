import { z } from 'zod';
import type { ServiceContext } from '../context.js';
import { findConnectionRow } from '../db/connections.js';
import type { JobHandler } from '../jobs/index.js';
import { ScmError } from '../scm/errors.js';
import type { CheckStatus } from '../scm/provider.js';
import { testConnection } from './service.js';

/** The daily check of one connection's token expiry. */
export const tokenExpiryJobKind = 'connection.token-expiry';

type Ctx = Pick<ServiceContext, 'db' | 'config' | 'secrets' | 'scmShared' | 'logger' | 'githubApps'>;

const payload = z.object({ connectionId: z.string() });

/** What the daily check found, kept as the job's result; the full report is stored on the connection. */
export interface TokenExpiryCheck {
  readonly connectionId: string;
  /** `warn` within 14 days of expiry, `fail` once expired, `skipped` when the SCM does not tell. */
  readonly status: CheckStatus;
  readonly expiresAt: string | null;
  readonly daysLeft: number | null;
  readonly warning: string | null;
  readonly fix: string | null;
}

/**
 * Checks a connection's token expiry with the SCM and stores the outcome as the connection's last test, so
 * the connection list shows a warning 14 days ahead. The provider contract reads a token's expiry only as part
 * of Test connection, so this runs that report (read-only calls) and keeps the whole of it. An SCM that does
 * not answer throws, so the job retries and, in the end, shows the report's fix.
 */
export async function checkTokenExpiry(
  ctx: Ctx,
  accountId: string,
  connectionId: string,
): Promise<TokenExpiryCheck> {
  if (!(await findConnectionRow(ctx.db, accountId, connectionId))) {
    return { ...unknown(connectionId), warning: 'The connection was removed before the check ran.' };
  }
  const report = await testConnection(ctx, accountId, connectionId);
  if (report.reachable.status === 'fail') {
    throw new ScmError('unavailable', report.reachable.message, {
      ...(report.reachable.fix ? { fix: report.reachable.fix } : {}),
    });
  }
  const expiry = report.tokenExpiry;
  if (expiry) {
    return {
      connectionId,
      status: expiry.status,
      expiresAt: expiry.expiresAt ?? null,
      daysLeft: expiry.daysLeft ?? null,
      warning: expiry.warning ?? null,
      fix: expiry.fix ?? null,
    };
  }
  // No expiry known: either the SCM does not tell, or it refused the token (the report's failing line says so).
  const refused = [report.target, ...report.capabilities].find((line) => line.status === 'fail');
  if (refused && !report.identity) {
    return { ...unknown(connectionId), status: 'fail', warning: refused.message, fix: refused.fix ?? null };
  }
  return { ...unknown(connectionId), warning: 'The SCM does not say when this token expires.' };
}

const unknown = (connectionId: string): TokenExpiryCheck => ({
  connectionId,
  status: 'skipped',
  expiresAt: null,
  daysLeft: null,
  warning: null,
  fix: null,
});

export const createTokenExpiryHandler =
  (ctx: Ctx): JobHandler =>
  async (job) => {
    const { connectionId } = payload.parse(job.payload);
    return checkTokenExpiry(ctx, job.accountId!, connectionId);
  };
