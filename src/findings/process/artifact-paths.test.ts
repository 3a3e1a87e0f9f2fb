import { describe, expect, it } from 'vitest';
import { createPathContext, normalizeRelative, placeArtifact, type PlacedPath } from './artifact-paths.js';

const run = {
  originalUriBaseIds: {
    ROOT: { uri: 'file:///builds/ci/api/api/' },
    SRC: { uri: 'src/', uriBaseId: 'ROOT' },
    DEEP: { uri: 'nested/', uriBaseId: 'SRC' },
    LOOP_A: { uri: 'a/', uriBaseId: 'LOOP_B' },
    LOOP_B: { uri: 'b/', uriBaseId: 'LOOP_A' },
    WIN: { uri: 'file:///C:/agent/_work/1/s/' },
  },
  versionControlProvenance: [
    { repositoryUri: 'https://example.com/acme/api', mappedTo: { uriBaseId: 'ROOT' } },
  ],
  invocations: [{ workingDirectory: { uri: 'file:///C:/agent/_work/1/s/' } }],
  artifacts: [{ location: { uri: 'lib/from-index.ts' } }],
};
const context = createPathContext(run);

describe('placing SARIF artifact locations in the repository', () => {
  it.each<[string, Record<string, unknown>, PlacedPath]>([
    ['relative', { uri: 'src/app.ts' }, { path: 'src/app.ts' }],
    ['./ and duplicate slashes', { uri: './src//./app.ts' }, { path: 'src/app.ts' }],
    ['percent-decoded', { uri: 'docs/read%20me/a%2Bb.md' }, { path: 'docs/read me/a+b.md' }],
    ['backslashes', { uri: 'src\\win\\app.ts' }, { path: 'src/win/app.ts' }],
    ['.. inside the repository', { uri: 'src/a/../b.ts' }, { path: 'src/b.ts' }],
    [
      'an undescribed base (%SRCROOT%) is the root',
      { uri: 'app.ts', uriBaseId: '%SRCROOT%' },
      { path: 'app.ts' },
    ],
    ['a chain of bases', { uri: 'x.ts', uriBaseId: 'DEEP' }, { path: 'src/nested/x.ts' }],
    [
      'an absolute file URI under the checkout',
      { uri: 'file:///builds/ci/api/api/src/app.ts' },
      { path: 'src/app.ts' },
    ],
    ['an absolute path under the checkout', { uri: '/builds/ci/api/api/lib/x.ts' }, { path: 'lib/x.ts' }],
    [
      'a Windows checkout, drive letter in another case',
      { uri: 'file:///c:/agent/_work/1/s/src/a.cs' },
      { path: 'src/a.cs' },
    ],
    ['a Windows path', { uri: 'C:\\agent\\_work\\1\\s\\src\\b.cs' }, { path: 'src/b.cs' }],
    ['by artifact index', { index: 0 }, { path: 'lib/from-index.ts' }],
  ])('%s', (_case, location, expected) => {
    expect(placeArtifact(location, context)).toEqual(expected);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['.. out of the repository', { uri: '../secrets.txt' }, /climbs out of the repository/],
    ['.. out of a base', { uri: '../../../etc/passwd', uriBaseId: 'SRC' }, /outside the checkout/],
    ['an absolute path elsewhere', { uri: 'file:///etc/passwd' }, /outside the checkout/],
    ['another host', { uri: 'file://fileserver/share/a.ts' }, /another host \(fileserver\)/],
    ['a web URL', { uri: 'https://cdn.example.com/lib.js' }, /not a file of the repository/],
    ['a looping chain of bases', { uri: 'x.ts', uriBaseId: 'LOOP_A' }, /loops/],
    ['an encoded slash', { uri: 'a%2F..%2F..%2Fb' }, /separator/],
    ['no uri', {}, /names no file/],
  ])('%s keeps no path and says why', (_case, location, reason) => {
    const placed = placeArtifact(location, context);
    expect(placed?.path).toBeNull();
    expect(placed?.unlinkedReason).toMatch(reason);
  });

  it('an absolute path without any checkout root in the log says what is missing', () => {
    const placed = placeArtifact({ uri: 'file:///src/app.ts' }, createPathContext({}));
    expect(placed).toMatchObject({ path: null, unlinkedReason: expect.stringMatching(/workingDirectory/) });
  });

  it('an empty path names no file', () => {
    expect(normalizeRelative('./')).toMatchObject({ path: null });
  });
});
