import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { ScenarioDiffFile } from './scenario.js';
import type { DiffFileRecord, GitCommit } from './state-records.js';

export const iso = (ms: number): string =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** Git's blob id of `content`. */
export const blobSha = (content: Buffer): string =>
  createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');

export const randomHex = (bytes: number): string => randomBytes(bytes).toString('hex');

export function generatePrivateKeyPem(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
}

export function makeCommit(
  message: string,
  parents: string[],
  files: ReadonlyMap<string, Buffer>,
  date: string,
): GitCommit {
  const hash = createHash('sha1')
    .update(message)
    .update(parents.join(','))
    .update(date)
    .update(randomBytes(8));
  for (const [path, content] of files) hash.update(path).update(blobSha(content));
  return { sha: hash.digest('hex'), message, parents, files, date };
}

export function diffFile(f: ScenarioDiffFile): DiffFileRecord {
  const lines = f.patch.split('\n');
  return {
    filename: f.filename,
    status: f.status ?? 'modified',
    patch: f.patch,
    additions: lines.filter((l) => l.startsWith('+')).length,
    deletions: lines.filter((l) => l.startsWith('-')).length,
  };
}

/** The new-side text of a hunk: context and added lines. */
export function addedText(patch: string): string {
  return `${patch
    .split('\n')
    .filter((l) => !l.startsWith('@@') && !l.startsWith('-'))
    .map((l) => l.slice(1))
    .join('\n')}\n`;
}
