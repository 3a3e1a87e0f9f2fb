import { describe, expect, it } from 'vitest';
import { webhookSecretAad } from '../../db/secret-columns.js';
import type { SecretBox } from '../../secrets/index.js';
import type { WebhookEndpoint } from '../../webhooks/endpoints.js';
import { createEndpointSecretsCache } from './endpoint-secrets.js';

/** A stand-in box that checks the AAD and counts decryptions. */
function countingBox(): SecretBox & { decryptions: number } {
  const box = {
    decryptions: 0,
    primaryKid: 'k1',
    encrypt: (plaintext: string, aad: string) => `${aad}|${plaintext}`,
    decrypt(value: string, aad: string) {
      box.decryptions += 1;
      if (!value.startsWith(`${aad}|`)) throw new Error('bound to another row');
      return value.slice(aad.length + 1);
    },
    needsRewrap: () => false,
  };
  return box;
}

const endpoint = (
  box: SecretBox,
  id: string,
  secret: string,
  signing: string | null = null,
): WebhookEndpoint => ({
  id,
  accountId: 'acc',
  connectionId: 'conn',
  kind: 'gitlab',
  secretEncrypted: box.encrypt(secret, webhookSecretAad('acc', id, 'secret')),
  signingSecretEncrypted:
    signing === null ? null : box.encrypt(signing, webhookSecretAad('acc', id, 'signing-secret')),
  lastFailureAt: null,
});

describe('createEndpointSecretsCache', () => {
  it('decrypts an endpoint once for many deliveries', () => {
    const box = countingBox();
    const secretsOf = createEndpointSecretsCache(box);
    const hook = endpoint(box, 'h1', 'first-secret-0123', 'whsec_x');
    for (let i = 0; i < 5; i++)
      expect(secretsOf(hook)).toEqual({ secret: 'first-secret-0123', signingSecret: 'whsec_x' });
    expect(box.decryptions).toBe(2);
  });

  it('reads a changed secret at once', () => {
    const box = countingBox();
    const secretsOf = createEndpointSecretsCache(box);
    expect(secretsOf(endpoint(box, 'h1', 'first-secret-0123')).secret).toBe('first-secret-0123');
    expect(secretsOf(endpoint(box, 'h1', 'second-secret-0123')).secret).toBe('second-secret-0123');
    expect(secretsOf(endpoint(box, 'h1', 'second-secret-0123', 'whsec_y')).signingSecret).toBe('whsec_y');
  });

  it("never answers one endpoint with another's secrets", () => {
    const box = countingBox();
    const secretsOf = createEndpointSecretsCache(box);
    expect(secretsOf(endpoint(box, 'h1', 'secret-of-hook-one')).secret).toBe('secret-of-hook-one');
    expect(secretsOf(endpoint(box, 'h2', 'secret-of-hook-two')).secret).toBe('secret-of-hook-two');
    expect(secretsOf(endpoint(box, 'h1', 'secret-of-hook-one')).secret).toBe('secret-of-hook-one');
  });

  it('keeps a bounded number of endpoints open', () => {
    const box = countingBox();
    const secretsOf = createEndpointSecretsCache(box);
    const first = endpoint(box, 'h0', 'secret-number-zero');
    secretsOf(first);
    for (let i = 1; i <= 1000; i++) secretsOf(endpoint(box, `h${i}`, `secret-number-${i}`));
    const before = box.decryptions;
    secretsOf(first);
    expect(box.decryptions).toBe(before + 1);
  });
});
