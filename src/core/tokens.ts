import { createHash, randomBytes } from 'node:crypto';

/** A random opaque token and the sha256 hash that is stored in its place. */
export interface IssuedToken {
  readonly value: string;
  readonly hash: string;
}

export const hashToken = (value: string): string => createHash('sha256').update(value).digest('hex');

export function issueToken(prefix = ''): IssuedToken {
  const value = `${prefix}${randomBytes(32).toString('base64url')}`;
  return { value, hash: hashToken(value) };
}

export const nowIso = (): string => new Date().toISOString();

export const addHours = (hours: number, from = new Date()): string =>
  new Date(from.getTime() + hours * 3_600_000).toISOString();
