import { describe, expect, it } from 'vitest';
import { maxTags, parseTags } from './tag-rules.js';

describe('parseTags', () => {
  it.each([
    ['', []],
    ['pci', ['pci']],
    ['PCI, team:payments  prod,,', ['pci', 'team:payments', 'prod']],
    ['a/b c.d e_f g-h pci Pci', ['a/b', 'c.d', 'e_f', 'g-h', 'pci']],
  ])('%j gives %j', (text, tags) => {
    expect(parseTags(text)).toEqual({ ok: true, tags });
  });

  it.each([
    ['ok b@d', '"b@d" may use only letters, digits and - _ . : /'],
    ['<script>', '"<script>" may use only letters, digits and - _ . : /'],
    ['x'.repeat(51), `shorten "${'x'.repeat(20)}…" to 50 characters`],
    [Array.from({ length: maxTags + 1 }, (_, i) => `t${i}`).join(' '), 'use at most 20 tags (21 given)'],
  ])('refuses %j', (text, message) => {
    expect(parseTags(text)).toEqual({ ok: false, message });
  });
});
