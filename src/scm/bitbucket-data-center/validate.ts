import type { ValidatedConnection } from '../connection-settings.js';
import {
  insufficientPermissions,
  invalidCredentials,
  readServerVersion,
  resolveProject,
  toOrganization,
  type BbdcContext,
} from './connection-checks.js';

/**
 * Checks a connection before it is stored: the instance answers like Data Center, the token is accepted, the
 * project is visible and its repositories can be listed. Transport errors of the HTTP layer pass through.
 */
export async function validateBbdc(ctx: BbdcContext): Promise<ValidatedConnection> {
  const serverVersion = await readServerVersion(ctx);
  const { project, identity } = await resolveProject(ctx);
  const first = await ctx.client.firstRepository(ctx.projectKey);
  if (!first.ok) {
    if (first.refusal === 'bad-credentials') throw invalidCredentials(ctx, first.status);
    throw insufficientPermissions(ctx, ['PROJECT_VIEW']);
  }
  return { identity, organization: toOrganization(ctx, project), serverVersion };
}
