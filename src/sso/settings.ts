import { z } from 'zod';
import type { Role } from '../db/schema.js';

/** What the last Test sign-in found; shown in Settings so the admin sees why it failed. */
export const lastTestSchema = z.object({
  ok: z.boolean(),
  reason: z.string().nullable(),
  message: z.string(),
  at: z.string(),
});
export type LastTest = z.infer<typeof lastTestSchema>;

const roleSchema = z.enum(['admin', 'member']);
const groupRolesSchema = z.record(z.string(), roleSchema);

/** The stored settings of an OpenID Connect provider (the client secret is sealed apart). */
export const oidcSettingsSchema = z.object({
  /** As the provider's discovery document states it: the `iss` of its ID tokens. */
  issuer: z.string(),
  clientId: z.string(),
  scopes: z.array(z.string()),
  groupsClaim: z.string().nullable(),
  groupRoles: groupRolesSchema,
  allowedDomains: z.array(z.string()),
  /** The discovery document as read when the provider was saved. */
  server: z.record(z.string(), z.unknown()),
  lastTest: lastTestSchema.nullable().default(null),
});
export type OidcSettings = z.infer<typeof oidcSettingsSchema>;

/** The stored settings of a SAML identity provider, from its metadata and the admin's choices. */
export const samlSettingsSchema = z.object({
  metadataUrl: z.string().nullable(),
  idpEntityId: z.string(),
  /** The IdP's SingleSignOnService for the HTTP-Redirect binding. */
  idpSsoUrl: z.string(),
  /** PEM of the IdP's signing certificates; an assertion must be signed by one of them. */
  certificates: z.array(z.string()),
  emailAttribute: z.string(),
  nameAttribute: z.string(),
  groupsAttribute: z.string().nullable(),
  groupRoles: groupRolesSchema,
  allowedDomains: z.array(z.string()),
  lastTest: lastTestSchema.nullable().default(null),
});
export type SamlSettings = z.infer<typeof samlSettingsSchema>;

export const parseOidcSettings = (text: string): OidcSettings => oidcSettingsSchema.parse(JSON.parse(text));
export const parseSamlSettings = (text: string): SamlSettings => samlSettingsSchema.parse(JSON.parse(text));

/** Whether two settings differ in anything but the last test's outcome: a change sends a provider back to draft. */
export function settingsChanged(before: string, after: object): boolean {
  const strip = (value: object) => JSON.stringify({ ...value, lastTest: null });
  return strip(JSON.parse(before) as object) !== strip(after);
}

/** The part of an email address after the last `@`, lower-cased. */
export const emailDomain = (email: string): string => email.slice(email.lastIndexOf('@') + 1).toLowerCase();

export const isDomainAllowed = (email: string, allowedDomains: readonly string[]): boolean =>
  allowedDomains.includes(emailDomain(email));

/**
 * The role the identity provider's groups give: admin when any group maps to admin, member when any maps to
 * member, undefined when none is mapped (the account's default role then applies).
 */
export function roleFromGroups(
  groups: readonly string[],
  groupRoles: Readonly<Record<string, Role>>,
): Role | undefined {
  const roles = groups.filter((group) => Object.hasOwn(groupRoles, group)).map((group) => groupRoles[group]);
  if (roles.includes('admin')) return 'admin';
  return roles.length > 0 ? 'member' : undefined;
}
