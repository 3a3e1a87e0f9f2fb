import type { Db } from '../db/database.js';
import type { Role, SsoStatus } from '../db/schema.js';
import { findSsoPolicy, listSsoProvidersOfAccount, type SsoProviderRow } from '../db/sso-providers.js';
import { describeCertificate, type CertificateView } from './saml-metadata.js';
import { parseOidcSettings, parseSamlSettings, type LastTest } from './settings.js';
import { oidcRedirectUrl, samlSpUrls } from './urls.js';

interface ProviderViewBase {
  readonly id: string;
  readonly name: string;
  readonly status: SsoStatus;
  readonly testedAt: string | null;
  readonly groupRoles: Record<string, Role>;
  readonly allowedDomains: string[];
  /** What the last Test sign-in found (why it failed, say). */
  readonly lastTest: LastTest | null;
}

export interface OidcView extends ProviderViewBase {
  readonly issuer: string;
  readonly clientId: string;
  /** The secret itself never leaves the server. */
  readonly hasClientSecret: boolean;
  readonly scopes: string[];
  readonly groupsClaim: string | null;
  readonly redirectUrl: string;
}

export interface SamlView extends ProviderViewBase {
  readonly metadataUrl: string | null;
  readonly idpEntityId: string;
  readonly idpSsoUrl: string;
  readonly certificates: CertificateView[];
  readonly spEntityId: string;
  readonly acsUrl: string;
  readonly emailAttribute: string;
  readonly nameAttribute: string;
  readonly groupsAttribute: string | null;
}

export interface SsoSettingsView {
  readonly oidc: OidcView | null;
  readonly saml: SamlView | null;
  readonly policy: { readonly requireSso: boolean; readonly breakGlassUserId: string | null };
  /** The OpenID Connect redirect URL, to register at the provider before saving it. */
  readonly redirectUrl: string;
}

const base = (row: SsoProviderRow) => ({
  id: row.id,
  name: row.name,
  status: row.status,
  testedAt: row.tested_at,
});

export function oidcView(row: SsoProviderRow, origin: string): OidcView {
  const settings = parseOidcSettings(row.settings);
  return {
    ...base(row),
    issuer: settings.issuer,
    clientId: settings.clientId,
    hasClientSecret: row.secret_encrypted !== null,
    scopes: settings.scopes,
    groupsClaim: settings.groupsClaim,
    groupRoles: settings.groupRoles,
    allowedDomains: settings.allowedDomains,
    redirectUrl: oidcRedirectUrl(origin),
    lastTest: settings.lastTest,
  };
}

export function samlView(row: SsoProviderRow, origin: string, now: Date): SamlView {
  const settings = parseSamlSettings(row.settings);
  return {
    ...base(row),
    metadataUrl: settings.metadataUrl,
    idpEntityId: settings.idpEntityId,
    idpSsoUrl: settings.idpSsoUrl,
    certificates: settings.certificates.map((pem) => describeCertificate(pem, now)),
    ...samlSpUrls(origin, row.id),
    emailAttribute: settings.emailAttribute,
    nameAttribute: settings.nameAttribute,
    groupsAttribute: settings.groupsAttribute,
    groupRoles: settings.groupRoles,
    allowedDomains: settings.allowedDomains,
    lastTest: settings.lastTest,
  };
}

/** Settings > Single sign-on: the account's providers and its policy. */
export async function ssoSettingsView(db: Db, accountId: string, origin: string): Promise<SsoSettingsView> {
  const rows = await listSsoProvidersOfAccount(db, accountId);
  const policy = await findSsoPolicy(db, accountId);
  const oidc = rows.find((row) => row.protocol === 'oidc');
  const saml = rows.find((row) => row.protocol === 'saml');
  return {
    oidc: oidc ? oidcView(oidc, origin) : null,
    saml: saml ? samlView(saml, origin, new Date()) : null,
    policy: policy ?? { requireSso: false, breakGlassUserId: null },
    redirectUrl: oidcRedirectUrl(origin),
  };
}
