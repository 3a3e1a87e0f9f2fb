import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';

/** A fresh 2048-bit RSA private key (PKCS#1 PEM), for scenarios in tests. */
export function testPrivateKey(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs1', format: 'pem' })
    .toString();
}

/** Sign an app JWT by hand, so tests can also make bad ones. */
export function signAppJwt(
  privateKeyPem: string,
  claims: { iss: number | string; iat?: number; exp?: number },
  alg = 'RS256',
): string {
  const now = Math.floor(Date.now() / 1000);
  const header = Buffer.from(JSON.stringify({ alg, typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify({ iat: now - 30, exp: now + 540, ...claims })).toString(
    'base64url',
  );
  const signature = sign(
    'RSA-SHA256',
    Buffer.from(`${header}.${payload}`),
    createPrivateKey(privateKeyPem),
  ).toString('base64url');
  return `${header}.${payload}.${signature}`;
}
