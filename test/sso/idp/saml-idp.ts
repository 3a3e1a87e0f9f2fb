import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { inflateRawSync } from 'node:zlib';
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import type { AutoPostForm } from '../browser.js';
import { selfSignedKey, type SigningKey } from './certificates.js';

/** The person the IdP signs in, and the attributes it releases about them. */
export interface SamlTestUser {
  readonly nameId: string;
  readonly attributes: Readonly<Record<string, string | readonly string[]>>;
}

/** Ways the next response goes wrong, on purpose. */
export interface SamlFault {
  /** Signed with this key instead of the one in the metadata (a forged or rotated-away signature). */
  readonly signWith?: SigningKey;
  /** The audience instead of the requesting SP's entity id. */
  readonly audience?: string;
  /** The assertion's validity ends this long after now (negative: it expired already). */
  readonly validForMs?: number;
}

export interface SamlTestIdp {
  readonly origin: string;
  readonly entityId: string;
  readonly metadataUrl: string;
  /** The key it signs with now (its certificate is in the metadata). */
  readonly signingKey: SigningKey;
  signInAs(user: SamlTestUser): void;
  /** The next response goes wrong in this way. */
  failNext(fault: SamlFault): void;
  /** A new signing key: the metadata serves its certificate from now on. */
  rotate(key?: SigningKey): void;
  /** A response no request asked for (a sign-in from the IdP's dashboard). */
  idpInitiated(acsUrl: string, audience: string): AutoPostForm;
  close(): Promise<void>;
}

const protocolNs = 'urn:oasis:names:tc:SAML:2.0:protocol';
const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const escapeHtml = escapeXml;
const pemBody = (pem: string) => pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
const newId = () => `_${randomBytes(16).toString('hex')}`;

/**
 * A SAML 2.0 identity provider on loopback that signs real assertions with xml-crypto: metadata with its
 * signing certificate, a SingleSignOnService for the HTTP-Redirect binding, and answers by the HTTP-POST
 * binding (an auto-posting form). Faults can be injected per response.
 */
export async function startSamlIdp(options: { readonly key?: SigningKey } = {}): Promise<SamlTestIdp> {
  let key = options.key ?? selfSignedKey('Test IdP');
  let user: SamlTestUser | undefined;
  let fault: SamlFault = {};

  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const entityId = `${origin}/metadata`;

  const metadata = () =>
    `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${entityId}">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="${protocolNs}">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${pemBody(key.certificate)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${origin}/sso/post"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${origin}/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;

  /** A signed Response for `user`, answering `inResponseTo` (null: IdP-initiated). */
  function response(input: { acsUrl: string; audience: string; inResponseTo: string | null }): string {
    if (!user) throw new Error('nobody is signed in at the test IdP');
    const now = Date.now();
    const at = (ms: number) => new Date(now + ms).toISOString();
    const until = at(fault.validForMs ?? 5 * 60_000);
    const audience = fault.audience ?? input.audience;
    const answering = input.inResponseTo ? ` InResponseTo="${escapeXml(input.inResponseTo)}"` : '';
    const attributes = Object.entries(user.attributes)
      .map(
        ([name, value]) =>
          `<saml:Attribute Name="${escapeXml(name)}">${(typeof value === 'string' ? [value] : value)
            .map((item) => `<saml:AttributeValue>${escapeXml(item)}</saml:AttributeValue>`)
            .join('')}</saml:Attribute>`,
      )
      .join('');
    const assertionId = newId();
    const assertion =
      `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${assertionId}" Version="2.0" IssueInstant="${at(-1000)}">` +
      `<saml:Issuer>${escapeXml(entityId)}</saml:Issuer>` +
      `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">${escapeXml(user.nameId)}</saml:NameID>` +
      `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData${answering} NotOnOrAfter="${until}" Recipient="${escapeXml(input.acsUrl)}"/></saml:SubjectConfirmation></saml:Subject>` +
      `<saml:Conditions NotBefore="${at(-60_000)}" NotOnOrAfter="${until}"><saml:AudienceRestriction><saml:Audience>${escapeXml(audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
      `<saml:AuthnStatement AuthnInstant="${at(-1000)}" SessionIndex="${newId()}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
      (attributes ? `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` : '') +
      `</saml:Assertion>`;
    const signer = fault.signWith ?? key;
    fault = {};
    const signature = new SignedXml({
      privateKey: signer.privateKey,
      publicCert: signer.certificate,
      signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
      canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
    });
    signature.addReference({
      xpath: `//*[local-name(.)='Assertion']`,
      digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
      transforms: [
        'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
        'http://www.w3.org/2001/10/xml-exc-c14n#',
      ],
    });
    signature.computeSignature(assertion, {
      location: { reference: `//*[local-name(.)='Issuer']`, action: 'after' },
    });
    const xml =
      `<samlp:Response xmlns:samlp="${protocolNs}" ID="${newId()}" Version="2.0" IssueInstant="${at(0)}" Destination="${escapeXml(input.acsUrl)}"${answering}>` +
      `<saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">${escapeXml(entityId)}</saml:Issuer>` +
      `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
      signature.getSignedXml() +
      `</samlp:Response>`;
    return Buffer.from(xml).toString('base64');
  }

  const formPage = (form: AutoPostForm) =>
    `<!doctype html><html><body onload="document.forms[0].submit()"><form method="post" action="${escapeHtml(form.action)}">` +
    Object.entries(form.fields)
      .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
      .join('') +
    `<noscript><button type="submit">Continue</button></noscript></form></body></html>`;

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', origin);
    try {
      if (url.pathname === '/metadata') {
        res.setHeader('content-type', 'application/samlmetadata+xml');
        res.end(metadata());
        return;
      }
      if (url.pathname === '/sso') {
        // HTTP-Redirect binding: base64 of the raw-deflated AuthnRequest.
        const request = inflateRawSync(
          Buffer.from(url.searchParams.get('SAMLRequest') ?? '', 'base64'),
        ).toString();
        const element = new DOMParser().parseFromString(request, 'text/xml').documentElement!;
        const issuer = element.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:assertion', 'Issuer')[0];
        const acsUrl = element.getAttribute('AssertionConsumerServiceURL')!;
        const relayState = url.searchParams.get('RelayState');
        const form: AutoPostForm = {
          action: acsUrl,
          fields: {
            SAMLResponse: response({
              acsUrl,
              audience: issuer?.textContent ?? '',
              inResponseTo: element.getAttribute('ID'),
            }),
            ...(relayState === null ? {} : { RelayState: relayState }),
          },
        };
        res.setHeader('content-type', 'text/html');
        res.end(formPage(form));
        return;
      }
      res.statusCode = 404;
      res.end('not found');
    } catch (error) {
      res.statusCode = 500;
      res.end(String(error));
    }
  });

  return {
    origin,
    entityId,
    metadataUrl: `${origin}/metadata`,
    get signingKey() {
      return key;
    },
    signInAs(next) {
      user = next;
    },
    failNext(next) {
      fault = next;
    },
    rotate(next) {
      key = next ?? selfSignedKey('Test IdP (rotated)');
    },
    idpInitiated: (acsUrl, audience) => ({
      action: acsUrl,
      fields: { SAMLResponse: response({ acsUrl, audience, inResponseTo: null }) },
    }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
