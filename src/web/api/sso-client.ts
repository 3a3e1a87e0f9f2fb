import { z } from 'zod/mini';
import type { Http, RequestOptions } from './http.js';
import { roleSchema, type Role } from './schemas.js';

export const ssoStatusSchema = z.enum(['draft', 'tested', 'active']);
export type SsoStatus = z.infer<typeof ssoStatusSchema>;

export type SsoProtocol = 'oidc' | 'saml';

const groupRolesSchema = z.record(z.string(), roleSchema);
/** Account roles by IdP group name. */
export type GroupRoles = Readonly<Record<string, Role>>;

/** What the last Test sign-in found; `message` is for the admin. */
export const lastTestSchema = z.object({
  ok: z.boolean(),
  reason: z.nullish(z.string()),
  message: z.string(),
  at: z.string(),
});
export type LastTest = z.infer<typeof lastTestSchema>;

export const oidcViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: ssoStatusSchema,
  testedAt: z.nullish(z.string()),
  lastTest: z.nullish(lastTestSchema),
  issuer: z.string(),
  clientId: z.string(),
  hasClientSecret: z.boolean(),
  scopes: z.array(z.string()),
  groupsClaim: z.nullish(z.string()),
  groupRoles: groupRolesSchema,
  allowedDomains: z.array(z.string()),
  redirectUrl: z.string(),
});
export type OidcView = z.infer<typeof oidcViewSchema>;

export const samlCertificateSchema = z.object({
  subject: z.string(),
  notAfter: z.string(),
  expiresSoon: z.boolean(),
});
export type SamlCertificate = z.infer<typeof samlCertificateSchema>;

export const samlViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: ssoStatusSchema,
  testedAt: z.nullish(z.string()),
  lastTest: z.nullish(lastTestSchema),
  metadataUrl: z.nullish(z.string()),
  idpEntityId: z.string(),
  idpSsoUrl: z.string(),
  certificates: z.array(samlCertificateSchema),
  spEntityId: z.string(),
  acsUrl: z.string(),
  emailAttribute: z.string(),
  nameAttribute: z.string(),
  groupsAttribute: z.nullish(z.string()),
  groupRoles: groupRolesSchema,
  allowedDomains: z.array(z.string()),
});
export type SamlView = z.infer<typeof samlViewSchema>;

export const ssoPolicySchema = z.object({
  requireSso: z.boolean(),
  breakGlassUserId: z.nullable(z.string()),
});
export type SsoPolicy = z.infer<typeof ssoPolicySchema>;

export const ssoSettingsSchema = z.object({
  oidc: z.nullable(oidcViewSchema),
  saml: z.nullable(samlViewSchema),
  policy: ssoPolicySchema,
  /** The OpenID Connect redirect URL, the same for every provider: to register at the IdP before saving. */
  redirectUrl: z.string(),
});
export type SsoSettings = z.infer<typeof ssoSettingsSchema>;

export interface OidcInput {
  readonly name: string;
  readonly issuer: string;
  readonly clientId: string;
  /** Required on create; left out to keep the stored one. */
  readonly clientSecret?: string;
  readonly scopes: readonly string[];
  readonly groupsClaim: string | null;
  readonly groupRoles: GroupRoles;
  readonly allowedDomains: readonly string[];
}

export interface SamlInput {
  readonly name: string;
  /** One of the two, or neither to keep the stored metadata. */
  readonly metadataUrl?: string;
  readonly metadataXml?: string;
  readonly emailAttribute: string;
  readonly nameAttribute: string;
  readonly groupsAttribute: string | null;
  readonly groupRoles: GroupRoles;
  readonly allowedDomains: readonly string[];
}

/** Settings > Single sign-on (admins): the account's OpenID Connect and SAML providers and its SSO policy. */
export interface SsoApi {
  ssoSettings(accountId: string, options?: RequestOptions): Promise<SsoSettings>;
  saveOidc(accountId: string, input: OidcInput): Promise<void>;
  saveSaml(accountId: string, input: SamlInput): Promise<void>;
  removeSso(accountId: string, protocol: SsoProtocol): Promise<void>;
  /** Refused 409 `not_tested` until a Test sign-in succeeded since the last change. */
  activateSso(accountId: string, protocol: SsoProtocol): Promise<void>;
  deactivateSso(accountId: string, protocol: SsoProtocol): Promise<void>;
  saveSsoPolicy(accountId: string, policy: SsoPolicy): Promise<void>;
}

const ssoPath = (accountId: string) => `/api/v1/accounts/${encodeURIComponent(accountId)}/sso`;

export const createSsoApi = (http: Http): SsoApi => ({
  ssoSettings: (accountId, options) =>
    http.request('GET', ssoPath(accountId), ssoSettingsSchema, undefined, options),
  saveOidc: (accountId, input) => http.requestEmpty('PUT', `${ssoPath(accountId)}/oidc`, input),
  saveSaml: (accountId, input) => http.requestEmpty('PUT', `${ssoPath(accountId)}/saml`, input),
  removeSso: (accountId, protocol) => http.requestEmpty('DELETE', `${ssoPath(accountId)}/${protocol}`, {}),
  activateSso: (accountId, protocol) =>
    http.requestEmpty('POST', `${ssoPath(accountId)}/${protocol}/activate`, {}),
  deactivateSso: (accountId, protocol) =>
    http.requestEmpty('POST', `${ssoPath(accountId)}/${protocol}/deactivate`, {}),
  saveSsoPolicy: (accountId, policy) => http.requestEmpty('PUT', `${ssoPath(accountId)}/policy`, policy),
});
