import { describe, expect, it } from 'vitest';
import { createPathContext, placeArtifact } from './artifact-paths.js';
import { findCheckoutRoot } from './checkout-root.js';

/** A run as the ESLint SARIF formatter writes it: absolute `file:` URIs, nothing about the checkout. */
const runAt = (...uris: string[]) => ({
  tool: { driver: { name: 'ESLint' } },
  results: uris.map((uri) => ({
    ruleId: 'security/detect-object-injection',
    message: { text: 'Generic Object Injection Sink' },
    locations: [{ physicalLocation: { artifactLocation: { uri }, region: { startLine: 3 } } }],
  })),
});

/** The repository's files at the scanned commit; undefined for every path: the SCM cannot be read. */
function repository(paths: readonly string[] | undefined) {
  const asked: string[] = [];
  return {
    asked,
    exists: async (path: string) => {
      asked.push(path);
      return paths === undefined ? undefined : paths.includes(path);
    },
  };
}

async function place(run: Record<string, unknown>, paths: readonly string[] | undefined, uri: string) {
  const files = repository(paths);
  const found = await findCheckoutRoot(run, createPathContext(run), files);
  return { found, placed: placeArtifact({ uri }, found.context), asked: files.asked };
}

describe('finding the checkout root of absolute paths the log gives no root for', () => {
  it.each<[string, string, readonly string[], string, string]>([
    [
      'a temporary checkout',
      'file:///tmp/scan-checkout-x1/src/files.js',
      ['src/files.js', 'README.md'],
      'src/files.js',
      '/tmp/scan-checkout-x1/',
    ],
    [
      'the longest tail that is a file wins over a shorter one',
      'file:///builds/ci/app/app/src/files.js',
      ['files.js', 'src/files.js'],
      'src/files.js',
      '/builds/ci/app/app/',
    ],
    [
      'a Windows agent: the drive is never probed',
      'file:///C:/agent/_work/1/s/src/App.cs',
      ['src/App.cs'],
      'src/App.cs',
      '/C:/agent/_work/1/s/',
    ],
    [
      'percent-encoded names are probed decoded',
      'file:///builds/acme/my%20app/docs/read%20me.js',
      ['docs/read me.js'],
      'docs/read me.js',
      '/builds/acme/my app/',
    ],
  ])('%s', async (_case, uri, paths, path, root) => {
    const { found, placed } = await place(runAt(uri), paths, uri);
    expect(placed).toEqual({ path });
    expect(found.context.checkoutRoots).toEqual([root]);
    expect(found.note).toContain(`${root} was taken as the checkout, since ${path} is a file`);
  });

  it('tries the next result when the first names a file the repository lacks (a generated one)', async () => {
    const run = runAt('file:///w/repo/dist/bundle.js', 'file:///w/repo/src/a.js');
    const { found, placed } = await place(run, ['src/a.js'], 'file:///w/repo/dist/bundle.js');
    expect(found.context.checkoutRoots).toEqual(['/w/repo/']);
    // Placed under the root found, even though the file is not in the repository.
    expect(placed).toEqual({ path: 'dist/bundle.js' });
  });

  it('leaves the paths unplaced, saying why, when no tail is a file of the repository', async () => {
    const uri = 'file:///w/repo/src/a.js';
    const { found, placed } = await place(runAt(uri), ['lib/b.js'], uri);
    expect(found.note).toBeUndefined();
    expect(placed).toMatchObject({ path: null, unlinkedReason: expect.stringMatching(/workingDirectory/) });
  });

  it('stops after the first path when the repository cannot be read', async () => {
    const run = runAt('file:///w/repo/src/a.js', 'file:///w/repo/src/b.js');
    const { found, asked } = await place(run, undefined, 'file:///w/repo/src/a.js');
    expect(found.context.checkoutRoots).toEqual([]);
    expect(asked).toEqual(['w/repo/src/a.js', 'repo/src/a.js', 'src/a.js', 'a.js']);
  });

  it('asks nothing when the log names its checkout, or gives only relative paths', async () => {
    const rooted = {
      ...runAt('file:///w/repo/src/a.js'),
      invocations: [{ workingDirectory: { uri: 'file:///w/repo/' } }],
    };
    expect((await place(rooted, [], 'file:///w/repo/src/a.js')).asked).toEqual([]);
    expect((await place(runAt('src/a.js'), [], 'src/a.js')).asked).toEqual([]);
  });
});
