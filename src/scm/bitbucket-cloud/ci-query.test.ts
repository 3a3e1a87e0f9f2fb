import { describe, expect, it } from 'vitest';
import { bbqlString } from './ci-query.js';

describe('bbqlString', () => {
  it.each([
    ['scanner/add-ci', '"scanner/add-ci"'],
    ['a"b', '"a\\"b"'],
    ['x" OR state != "', '"x\\" OR state != \\""'],
    ['back\\slash', '"back\\\\slash"'],
    ['\\"', '"\\\\\\""'],
    ['', '""'],
  ])('quotes %j as %s', (value, quoted) => {
    expect(bbqlString(value)).toBe(quoted);
  });
});
