import type { Db } from '../db/database.js';
import { listAllSsoProviders } from '../db/sso-providers.js';
import { emailDomain } from './settings.js';
import { ssoStartPath } from './urls.js';

/**
 * Where single sign-on starts for `email`: the active provider whose allowed domains include its domain (an
 * account's OpenID Connect provider before its SAML one when both claim it); undefined when none does.
 */
export async function ssoProviderForEmail(db: Db, email: string): Promise<string | undefined> {
  const domain = emailDomain(email);
  const matching = (await listAllSsoProviders(db)).filter(
    (row) =>
      row.status === 'active' &&
      ((JSON.parse(row.settings) as { allowedDomains?: string[] }).allowedDomains ?? []).includes(domain),
  );
  const chosen = matching.find((row) => row.protocol === 'oidc') ?? matching[0];
  return chosen && ssoStartPath(chosen.id);
}
