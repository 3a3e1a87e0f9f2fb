import { describe, expect, it } from 'vitest';
import { jsonSyntaxErrorOffset } from './json-syntax.js';

describe('jsonSyntaxErrorOffset', () => {
  it.each([
    '{}',
    '[]',
    ' {"a": [1, -2.5e3, true, false, null, "x\\u00e9\\n"], "b": {}} ',
    '"text"',
    '0',
    '[[[[]]]]',
  ])('finds nothing wrong in %s', (text) => {
    expect(() => JSON.parse(text) as unknown).not.toThrow();
    expect(jsonSyntaxErrorOffset(text)).toBeUndefined();
  });

  it.each<[string, number]>([
    ['', 0],
    ['{', 1],
    ['{"a":}', 5],
    ['{"a" 1}', 5],
    ['{"a":1 "b":2}', 7],
    ['[1,2,]', 5],
    ['[1 2]', 3],
    ['{"a":1}}', 7],
    ['{\n "version": "2.1.0",\n "runs": [}\n}', 33],
    ['["bad \\x escape"]', 6],
    ['[01]', 2],
    ['{a: 1}', 1],
    ['[tru]', 1],
    ['"unterminated', 13],
  ])('finds %j broken at %i', (text, offset) => {
    expect(() => JSON.parse(text) as unknown).toThrow();
    expect(jsonSyntaxErrorOffset(text)).toBe(offset);
  });
});
