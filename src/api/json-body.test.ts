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

  it('decodes UTF-8 bytes, multi-byte characters included', () => {
    expect(parseJsonBody(Buffer.from('{"name":"Café 🚀"}'))).toEqual({ name: 'Café 🚀' });
  });

  it.each([
    ['a byte that is never UTF-8', [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]],
    ['a truncated sequence', [0x22, 0xe2, 0x82, 0x22]],
    ['an overlong encoding', [0x22, 0xc0, 0xaf, 0x22]],
    ['an encoded surrogate', [0x22, 0xed, 0xa0, 0x80, 0x22]],
    ['UTF-16 with a byte order mark', [...Buffer.from('\ufeff{"a":1}', 'utf16le')]],
  ])('refuses %s as invalid_json instead of repairing it', (_what, bytes) => {
    expect(() => parseJsonBody(Buffer.from(bytes))).toThrow(
      expect.objectContaining({
        status: 400,
        code: 'invalid_json',
        message: expect.stringContaining('UTF-8'),
      }),
    );
  });

  it('keeps refusing a UTF-8 byte order mark', () => {
    expect(() => parseJsonBody(Buffer.from('\ufeff{"a":1}'))).toThrow('not valid JSON');
  });
});
