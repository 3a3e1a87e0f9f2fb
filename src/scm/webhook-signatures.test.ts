import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { WebhookHeaders } from './webhook-receiver.js';
import {
  isSigningSecret,
  tokensMatch,
  verifyBasicAuth,
  verifyHexHmac,
  verifyStandardWebhook,
} from './webhook-signatures.js';

const headers = (entries: Record<string, string | string[]>): WebhookHeaders =>
  new Map(Object.entries(entries).map(([name, value]) => [name, [value].flat()]));

// GitHub, "Validating webhook deliveries": the published test vector.
const vector = {
  secret: "It's a Secret to Everybody",
  body: Buffer.from('Hello, World!'),
  signature: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
};
const githubHeader = { name: 'x-hub-signature-256', label: 'X-Hub-Signature-256' };
const hex = (value: string) =>
  verifyHexHmac(headers({ 'x-hub-signature-256': value }), vector.body, vector.secret, githubHeader);

describe('verifyHexHmac', () => {
  it("accepts GitHub's test vector", () => {
    expect(hex(vector.signature)).toEqual({ ok: true });
  });

  it('accepts upper-case hex digits after the lower-case prefix', () => {
    expect(hex(`sha256=${vector.signature.slice(7).toUpperCase()}`)).toEqual({ ok: true });
  });

  it.each([
    [
      'another secret',
      () =>
        verifyHexHmac(
          headers({ 'x-hub-signature-256': vector.signature }),
          vector.body,
          'another',
          githubHeader,
        ),
      'signature-mismatch',
    ],
    [
      'one body byte changed',
      () =>
        verifyHexHmac(
          headers({ 'x-hub-signature-256': vector.signature }),
          Buffer.from('Hello, World?'),
          vector.secret,
          githubHeader,
        ),
      'signature-mismatch',
    ],
    ['a truncated signature', () => hex(vector.signature.slice(0, -2)), 'malformed-signature'],
    ['an empty signature', () => hex(''), 'malformed-signature'],
    ['the prefix alone', () => hex('sha256='), 'malformed-signature'],
    ['an upper-case prefix', () => hex(`SHA256=${vector.signature.slice(7)}`), 'malformed-signature'],
    ['a legacy SHA-1 value', () => hex(`sha1=${'0'.repeat(40)}`), 'malformed-signature'],
    [
      'two signatures in one value',
      () => hex(`${vector.signature}, ${vector.signature}`),
      'malformed-signature',
    ],
    ['a signature with trailing space', () => hex(`${vector.signature} `), 'malformed-signature'],
    [
      'the header twice',
      () =>
        verifyHexHmac(
          headers({ 'x-hub-signature-256': [vector.signature, vector.signature] }),
          vector.body,
          vector.secret,
          githubHeader,
        ),
      'repeated-header',
    ],
    [
      'no header, only the legacy one',
      () =>
        verifyHexHmac(
          headers({ 'x-hub-signature': `sha1=${'0'.repeat(40)}` }),
          vector.body,
          vector.secret,
          githubHeader,
        ),
      'missing-signature',
    ],
  ])('refuses %s', (_name, run, failure) => {
    const result = run();
    expect(result).toMatchObject({ ok: false, failure });
    expect(result.ok === false && result.message).toContain('X-Hub-Signature-256');
  });

  it('never puts the secret or the expected signature in its message', () => {
    const result = verifyHexHmac(
      headers({ 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }),
      vector.body,
      vector.secret,
      githubHeader,
    );
    const text = JSON.stringify(result);
    expect(text).not.toContain(vector.secret);
    expect(text).not.toContain(vector.signature.slice(7));
  });
});

describe('tokensMatch', () => {
  it.each([
    ['s3cret-token', 's3cret-token', true],
    ['s3cret-token', 's3cret-tokem', false],
    ['s3cret', 's3cret-token', false],
    ['', 's3cret-token', false],
    ['s3cret-token-and-more', 's3cret-token', false],
  ])('%s against %s: %s', (given, expected, result) => {
    expect(tokensMatch(given, expected)).toBe(result);
  });
});

// The Standard Webhooks specification's test vector (also in its reference libraries' tests).
const standard = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: '1614265330',
  body: Buffer.from('{"test": 2432232314}'),
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const signedAt = new Date(Number(standard.timestamp) * 1000);
const signedHeaders = (overrides: Record<string, string | string[]> = {}) =>
  headers({
    'webhook-id': standard.id,
    'webhook-timestamp': standard.timestamp,
    'webhook-signature': standard.signature,
    ...overrides,
  });

describe('verifyStandardWebhook', () => {
  it('accepts the specification test vector', () => {
    expect(verifyStandardWebhook(signedHeaders(), standard.body, standard.secret, signedAt)).toEqual({
      ok: true,
    });
  });

  it('accepts one valid signature among several (a token being rotated)', () => {
    const other = `v1,${createHmac('sha256', 'old key').update('x').digest('base64')}`;
    const list = `${other} ${standard.signature} v1a,c29tZSBhc3ltbWV0cmljIHNpZ25hdHVyZQ==`;
    expect(
      verifyStandardWebhook(
        signedHeaders({ 'webhook-signature': list }),
        standard.body,
        standard.secret,
        signedAt,
      ),
    ).toEqual({ ok: true });
  });

  it('accepts a timestamp five minutes off, not more', () => {
    const at = (seconds: number) => new Date(signedAt.getTime() + seconds * 1000);
    expect(verifyStandardWebhook(signedHeaders(), standard.body, standard.secret, at(300)).ok).toBe(true);
    expect(verifyStandardWebhook(signedHeaders(), standard.body, standard.secret, at(-300)).ok).toBe(true);
    expect(verifyStandardWebhook(signedHeaders(), standard.body, standard.secret, at(301))).toMatchObject({
      failure: 'stale-timestamp',
    });
    expect(verifyStandardWebhook(signedHeaders(), standard.body, standard.secret, at(-301))).toMatchObject({
      failure: 'stale-timestamp',
    });
  });

  it.each([
    [
      'another signing token',
      signedHeaders(),
      `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
      'signature-mismatch',
    ],
    ['a changed id', signedHeaders({ 'webhook-id': 'msg_other' }), standard.secret, 'signature-mismatch'],
    [
      'no signature header',
      headers({ 'webhook-id': standard.id, 'webhook-timestamp': standard.timestamp }),
      standard.secret,
      'missing-signature',
    ],
    [
      'no id header',
      headers({ 'webhook-timestamp': standard.timestamp, 'webhook-signature': standard.signature }),
      standard.secret,
      'missing-signature',
    ],
    [
      'the signature header twice',
      signedHeaders({ 'webhook-signature': [standard.signature, standard.signature] }),
      standard.secret,
      'repeated-header',
    ],
    [
      'an empty signature',
      signedHeaders({ 'webhook-signature': '' }),
      standard.secret,
      'malformed-signature',
    ],
    [
      'a truncated signature',
      signedHeaders({ 'webhook-signature': standard.signature.slice(0, -3) }),
      standard.secret,
      'malformed-signature',
    ],
    [
      'an upper-case version',
      signedHeaders({ 'webhook-signature': standard.signature.replace('v1,', 'V1,') }),
      standard.secret,
      'malformed-signature',
    ],
    [
      'a timestamp in milliseconds with a dot',
      signedHeaders({ 'webhook-timestamp': '1614265330.5' }),
      standard.secret,
      'malformed-signature',
    ],
    ['an id with a dot', signedHeaders({ 'webhook-id': 'msg.1' }), standard.secret, 'malformed-signature'],
  ])('refuses %s', (_name, given, secret, failure) => {
    expect(verifyStandardWebhook(given, standard.body, secret, signedAt)).toMatchObject({
      ok: false,
      failure,
    });
  });
});

describe('isSigningSecret', () => {
  it.each([
    [standard.secret, true],
    [`whsec_${Buffer.alloc(32, 1).toString('base64')}`, true],
    ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', false],
    [`whsec_${Buffer.alloc(16, 1).toString('base64')}`, false],
    ['whsec_not base64!', false],
  ])('%s: %s', (value, expected) => {
    expect(isSigningSecret(value)).toBe(expected);
  });
});

describe('verifyBasicAuth', () => {
  const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

  it('accepts the credentials over https', () => {
    expect(
      verifyBasicAuth(headers({ authorization: basic('scanner:pa55word') }), 'scanner:pa55word', true),
    ).toEqual({ ok: true });
  });

  it('refuses them over plain http before looking at them', () => {
    expect(
      verifyBasicAuth(headers({ authorization: basic('scanner:pa55word') }), 'scanner:pa55word', false),
    ).toMatchObject({
      failure: 'insecure-transport',
    });
  });

  it.each([
    ['a wrong password', headers({ authorization: basic('scanner:guess') }), 'signature-mismatch'],
    ['another user', headers({ authorization: basic('other:pa55word') }), 'signature-mismatch'],
    ['no header', headers({}), 'missing-signature'],
    ['a bearer token', headers({ authorization: 'Bearer abc' }), 'malformed-signature'],
    ['an empty value', headers({ authorization: '' }), 'malformed-signature'],
    [
      'the header twice',
      headers({ authorization: [basic('scanner:pa55word'), basic('scanner:pa55word')] }),
      'repeated-header',
    ],
    // "c2Nhbm5lcjpwYTU1d29yZA==" is the canonical form; Node would decode these variants to the same bytes.
    [
      'the credentials with a stray character',
      headers({ authorization: 'Basic c2Nhbm5lcjpwYTU1d29yZA==x' }),
      'malformed-signature',
    ],
    [
      'the credentials without their padding',
      headers({ authorization: 'Basic c2Nhbm5lcjpwYTU1d29yZA' }),
      'malformed-signature',
    ],
    [
      'the credentials with non-zero padding bits',
      headers({ authorization: 'Basic c2Nhbm5lcjpwYTU1d29yZB==' }),
      'malformed-signature',
    ],
  ])('refuses %s', (_name, given, failure) => {
    expect(verifyBasicAuth(given, 'scanner:pa55word', true)).toMatchObject({ ok: false, failure });
  });
});
