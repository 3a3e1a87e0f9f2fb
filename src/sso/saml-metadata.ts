import { X509Certificate } from 'node:crypto';
import { DOMParser, onErrorStopParsing, type Element } from '@xmldom/xmldom';
import { unprocessable } from '../core/errors.js';
import { withHttpFor, type ProviderEnvironment } from '../connections/providers.js';
import { scmErrorIn, unreachableMessage } from './idp-errors.js';

const metadataNs = 'urn:oasis:names:tc:SAML:2.0:metadata';
const signatureNs = 'http://www.w3.org/2000/09/xmldsig#';
const redirectBinding = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
export const maxMetadataBytes = 512 * 1024;

/** What scm-connect needs of an IdP's SAML metadata. */
export interface IdpMetadata {
  readonly entityId: string;
  /** SingleSignOnService for the HTTP-Redirect binding. */
  readonly ssoUrl: string;
  /** PEM of every signing certificate (KeyDescriptor `use="signing"` or without `use`). */
  readonly certificates: readonly string[];
}

const invalid = (message: string) => unprocessable('invalid_metadata', message);

/**
 * Reads an IdP's metadata (an EntityDescriptor, or the first one with an IDPSSODescriptor in an
 * EntitiesDescriptor). A document type declaration is refused (no entities are expanded).
 */
export function parseIdpMetadata(xml: string): IdpMetadata {
  if (/<!DOCTYPE/i.test(xml)) throw invalid('The metadata must not contain a document type declaration.');
  let root: Element | null;
  try {
    root = new DOMParser({ onError: onErrorStopParsing }).parseFromString(xml, 'text/xml').documentElement;
  } catch {
    throw invalid('The metadata is not well-formed XML.');
  }
  const entity = [
    root,
    ...(root ? Array.from(root.getElementsByTagNameNS(metadataNs, 'EntityDescriptor')) : []),
  ]
    .filter((element): element is Element => element?.localName === 'EntityDescriptor')
    .find((element) => element.getElementsByTagNameNS(metadataNs, 'IDPSSODescriptor').length > 0);
  if (!entity)
    throw invalid('The metadata has no EntityDescriptor with an IDPSSODescriptor: is it the IdP’s?');
  const entityId = entity.getAttribute('entityID')?.trim();
  if (!entityId) throw invalid('The EntityDescriptor has no entityID.');
  const descriptor = entity.getElementsByTagNameNS(metadataNs, 'IDPSSODescriptor')[0]!;

  const ssoUrl = Array.from(descriptor.getElementsByTagNameNS(metadataNs, 'SingleSignOnService'))
    .find((service) => service.getAttribute('Binding') === redirectBinding)
    ?.getAttribute('Location')
    ?.trim();
  if (!ssoUrl || !/^https?:\/\//i.test(ssoUrl)) {
    throw invalid(
      'The IdP offers no SingleSignOnService with the HTTP-Redirect binding, which scm-connect sends its requests with.',
    );
  }

  const certificates = Array.from(descriptor.getElementsByTagNameNS(metadataNs, 'KeyDescriptor'))
    .filter((key) => (key.getAttribute('use') ?? 'signing') === 'signing')
    .flatMap((key) => Array.from(key.getElementsByTagNameNS(signatureNs, 'X509Certificate')))
    .map((element) => toPem(element.textContent ?? ''));
  if (certificates.length === 0) {
    throw invalid('The metadata has no signing certificate (KeyDescriptor with an X509Certificate).');
  }
  return { entityId, ssoUrl, certificates: [...new Set(certificates)] };
}

function toPem(base64: string): string {
  try {
    return new X509Certificate(Buffer.from(base64.replace(/\s+/g, ''), 'base64')).toString();
  } catch {
    throw invalid('A signing certificate in the metadata is not a valid X.509 certificate.');
  }
}

/** Fetches the metadata at `url` through the guarded HTTP layer (the account's address policy). */
export async function fetchIdpMetadata(
  env: ProviderEnvironment,
  accountId: string,
  url: string,
): Promise<string> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('The metadata URL is not a valid URL.');
  }
  try {
    return await withHttpFor(
      env,
      accountId,
      { baseUrl: parsed, maxResponseBytes: maxMetadataBytes },
      async (http) => {
        // GET {metadata URL}
        const answer = await http.request({
          url: parsed,
          headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml' },
          responseType: 'bytes',
        });
        return (answer.data as Buffer).toString('utf8');
      },
    );
  } catch (error) {
    const scm = scmErrorIn(error);
    if (scm) throw invalid(unreachableMessage(`The metadata URL ${parsed.origin}${parsed.pathname}`, scm));
    throw error;
  }
}

/** One certificate as the SAML view shows it. */
export interface CertificateView {
  readonly subject: string;
  readonly notAfter: string;
  /** Expired, or expiring within 30 days: the IdP must rotate it, and the metadata be saved again. */
  readonly expiresSoon: boolean;
}

export const expiryWarningMs = 30 * 24 * 3_600_000;

export function describeCertificate(pem: string, now: Date): CertificateView {
  const certificate = new X509Certificate(pem);
  const notAfter = new Date(certificate.validTo);
  return {
    subject: certificate.subject.split('\n').join(', '),
    notAfter: notAfter.toISOString(),
    expiresSoon: notAfter.getTime() - now.getTime() < expiryWarningMs,
  };
}
