import type { ServiceContext } from '../context.js';
import { findSsoProvider, ssoSecretAad, type SsoProviderRow } from '../db/sso-providers.js';
import type { ProvisioningProvider } from './provision.js';
import { parseOidcSettings, parseSamlSettings, type OidcSettings, type SamlSettings } from './settings.js';

/** A provider with its parsed settings and what provisioning needs of it. */
export type LoadedProvider =
  | {
      readonly protocol: 'oidc';
      readonly row: SsoProviderRow;
      readonly settings: OidcSettings;
      readonly provisioning: ProvisioningProvider;
    }
  | {
      readonly protocol: 'saml';
      readonly row: SsoProviderRow;
      readonly settings: SamlSettings;
      readonly provisioning: ProvisioningProvider;
    };

const hostOf = (url: string): string => {
  try {
    return new URL(url).hostname || 'sso.invalid';
  } catch {
    return 'sso.invalid';
  }
};

export function loadProvider(row: SsoProviderRow): LoadedProvider {
  if (row.protocol === 'oidc') {
    const settings = parseOidcSettings(row.settings);
    return {
      protocol: 'oidc',
      row,
      settings,
      provisioning: {
        id: row.id,
        accountId: row.account_id,
        protocol: 'oidc',
        issuer: settings.issuer,
        host: hostOf(settings.issuer),
        groupRoles: settings.groupRoles,
      },
    };
  }
  const settings = parseSamlSettings(row.settings);
  return {
    protocol: 'saml',
    row,
    settings,
    provisioning: {
      id: row.id,
      accountId: row.account_id,
      protocol: 'saml',
      issuer: settings.idpEntityId,
      host: hostOf(settings.idpSsoUrl),
      groupRoles: settings.groupRoles,
    },
  };
}

export async function findLoadedProvider(
  ctx: ServiceContext,
  providerId: string,
): Promise<LoadedProvider | undefined> {
  const row = await findSsoProvider(ctx.db, providerId);
  return row && loadProvider(row);
}

/** The OIDC client secret, unsealed for one token request. */
export const clientSecretOf = (ctx: ServiceContext, row: SsoProviderRow): string =>
  row.secret_encrypted ? ctx.secrets.decrypt(row.secret_encrypted, ssoSecretAad(row.account_id, row.id)) : '';
