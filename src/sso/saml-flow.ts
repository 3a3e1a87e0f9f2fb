import { randomBytes } from 'node:crypto';
import { SAML, SamlStatusError, ValidateInResponseTo, type Profile } from '@node-saml/node-saml';
import { refuse, SsoRefusal } from './refusal.js';
import type { SsoPerson } from './person.js';
import type { SamlSettings } from './settings.js';

/** The service provider's addresses for one provider: its entity id (the metadata URL) and its ACS URL. */
export interface SamlSpUrls {
  readonly spEntityId: string;
  readonly acsUrl: string;
}

/** Clocks of scm-connect and the IdP may differ this much. */
const clockSkewMs = 2 * 60_000;

/**
 * node-saml set up for one provider: assertions must be signed by one of the configured certificates (the
 * response as a whole need not be), the audience must be our entity id, and no authentication context is
 * requested (IdPs refuse a sign-in method that does not match it). Request ids are matched by scm-connect's own
 * sign-in flows, so node-saml keeps none.
 */
function samlFor(settings: SamlSettings, urls: SamlSpUrls, requestId?: string): SAML {
  return new SAML({
    entryPoint: settings.idpSsoUrl,
    issuer: urls.spEntityId,
    audience: urls.spEntityId,
    callbackUrl: urls.acsUrl,
    idpCert: [...settings.certificates],
    idpIssuer: settings.idpEntityId,
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    identifierFormat: null,
    disableRequestedAuthnContext: true,
    validateInResponseTo: ValidateInResponseTo.never,
    acceptedClockSkewMs: clockSkewMs,
    ...(requestId ? { generateUniqueId: () => requestId } : {}),
  });
}

/** A new AuthnRequest id (an XML ID: it may not start with a digit). */
export const newSamlRequestId = (): string => `_${randomBytes(20).toString('hex')}`;

/** The IdP's SSO address with the AuthnRequest (HTTP-Redirect binding) and RelayState. */
export const samlAuthorizeUrl = (
  settings: SamlSettings,
  urls: SamlSpUrls,
  requestId: string,
  relayState: string,
): Promise<string> => samlFor(settings, urls, requestId).getAuthorizeUrlAsync(relayState, undefined, {});

/** scm-connect's SP metadata for this provider, to give the IdP. */
export const samlServiceProviderMetadata = (settings: SamlSettings, urls: SamlSpUrls): string =>
  samlFor(settings, urls).generateServiceProviderMetadata(null, null);

/** A validated assertion: who, and what is needed to refuse it a second time. */
export interface SamlAssertion {
  readonly person: SsoPerson;
  readonly assertionId: string;
  /** The request it answers; null for an IdP-initiated sign-in. */
  readonly inResponseTo: string | null;
  /** Until when the assertion could be accepted: its id is remembered that long. */
  readonly expiresAt: Date;
}

/**
 * Validates a SAMLResponse posted to the ACS: signature by a configured certificate, validity window, audience,
 * issuer; then reads the person from the configured attributes. Refusals are SsoRefusal with a reason.
 */
export async function validateSamlResponse(
  settings: SamlSettings,
  urls: SamlSpUrls,
  form: { readonly SAMLResponse: string; readonly RelayState?: string | undefined },
  now: Date,
): Promise<SamlAssertion> {
  let profile: Profile | null;
  try {
    ({ profile } = await samlFor(settings, urls).validatePostResponseAsync({
      SAMLResponse: form.SAMLResponse,
      ...(form.RelayState === undefined ? {} : { RelayState: form.RelayState }),
    }));
  } catch (error) {
    throw samlRefusal(error);
  }
  if (!profile) throw refuse('provider_error', 'The IdP answered without an assertion.');
  if (profile.issuer !== settings.idpEntityId) {
    throw refuse(
      'provider_error',
      `The assertion was issued by ${JSON.stringify(profile.issuer)}, not by the IdP of the metadata (${settings.idpEntityId}).`,
    );
  }
  const assertion = readAssertion(profile);
  if (!assertion.id) throw refuse('provider_error', 'The assertion has no ID.');
  if (
    assertion.subjectInResponseTo &&
    profile.inResponseTo &&
    assertion.subjectInResponseTo !== profile.inResponseTo
  ) {
    throw refuse('flow_expired', 'The assertion answers another request than its response.');
  }
  return {
    person: personOf(settings, profile),
    assertionId: assertion.id,
    // The request id inside the signed assertion, else the (possibly unsigned) response's.
    inResponseTo: assertion.subjectInResponseTo ?? (profile.inResponseTo as string | undefined) ?? null,
    expiresAt: new Date(
      Math.max(assertion.notOnOrAfter ?? now.getTime() + 3_600_000, now.getTime()) + clockSkewMs,
    ),
  };
}

interface AssertionFacts {
  readonly id: string | undefined;
  readonly subjectInResponseTo: string | undefined;
  readonly notOnOrAfter: number | undefined;
}

type XmlNode = { readonly $?: Record<string, string | undefined> } & Record<string, unknown>;

const first = (value: unknown): XmlNode | undefined =>
  Array.isArray(value) && typeof value[0] === 'object' && value[0] !== null
    ? (value[0] as XmlNode)
    : undefined;

/** The signed assertion's id, the request id of its subject confirmation and its last valid instant. */
function readAssertion(profile: Profile): AssertionFacts {
  const assertion = (profile.getAssertion?.() as { Assertion?: XmlNode } | undefined)?.Assertion;
  const confirmation = first(first(first(assertion?.Subject)?.SubjectConfirmation)?.SubjectConfirmationData);
  const times = [first(assertion?.Conditions)?.$?.NotOnOrAfter, confirmation?.$?.NotOnOrAfter]
    .map((value) => (value ? Date.parse(value) : Number.NaN))
    .filter((value) => !Number.isNaN(value));
  return {
    id: assertion?.$?.ID,
    subjectInResponseTo: confirmation?.$?.InResponseTo,
    notOnOrAfter: times.length > 0 ? Math.max(...times) : undefined,
  };
}

function personOf(settings: SamlSettings, profile: Profile): SsoPerson {
  const attributes = (profile.attributes ?? {}) as Record<string, unknown>;
  const email = firstString(attributes[settings.emailAttribute])?.toLowerCase();
  if (!email?.includes('@')) {
    const names = Object.keys(attributes);
    throw refuse(
      'missing_attribute',
      `The assertion has no \`${settings.emailAttribute}\` attribute with an email address (it has ${
        names.length > 0 ? names.map((name) => `\`${name}\``).join(', ') : 'no attributes'
      }): send it from the IdP, or set the email attribute name to the one it sends.`,
    );
  }
  if (!profile.nameID) throw refuse('missing_attribute', 'The assertion has no NameID.');
  const groups = settings.groupsAttribute ? attributes[settings.groupsAttribute] : undefined;
  return {
    subject: profile.nameID,
    email,
    emailVerified: null,
    name: firstString(attributes[settings.nameAttribute]) ?? email.slice(0, email.indexOf('@')),
    groups: (Array.isArray(groups) ? groups : groups === undefined ? [] : [groups]).filter(
      (group): group is string => typeof group === 'string',
    ),
  };
}

function firstString(value: unknown): string | undefined {
  const item = Array.isArray(value) ? value[0] : value;
  return typeof item === 'string' && item.trim() !== '' ? item.trim() : undefined;
}

/** node-saml's errors by what the admin must do about them. */
function samlRefusal(error: unknown): SsoRefusal {
  if (error instanceof SamlStatusError) {
    return refuse('provider_refused', 'The IdP answered that it did not sign the person in.');
  }
  const message = error instanceof Error ? error.message : '';
  if (/signature/i.test(message)) {
    return refuse(
      'signature_invalid',
      'The assertion is not signed by a certificate of the IdP’s metadata. If the IdP rotated its certificate, save the provider again with the new metadata.',
    );
  }
  if (/expired|not yet valid/i.test(message)) {
    return refuse(
      'assertion_expired',
      'The assertion is past its validity (or not valid yet): sign in again, and check the clocks of scm-connect and the IdP.',
    );
  }
  if (/audience/i.test(message)) {
    return refuse(
      'audience_mismatch',
      "The assertion is meant for another service provider: set the IdP's audience (SP entity id) to scm-connect's SP entity id.",
    );
  }
  if (/issuer/i.test(message)) {
    return refuse('provider_error', 'The assertion was issued by another IdP than the one of the metadata.');
  }
  return refuse('provider_error', 'The IdP’s answer is not a SAML response scm-connect can use.');
}
