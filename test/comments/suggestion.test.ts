import { describe, expect, it } from 'vitest';
import { parseReplyCommand } from '../../src/comments/reply-command.js';
import { suggestedLines } from '../../src/comments/suggestion.js';

const fix = (replacements: object[], path = 'src/app.js') => [
  { description: null, changes: [{ path, unlinkedReason: null, replacements }] },
];
const at = { path: 'src/app.js', startLine: 2, endLine: 3 };
const source = ['line one', 'const x = eval(input);', 'run(x);', 'line four'];

describe('suggested lines from a SARIF fix', () => {
  it.each([
    [
      'whole lines, without the file',
      fix([{ startLine: 2, endLine: 3, startColumn: null, endColumn: null, insertedText: 'a\nb\n' }]),
      undefined,
      'a\nb',
    ],
    [
      'part of a line, with the file',
      fix([{ startLine: 2, endLine: 2, startColumn: 11, endColumn: 22, insertedText: 'JSON.parse(input)' }]),
      source,
      'const x = JSON.parse(input);\nrun(x);',
    ],
    [
      'two replacements on two lines',
      fix([
        { startLine: 2, endLine: 2, startColumn: 1, endColumn: 6, insertedText: 'let' },
        { startLine: 3, endLine: 3, startColumn: 1, endColumn: 4, insertedText: 'go' },
      ]),
      source,
      'let x = eval(input);\ngo(x);',
    ],
    [
      'part of a line, without the file',
      fix([{ startLine: 2, endLine: 2, startColumn: 11, endColumn: 22, insertedText: 'JSON.parse(input)' }]),
      undefined,
      undefined,
    ],
    [
      'lines outside the comment',
      fix([{ startLine: 4, endLine: 4, startColumn: null, endColumn: null, insertedText: 'x\n' }]),
      source,
      undefined,
    ],
    [
      'another file',
      fix(
        [{ startLine: 2, endLine: 3, startColumn: null, endColumn: null, insertedText: 'a\n' }],
        'other.js',
      ),
      source,
      undefined,
    ],
    ['no fix', [], source, undefined],
  ])('%s', (_name, fixes, lines, expected) => {
    expect(suggestedLines(fixes, at, lines)).toBe(expected);
  });
});

describe('reply commands', () => {
  it.each([
    ['/fp not reachable', { action: 'ignore', reason: 'false_positive', note: 'not reachable' }],
    [
      '  /AR accepted by security\nthanks',
      { action: 'ignore', reason: 'acceptable_risk', note: 'accepted by security' },
    ],
    ['/other', { action: 'ignore', reason: 'other', note: '' }],
    ['/open', { action: 'reopen', note: '' }],
    ['/open it is real', { action: 'reopen', note: 'it is real' }],
    ['/fpx nope', undefined],
    ['please /fp this', undefined],
    ['Ignored as a false positive by writer', undefined],
  ])('%j', (body, expected) => {
    expect(parseReplyCommand(body)).toEqual(expected);
  });
});
