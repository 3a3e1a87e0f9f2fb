import { describe, expect, it } from 'vitest';
import { newSideLines, newSideRanges, readHunk, toRanges } from './unified-diff.js';

/** Each new-side line as `[new, kind, old, old position]`. */
const linesOf = (diff: string) =>
  newSideLines(diff).map((line) => [line.newLine, line.kind, line.oldLine, line.oldPosition]);

describe('newSideLines', () => {
  it.each([
    [
      'an added file',
      '@@ -0,0 +1,2 @@\n+a\n+b\n',
      [
        [1, 'added', null, 0],
        [2, 'added', null, 0],
      ],
    ],
    [
      'a change with context',
      '@@ -4,3 +4,3 @@\n c\n-d\n+D\n e\n',
      [
        [4, 'context', 4, 4],
        [5, 'added', null, 6],
        [6, 'context', 6, 6],
      ],
    ],
    [
      'two hunks, counts left out and no newline at the end',
      '@@ -1,2 +1,2 @@\n a\n-b\n+B\n@@ -9 +9 @@\n-x\n\\ No newline at end of file\n+y\n\\ No newline at end of file\n',
      [
        [1, 'context', 1, 1],
        [2, 'added', null, 3],
        [9, 'added', null, 10],
      ],
    ],
    [
      'hunks that shift the new side',
      '@@ -2,3 +2,2 @@ function f() {\n a\n-b\n c\n@@ -10,2 +9,3 @@\n x\n+y\n z',
      [
        [2, 'context', 2, 2],
        [3, 'context', 4, 4],
        [9, 'context', 10, 10],
        [10, 'added', null, 11],
        [11, 'context', 11, 11],
      ],
    ],
    ['a deleted file', '@@ -1,2 +0,0 @@\n-a\n-b\n', []],
    ['deleted lines only, amid context', '@@ -5,3 +5,1 @@\n-a\n-b\n c', [[5, 'context', 7, 7]]],
    [
      'a hunk of deleted lines only between two others',
      '@@ -1 +1 @@\n-a\n+A\n@@ -4,2 +3,0 @@\n-d\n-e\n@@ -9 +7 @@\n-i\n+I\n',
      [
        [1, 'added', null, 2],
        [7, 'added', null, 10],
      ],
    ],
    ['an empty patch', '', []],
    ['text without a hunk', 'Binary files a/x and b/x differ\n', []],
    [
      'a blank context line whose space was stripped',
      '@@ -1,3 +1,3 @@\n a\n\n c\n',
      [
        [1, 'context', 1, 1],
        [2, 'context', 2, 2],
        [3, 'context', 3, 3],
      ],
    ],
    [
      'CRLF line ends',
      '@@ -1 +1,2 @@\r\n a\r\n+b\r\n',
      [
        [1, 'context', 1, 1],
        [2, 'added', null, 2],
      ],
    ],
  ])('%s', (_what, diff, expected) => {
    expect(linesOf(diff)).toEqual(expected);
  });

  it('reads content that looks like a header as part of the hunk, by its counts', () => {
    const diff = [
      '@@ -1,3 +1,4 @@',
      '--- a/old',
      '-@@ -1 +1 @@',
      '++++ b/new',
      '+@@ -7 +7 @@',
      ' @@ x',
      '+z',
    ].join('\n');
    expect(linesOf(diff)).toEqual([
      [1, 'added', null, 3],
      [2, 'added', null, 3],
      [3, 'context', 3, 3],
      [4, 'added', null, 4],
    ]);
  });

  it('ends a hunk when its counts are used up, and starts the next at its header', () => {
    expect(linesOf('@@ -1 +1 @@\n a\n+stray\n@@ -5 +5 @@\n+e')).toEqual([
      [1, 'context', 1, 1],
      [5, 'added', null, 5],
    ]);
  });

  it('ends a hunk shorter than its counts at the next header', () => {
    expect(linesOf('@@ -1,5 +1,5 @@\n a\n@@ -9 +9 @@\n+i')).toEqual([
      [1, 'context', 1, 1],
      [9, 'added', null, 9],
    ]);
  });
});

describe('readHunk', () => {
  const lines = [
    'diff --git a/x b/x',
    '@@ -1,2 +1 @@',
    '-a',
    '-b',
    '+c',
    '\\ No newline at end of file',
    'diff --git a/y b/y',
  ];

  it('reads the hunk whose header is at the index and tells where the next line is', () => {
    expect(readHunk(lines, 1)).toEqual({
      lines: [{ newLine: 1, kind: 'added', oldLine: null, oldPosition: 3 }],
      next: 6,
    });
  });

  it('is undefined on a line that is not a hunk header', () => {
    expect(readHunk(lines, 0)).toBeUndefined();
    expect(readHunk(lines, 7)).toBeUndefined();
    expect(readHunk(['@@ malformed @@'], 0)).toBeUndefined();
  });
});

describe('newSideRanges', () => {
  it.each([
    ['an added file', '@@ -0,0 +1,3 @@\n+a\n+b\n+c', [{ start: 1, end: 3 }]],
    ['context and an added line', '@@ -1,2 +1,3 @@\n a\n b\n+c', [{ start: 1, end: 3 }]],
    ['a deleted line takes no new-side line', '@@ -1,3 +1,2 @@\n a\n-b\n c', [{ start: 1, end: 2 }]],
    [
      'two hunks',
      '@@ -1,4 +1,4 @@\n a\n-b\n+B\n c\n d\n@@ -20,3 +20,4 @@\n t\n u\n+new\n v',
      [
        { start: 1, end: 4 },
        { start: 20, end: 23 },
      ],
    ],
    [
      'no newline at end of file',
      '@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b',
      [{ start: 1, end: 1 }],
    ],
    ['a removed file', '@@ -1,2 +0,0 @@\n-a\n-b', []],
    ['no hunk', '', []],
  ])('%s', (_what, patch, expected) => {
    expect(newSideRanges(patch)).toEqual(expected);
  });
});

describe('toRanges', () => {
  it.each([
    [
      [5, 1, 2, 3, 7, 8],
      [
        { start: 1, end: 3 },
        { start: 5, end: 5 },
        { start: 7, end: 8 },
      ],
    ],
    [[4, 4, 3], [{ start: 3, end: 4 }]],
    [[], []],
  ])('%j', (numbers, expected) => {
    expect(toRanges(numbers)).toEqual(expected);
  });
});
