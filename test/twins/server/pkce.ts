import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether `verifier` answers `challenge` (RFC 7636 section 4.6): `S256` compares BASE64URL(SHA-256(verifier)),
 * `plain` the verifier itself. An unknown method never matches.
 */
export function pkceMatches(challenge: string, method: string, verifier: string): boolean {
  const expected =
    method === 'S256'
      ? createHash('sha256').update(verifier).digest('base64url')
      : method === 'plain'
        ? verifier
        : undefined;
  if (expected === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(challenge);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A verifier and its `S256` challenge, for tests that play the client. */
export function pkcePair(verifier: string): { verifier: string; challenge: string } {
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
