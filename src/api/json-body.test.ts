import { describe, expect, it } from 'vitest';
import { parseJsonBody } from './json-body.js';

describe('parseJsonBody', () => {
  it.each([
    ['{"a":1}', { a: 1 }],
    ['{"a":{"a":1},"b":[{"a":2},{"a":3}]}', { a: { a: 1 }, b: [{ a: 2 }, { a: 3 }] }],
    ['{"a":"x\\"a\\":1","b":2}', { a: 'x"a":1', b: 2 }],
    ['[1,"a","a"]', [1, 'a', 'a']],
    ['null', null],
  ])('accepts %s', (text, expected) => {
    expect(parseJsonBody(text)).toEqual(expected);
  });

  it.each([
    ['', 'empty'],
    ['{"a":1}garbage', 'not valid JSON'],
    ['{"a":1,"a":2}', 'appears twice'],
    ['{"x":{"b":1,"\\u0062":2}}', 'appears twice'],
    ['{"__proto__":{"admin":true}}', 'not allowed'],
    ['{"a":[{"constructor":1}]}', 'not allowed'],
  ])('refuses %j', (text, message) => {
    expect(() => parseJsonBody(text)).toThrow(message);
  });
});
