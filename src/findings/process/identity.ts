import { createHash } from 'node:crypto';
import type { Observation } from './observations.js';

/** Where a finding's identity came from. */
export type IdentitySource = 'fingerprints' | 'partialFingerprints' | 'content' | 'message';

export interface Identity {
  /** sha256 (hex) of the identity's parts: the `findings.fingerprint`. */
  readonly fingerprint: string;
  readonly source: IdentitySource;
  /** Why the identity is weaker than it could be (the file could not be read…). */
  readonly note?: string;
}

/** A file's lines at the scanned commit, as hashes of their trimmed text, or why they could not be read. */
export type FileLines = { readonly hashes: readonly string[] } | { readonly unreadable: string };

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The hash kept per line: the first 64 bits of sha256 of the line without its surrounding whitespace. */
export const hashLine = (line: string): string => sha256(line.trim()).slice(0, 16);

export const hashLines = (content: Buffer): string[] =>
  content
    .toString('utf8')
    .split(/\r\n|\n|\r/)
    .map(hashLine);

const byPreference = (keys: string[], preferred: RegExp): string | undefined =>
  keys.sort().find((key) => preferred.test(key)) ?? keys[0];

/**
 * The scanner's identity: a `fingerprints` value (a `matchBasedId`-like key first, else the first key in sorted
 * order, so the choice is stable), else a `partialFingerprints` value (`primaryLocationLineHash` first) with the
 * rule and path, since a partial fingerprint is only part of an identity.
 */
export function scannerIdentity(observation: Observation): Identity | undefined {
  const full = observation.fingerprints;
  if (full) {
    const key = byPreference(Object.keys(full), /matchBasedId/i)!;
    return { fingerprint: sha256(['fingerprints', key, full[key]].join('\0')), source: 'fingerprints' };
  }
  const partial = observation.partialFingerprints;
  if (partial) {
    const key = byPreference(Object.keys(partial), /primaryLocationLineHash/i)!;
    const parts = [
      'partialFingerprints',
      observation.ruleId,
      observation.location?.path ?? '',
      key,
      partial[key],
    ];
    return { fingerprint: sha256(parts.join('\0')), source: 'partialFingerprints' };
  }
  return undefined;
}

const normalizeMessage = (message: string): string => message.trim().replace(/\s+/g, ' ');

interface Pending {
  readonly at: number;
  readonly observation: Observation;
  readonly source: 'content' | 'message';
  /** The flagged lines' hash, or the normalized message. */
  readonly key: string;
  readonly note?: string;
}

/**
 * Settles every observation's identity, in order. Without a scanner fingerprint: sha256 of rule, path, the flagged
 * lines' content (from `readLines`, one call per path) and the occurrence index among identical (rule, path,
 * content) in the scan, ordered by position; when the lines cannot be had, the message stands in for them.
 */
export async function settleIdentities(
  observations: readonly Observation[],
  readLines: (path: string) => Promise<FileLines>,
): Promise<Identity[]> {
  const identities: (Identity | undefined)[] = observations.map(scannerIdentity);
  const paths = new Set<string>();
  observations.forEach((observation, at) => {
    if (identities[at] === undefined && observation.location?.path) paths.add(observation.location.path);
  });
  const files = new Map<string, FileLines>();
  await forEachLimited([...paths], 8, async (path) => void files.set(path, await readLines(path)));

  const pending: Pending[] = [];
  observations.forEach((observation, at) => {
    if (identities[at] === undefined) pending.push(contentOrMessage(at, observation, files));
  });
  const groups = new Map<string, Pending[]>();
  for (const item of pending) {
    const group = [
      item.source,
      item.observation.ruleId,
      item.observation.location?.path ?? '',
      item.key,
    ].join('\0');
    const members = groups.get(group);
    if (members) members.push(item);
    else groups.set(group, [item]);
  }
  for (const [group, members] of groups) {
    members.sort(byPosition);
    members.forEach((item, occurrence) => {
      identities[item.at] = {
        fingerprint: sha256(`${group}\0${occurrence}`),
        source: item.source,
        ...(item.note === undefined ? {} : { note: item.note }),
      };
    });
  }
  return identities.map((identity) => identity!);
}

function contentOrMessage(
  at: number,
  observation: Observation,
  files: ReadonlyMap<string, FileLines>,
): Pending {
  const location = observation.location;
  const byMessage = (note: string): Pending => ({
    at,
    observation,
    source: 'message',
    key: normalizeMessage(observation.message),
    note,
  });
  if (!location?.path) {
    return byMessage(location?.unlinkedReason ?? 'The result has no location: its message identifies it.');
  }
  const lines = files.get(location.path);
  if (!lines || 'unreadable' in lines) {
    return byMessage(`${lines?.unreadable ?? 'The file was not read.'} Its message identifies it instead.`);
  }
  if (location.startLine === null) return { at, observation, source: 'content', key: 'whole-file' };
  const end = location.endLine ?? location.startLine;
  if (end > lines.hashes.length) {
    return byMessage(
      `Lines ${location.startLine}–${end} are past the end of ${location.path} (${lines.hashes.length} lines) ` +
        'at the scanned commit. Its message identifies it instead.',
    );
  }
  return {
    at,
    observation,
    source: 'content',
    key: sha256(lines.hashes.slice(location.startLine - 1, end).join('\n')),
  };
}

function byPosition(a: Pending, b: Pending): number {
  const la = a.observation.location;
  const lb = b.observation.location;
  return (
    (la?.startLine ?? 0) - (lb?.startLine ?? 0) ||
    (la?.startColumn ?? 0) - (lb?.startColumn ?? 0) ||
    (la?.endLine ?? 0) - (lb?.endLine ?? 0) ||
    (la?.endColumn ?? 0) - (lb?.endColumn ?? 0) ||
    a.observation.resultIndex - b.observation.resultIndex
  );
}

/** Runs `work` over `items`, at most `limit` at a time. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}
