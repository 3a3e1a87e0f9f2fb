import { describe, expect, it } from 'vitest';
import { maxMarkdownLength, parseInline, parseMarkdown } from './markdown-subset.js';

describe('parseInline', () => {
  it.each([
    ['plain text', [{ kind: 'text', text: 'plain text' }]],
    [
      'use `eval` **never**',
      [
        { kind: 'text', text: 'use ' },
        { kind: 'code', text: 'eval' },
        { kind: 'text', text: ' ' },
        { kind: 'strong', text: 'never' },
      ],
    ],
    [
      'see [OWASP](https://owasp.org/x) now',
      [
        { kind: 'text', text: 'see ' },
        { kind: 'link', text: 'OWASP', href: 'https://owasp.org/x' },
        { kind: 'text', text: ' now' },
      ],
    ],
    // Markup stays text: the renderer draws it as characters.
    ['<img src=x onerror=alert(1)>', [{ kind: 'text', text: '<img src=x onerror=alert(1)>' }]],
    // Parsed as a link; the renderer shows a non-http(s) address as its text alone.
    ['[x](javascript:alert(1))', [{ kind: 'link', text: 'x', href: 'javascript:alert(1)' }]],
    [
      '[wiki](https://en.wikipedia.org/wiki/A_(b)).',
      [
        { kind: 'link', text: 'wiki', href: 'https://en.wikipedia.org/wiki/A_(b)' },
        { kind: 'text', text: '.' },
      ],
    ],
  ] as const)('%s', (text, pieces) => {
    expect(parseInline(text)).toEqual(pieces);
  });
});

describe('parseMarkdown', () => {
  it('reads headings, paragraphs, lists and fenced code', () => {
    const blocks = parseMarkdown(
      [
        '# Injection',
        'Untrusted input reaches',
        'a query.',
        '',
        '- first',
        '  more of it',
        '* second',
        '1. one',
        '2. two',
        '```js',
        'db.query(`SELECT ${id}`)',
        '```',
        'After.',
      ].join('\r\n'),
    );
    expect(blocks).toEqual([
      { kind: 'heading', content: [{ kind: 'text', text: 'Injection' }] },
      { kind: 'paragraph', content: [{ kind: 'text', text: 'Untrusted input reaches a query.' }] },
      {
        kind: 'list',
        ordered: false,
        items: [[{ kind: 'text', text: 'first more of it' }], [{ kind: 'text', text: 'second' }]],
      },
      {
        kind: 'list',
        ordered: true,
        items: [[{ kind: 'text', text: 'one' }], [{ kind: 'text', text: 'two' }]],
      },
      { kind: 'code', text: 'db.query(`SELECT ${id}`)' },
      { kind: 'paragraph', content: [{ kind: 'text', text: 'After.' }] },
    ]);
  });

  it('keeps an unclosed fence as code to the end, and cuts very long help', () => {
    expect(parseMarkdown('```\na\nb')).toEqual([{ kind: 'code', text: 'a\nb' }]);
    const long = parseMarkdown('x'.repeat(maxMarkdownLength + 500));
    expect(long).toEqual([
      { kind: 'paragraph', content: [{ kind: 'text', text: 'x'.repeat(maxMarkdownLength) }] },
    ]);
  });
});
