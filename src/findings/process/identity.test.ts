import { describe, expect, it } from 'vitest';
import { hashLines, scannerIdentity, settleIdentities, type FileLines } from './identity.js';
import type { Observation } from './observations.js';

const observation = (patch: Partial<Observation> = {}): Observation => ({
  resultIndex: 0,
  ruleId: 'rule',
  level: 'warning',
  severity: 'medium',
  message: 'message',
  location: {
    path: 'a.ts',
    startLine: 2,
    startColumn: null,
    endLine: 2,
    endColumn: null,
    unlinkedReason: null,
  },
  relatedLocations: [],
  codeFlows: [],
  fixes: [],
  fingerprints: undefined,
  partialFingerprints: undefined,
  baselineState: undefined,
  ...patch,
});

describe('finding identity', () => {
  it('takes a matchBasedId-like scanner fingerprint, whatever the order of the keys', () => {
    const a = scannerIdentity(observation({ fingerprints: { 'other/v1': 'x', 'matchBasedId/v1': 'm' } }));
    const b = scannerIdentity(observation({ fingerprints: { 'matchBasedId/v1': 'm', 'other/v1': 'y' } }));
    expect(a).toEqual(b);
    expect(a?.source).toBe('fingerprints');
  });

  it('combines a partial fingerprint with the rule and the path', () => {
    const one = scannerIdentity(observation({ partialFingerprints: { primaryLocationLineHash: 'h:1' } }));
    const otherRule = scannerIdentity(
      observation({ ruleId: 'x', partialFingerprints: { primaryLocationLineHash: 'h:1' } }),
    );
    expect(one?.source).toBe('partialFingerprints');
    expect(one?.fingerprint).not.toBe(otherRule?.fingerprint);
  });

  it('computes it from the trimmed content of the flagged lines, so moving them keeps it', async () => {
    const before: FileLines = { hashes: hashLines(Buffer.from('a\n  eval(x)\nb\n')) };
    const after: FileLines = { hashes: hashLines(Buffer.from('new\nlines\na\n\teval(x)   \nb\n')) };
    const [first] = await settleIdentities([observation()], async () => before);
    const location = {
      path: 'a.ts',
      startLine: 4,
      startColumn: null,
      endLine: 4,
      endColumn: null,
      unlinkedReason: null,
    };
    const [moved] = await settleIdentities([observation({ location })], async () => after);
    expect(first).toEqual(moved);
    expect(first?.source).toBe('content');
  });

  it('reads each file once and numbers identical snippets by position', async () => {
    const reads: string[] = [];
    const lines: FileLines = { hashes: hashLines(Buffer.from('x\nx\n')) };
    const at = (line: number, resultIndex: number) =>
      observation({
        resultIndex,
        location: {
          path: 'a.ts',
          startLine: line,
          startColumn: null,
          endLine: line,
          endColumn: null,
          unlinkedReason: null,
        },
      });
    const identities = await settleIdentities([at(2, 0), at(1, 1)], async (path) => {
      reads.push(path);
      return lines;
    });
    expect(reads).toEqual(['a.ts']);
    expect(identities[0]!.fingerprint).not.toBe(identities[1]!.fingerprint);
    const swapped = await settleIdentities([at(1, 0), at(2, 1)], async () => lines);
    expect(swapped[0]!.fingerprint).toBe(identities[1]!.fingerprint);
  });

  it('falls back to the message, with a note, when the file cannot be read', async () => {
    const [identity] = await settleIdentities([observation()], async () => ({
      unreadable: 'a.ts could not be read.',
    }));
    expect(identity).toMatchObject({
      source: 'message',
      note: expect.stringContaining('a.ts could not be read.'),
    });
  });
});
