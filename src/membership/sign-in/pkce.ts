import { createHash, randomBytes } from 'node:crypto';

/** A PKCE pair (RFC 7636): the verifier stays sealed in the flow, the S256 challenge goes to the authorize page. */
export interface Pkce {
  readonly verifier: string;
  readonly challenge: string;
}

/** 32 random bytes as base64url (43 characters, the shortest verifier allowed) and its SHA-256 challenge. */
export function createPkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: pkceChallenge(verifier) };
}

export const pkceChallenge = (verifier: string): string =>
  createHash('sha256').update(verifier, 'ascii').digest('base64url');
