import type { SamlSpUrls } from './saml-flow.js';

/** The OpenID Connect redirect URL: one for every provider (the sign-in flow says which one answers). */
export const oidcCallbackPath = '/auth/oidc/callback';

export const ssoStartPath = (providerId: string) => `/auth/sso/${providerId}/start`;
export const samlAcsPath = (providerId: string) => `/auth/saml/${providerId}/acs`;
export const samlMetadataPath = (providerId: string) => `/auth/saml/${providerId}/metadata`;
export const samlFinishPath = (providerId: string) => `/auth/saml/${providerId}/finish`;

export const oidcRedirectUrl = (origin: string) => `${origin}${oidcCallbackPath}`;

/** The SP entity id is the address of scm-connect's SP metadata for the provider. */
export const samlSpUrls = (origin: string, providerId: string): SamlSpUrls => ({
  spEntityId: `${origin}${samlMetadataPath(providerId)}`,
  acsUrl: `${origin}${samlAcsPath(providerId)}`,
});
