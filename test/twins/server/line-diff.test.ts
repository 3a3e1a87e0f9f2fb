import { describe, expect, it } from 'vitest';

import { diffHunks, editScript, renderHunks, similar } from './line-diff.js';

const lines = (count: number, from = 1) =>
  Array.from({ length: count }, (_, index) => `line ${from + index}\n`).join('');

describe('the twins’ line diff', () => {
  it('numbers every line on both sides, a change’s removals before its additions', () => {
    expect(
      editScript('a\nb\nc\n', 'a\nB\nc\nd\n').map((l) => [l.kind, l.text, l.oldLine, l.newLine]),
    ).toEqual([
      [' ', 'a', 1, 1],
      ['-', 'b', 2, 2],
      ['+', 'B', 3, 2],
      [' ', 'c', 3, 3],
      ['+', 'd', 4, 4],
    ]);
    expect(editScript('x\ny\n', 'y\nx\n').map((l) => `${l.kind}${l.text}`)).toEqual(['-x', ' y', '+x']);
  });

  it('joins changes whose contexts touch into one hunk and splits the others', () => {
    const before = lines(20);
    const joined = before.replace('line 2\n', 'two\n').replace('line 9\n', 'nine\n');
    expect(diffHunks(before, joined).map((h) => [h.oldStart, h.oldCount, h.newStart, h.newCount])).toEqual([
      [1, 12, 1, 12],
    ]);
    const apart = before.replace('line 2\n', 'two\n').replace('line 10\n', 'ten\n');
    expect(diffHunks(before, apart).map((h) => [h.oldStart, h.oldCount, h.newStart, h.newCount])).toEqual([
      [1, 5, 1, 5],
      [7, 7, 7, 7],
    ]);
    expect(diffHunks(before, apart, { context: 10 })).toHaveLength(1);
    expect(diffHunks(before, before)).toEqual([]);
  });

  it('renders git’s unified diff, empty sides starting at the line before and missing newlines marked', () => {
    expect(renderHunks(diffHunks('', 'a\nb\n'))).toBe('@@ -0,0 +1,2 @@\n+a\n+b\n');
    expect(renderHunks(diffHunks('a\n', ''))).toBe('@@ -1 +0,0 @@\n-a\n');
    expect(renderHunks(diffHunks('a\nb', 'a\nc'))).toBe(
      '@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n',
    );
    expect(renderHunks(diffHunks('a\nb', 'a\nb\n'))).toBe(
      '@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n',
    );
    expect(diffHunks('a\nb', 'a\nb\n', { ignoreEol: true })).toEqual([]);
  });

  it('calls two texts similar when at least half their lines are the same', () => {
    expect(similar('a\nb\nc\nd\n', 'a\nb\nx\ny\n')).toBe(true);
    expect(similar('a\nb\nc\nd\n', 'a\nx\ny\nz\n')).toBe(false);
    expect(similar('', 'a\n')).toBe(false);
    expect(similar('', '')).toBe(true);
  });
});
