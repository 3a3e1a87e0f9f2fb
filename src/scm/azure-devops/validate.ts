import type { ValidatedConnection } from '../connection-settings.js';
import {
  insufficientScopes,
  probeListingScopes,
  projectsNotListable,
  resolveOrganization,
  type AdoContext,
} from './connection-checks.js';

/**
 * Checks a connection before it is stored: the PAT is accepted by the organization, and it may list projects
 * and read repositories (PAT scopes cannot be read back, so each is probed). Transport errors pass through.
 */
export async function validateAzureDevOps(ctx: AdoContext): Promise<ValidatedConnection> {
  const { organization, identity } = await resolveOrganization(ctx);
  const { project, code } = await probeListingScopes(ctx);
  if (code !== 'granted') throw insufficientScopes(ctx, []);
  if (project !== 'granted') throw projectsNotListable(ctx);
  return { identity, organization };
}
