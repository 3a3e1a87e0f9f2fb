import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findUnstorableText, isPemCertificatesOnly, isStorableText } from './fields.js';

const caPem = readFileSync(new URL('../../test/twins/tls/ca.pem', import.meta.url), 'utf8');

describe('isStorableText', () => {
  it.each([
    ['plain text', 'Acme Security', true],
    ['an emoji (a surrogate pair)', 'ship it \u{1f680}', true],
    ['U+FFFD', 'caf\ufffd', true],
    ['U+0000', 'a\u0000b', false],
    ['a lone high surrogate', 'a\ud83d', false],
    ['a lone low surrogate', '\ude80b', false],
    ['a pair the wrong way round', '\ude80\ud83d', false],
  ])('%s: %s', (_what, text, storable) => {
    expect(isStorableText(text)).toBe(storable);
  });
});

describe('findUnstorableText', () => {
  it.each([
    [{ name: 'ok', tags: ['a', 'b'] }, undefined],
    [{ name: 'a\u0000' }, 'body.name'],
    [{ a: 'ok', b: { c: [1, 'x', '\ud800'] } }, 'body.b.c.2'],
    [{ first: '\u0000', second: '\u0000' }, 'body.first'],
    [{ ['k\u0000']: 1 }, 'body (a key)'],
    ['\u0000', 'body'],
    [null, undefined],
    [42, undefined],
  ])('%j → %s', (value, path) => {
    expect(findUnstorableText(value, 'body')).toBe(path);
  });

  it('walks a deeply nested value without overflowing the stack', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}"\\u0000"${']'.repeat(100_000)}`) as unknown;
    expect(findUnstorableText(deep, 'body')).toMatch(/^body(\.0){98}…$/);
  });
});

describe('isPemCertificatesOnly', () => {
  it.each([
    ['one certificate', caPem, true],
    ['two certificates and blank lines', `\n\n${caPem}\n\n${caPem}\n`, true],
    ['CRLF line ends', caPem.replace(/\n/g, '\r\n'), true],
    ['nothing', '', false],
    ['whitespace only', ' \n\t', false],
    ['text before the block', `subject=CN=ca\n${caPem}`, false],
    ['text after the block', `${caPem}trailing`, false],
    ['a private key', caPem.replace(/CERTIFICATE/g, 'PRIVATE KEY'), false],
    ['a character outside base64 inside', caPem.replace('MII', 'MI*'), false],
    ['a NUL inside', caPem.replace('MII', 'MI\u0000'), false],
    ['a missing END line', caPem.replace('-----END CERTIFICATE-----', ''), false],
    ['a no-break space around it', `\u00a0${caPem}`, false],
  ])('%s', (_what, text, expected) => {
    expect(isPemCertificatesOnly(text)).toBe(expected);
  });
});
