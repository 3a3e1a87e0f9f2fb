import { createHash } from 'node:crypto';

/*
 * Which comment is about what: each of our comments carries a hidden marker `scm-connect:<key>`, the key being
 * `summary` or a finding's identity (`f-` and a hash of its tool, category and fingerprint), so that our state can
 * be rebuilt from the pull request alone.
 */

export const summaryKey = 'summary';

const markerPattern = /scm-connect:(summary|f-[0-9a-f]{32})/;

/** The key of a finding: the same for every scan of the pull request that reports it. */
export function findingKey(finding: {
  readonly toolName: string;
  readonly category: string;
  readonly fingerprint: string;
}): string {
  const hash = createHash('sha256')
    .update(`${finding.toolName}\u0000${finding.category}\u0000${finding.fingerprint}`)
    .digest('hex');
  return `f-${hash.slice(0, 32)}`;
}

/** The text the SCM's hidden marker wraps. */
export const markerText = (key: string): string => `scm-connect:${key}`;

/** The key a comment body's marker names; undefined for a body without one. */
export function keyOfBody(body: string): string | undefined {
  return markerPattern.exec(body)?.[1];
}

/** What the stored `body_hash` holds: sha256 of the body as written. */
export const bodyHash = (body: string): string => createHash('sha256').update(body).digest('hex');
