import type { ValidatedConnection } from '../connection-settings.js';
import {
  insufficientScopes,
  probeListingScopes,
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
  if (project !== 'granted' || code !== 'granted') {
    const granted = [
      ...(code === 'granted' ? ['vso.code'] : []),
      ...(project === 'granted' ? ['vso.project'] : []),
    ];
    throw insufficientScopes(ctx, granted);
  }
  return { identity, organization };
}
