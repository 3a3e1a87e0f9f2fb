import { z } from 'zod/mini';
import type { Http, RequestOptions } from './http.js';

/** The ways to sign in this instance offers, for the sign-in page's buttons (`GET /sign-in/methods`). */
export const signInMethodsSchema = z.object({
  github: z.array(z.object({ webUrl: z.string(), label: z.string() })),
  gitlab: z.array(z.object({ id: z.string(), webUrl: z.string(), label: z.string() })),
  sso: z.boolean(),
});
export type SignInMethods = z.infer<typeof signInMethodsSchema>;

const ssoStartSchema = z.object({ url: z.string() });

export const identityProviderSchema = z.enum(['github', 'gitlab', 'oidc', 'saml']);
export type IdentityProvider = z.infer<typeof identityProviderSchema>;

/** A sign-in method linked to the signed-in user: an SCM user or an identity provider's subject. */
export const linkedIdentitySchema = z.object({
  id: z.string(),
  provider: identityProviderSchema,
  issuer: z.string(),
  login: z.nullish(z.string()),
  email: z.nullish(z.string()),
  createdAt: z.string(),
  lastUsedAt: z.nullish(z.string()),
});
export type LinkedIdentity = z.infer<typeof linkedIdentitySchema>;

export const profileIdentitiesSchema = z.object({
  hasPassword: z.boolean(),
  identities: z.array(linkedIdentitySchema),
});
export type ProfileIdentities = z.infer<typeof profileIdentitiesSchema>;

/** Sign-in methods: what the sign-in page offers, SSO by work email, and the user's own linked identities. */
export interface SignInApi {
  signInMethods(options?: RequestOptions): Promise<SignInMethods>;
  /** Where single sign-on for this email's domain starts (a path of scm-connect); 404 `no_sso_for_domain`. */
  ssoStartUrl(email: string): Promise<string>;
  profileIdentities(options?: RequestOptions): Promise<ProfileIdentities>;
  /** Refused 409 `last_sign_in_method` when nothing else would be left to sign in with. */
  unlinkIdentity(identityId: string): Promise<void>;
}

export const createSignInApi = (http: Http): SignInApi => ({
  signInMethods: (options = {}) =>
    http.request('GET', '/api/v1/sign-in/methods', signInMethodsSchema, undefined, {
      ...options,
      anonymous: true,
    }),
  ssoStartUrl: async (email) =>
    (await http.request('POST', '/api/v1/sign-in/sso', ssoStartSchema, { email }, { anonymous: true })).url,
  profileIdentities: (options) =>
    http.request('GET', '/api/v1/profile/identities', profileIdentitiesSchema, undefined, options),
  unlinkIdentity: (identityId) =>
    http.requestEmpty('DELETE', `/api/v1/profile/identities/${encodeURIComponent(identityId)}`, {}),
});
