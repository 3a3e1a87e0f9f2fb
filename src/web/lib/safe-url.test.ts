import { describe, expect, it } from 'vitest';
import { absoluteAppUrl, safeHttpUrl } from './safe-url.js';

describe('safeHttpUrl', () => {
  it.each([
    ['https://github.com/acme', 'https://github.com/acme'],
    ['http://gitlab.example.com:8080/group', 'http://gitlab.example.com:8080/group'],
    ['HTTPS://Example.com', 'https://example.com/'],
  ])('keeps %s', (input, output) => {
    expect(safeHttpUrl(input)).toBe(output);
  });

  it.each([
    'javascript:alert(1)',
    ' javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    '//evil.example/path',
    '/relative/path',
    'not a url',
    '',
    null,
    undefined,
  ])('refuses %s', (input) => {
    expect(safeHttpUrl(input)).toBeNull();
  });
});

describe('absoluteAppUrl', () => {
  const origin = 'http://127.0.0.1:8080';

  it.each([
    ['/invite/tok', 'http://127.0.0.1:8080/invite/tok'],
    ['https://scm.example.com/invite/tok', 'https://scm.example.com/invite/tok'],
  ])('resolves %s', (input, output) => {
    expect(absoluteAppUrl(input, origin)).toBe(output);
  });

  it.each(['//evil.example/invite/tok', 'javascript:alert(1)', 'invite/tok'])('refuses %s', (input) => {
    expect(absoluteAppUrl(input, origin)).toBeNull();
  });
});
