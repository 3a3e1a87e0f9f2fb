import type { EndpointSecrets } from '../../scm/webhook-receiver.js';
import { openEndpointSecrets, type WebhookEndpoint } from '../../webhooks/endpoints.js';
import type { SecretBox } from '../../secrets/index.js';

/** Endpoints whose secrets one receiver keeps open at most. */
const maxOpenEndpoints = 1000;

/**
 * The receiver's endpoint secrets, decrypted once per endpoint rather than on every delivery (decryption measured
 * as a sizeable share of a delivery's cost). An entry is used only while the endpoint's stored ciphertexts are
 * the ones it was opened from, so a changed secret or a re-encryption under a new key is read afresh at once.
 */
export function createEndpointSecretsCache(box: SecretBox): (endpoint: WebhookEndpoint) => EndpointSecrets {
  const open = new Map<
    string,
    { readonly secret: string; readonly signing: string | null; readonly secrets: EndpointSecrets }
  >();
  return (endpoint) => {
    const kept = open.get(endpoint.id);
    if (
      kept &&
      kept.secret === endpoint.secretEncrypted &&
      kept.signing === endpoint.signingSecretEncrypted
    ) {
      return kept.secrets;
    }
    const secrets = openEndpointSecrets(box, endpoint);
    open.delete(endpoint.id);
    // Map order is insertion order: the entry opened longest ago goes first.
    if (open.size >= maxOpenEndpoints) open.delete(open.keys().next().value!);
    open.set(endpoint.id, {
      secret: endpoint.secretEncrypted,
      signing: endpoint.signingSecretEncrypted,
      secrets,
    });
    return secrets;
  };
}
