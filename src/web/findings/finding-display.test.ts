import { describe, expect, it } from 'vitest';
import {
  branchLabel,
  findingStateLabel,
  firstLine,
  restOfMessage,
  historyKindLabel,
  ignoreReasonLabel,
  locationText,
} from './finding-display.js';

describe('finding display', () => {
  it.each([
    ['One line', 'One line'],
    ['\n  \nFirst\nSecond', 'First'],
    ['<b>markup</b>\r\nmore', '<b>markup</b>'],
    ['', ''],
  ])('the first line of %j is %j', (text, line) => {
    expect(firstLine(text)).toBe(line);
  });

  it.each([
    ['One line', ''],
    ['First\n\nSecond\nThird  ', 'Second\nThird'],
    ['\n  Lead\nNext', 'Next'],
  ])('after the first line of %j comes %j', (text, rest) => {
    expect(restOfMessage(text)).toBe(rest);
  });

  it.each([
    [null, null],
    [{ path: null, startLine: 3 }, null],
    [{ path: 'src/a.ts' }, 'src/a.ts'],
    [{ path: 'src/a.ts', startLine: 12 }, 'src/a.ts:12'],
    [{ path: 'src/a.ts', startLine: 12, endLine: 12 }, 'src/a.ts:12'],
    [{ path: 'src/a.ts', startLine: 12, endLine: 14 }, 'src/a.ts:12-14'],
  ])('the location %j reads %j', (location, text) => {
    expect(locationText(location)).toBe(text);
  });

  it.each([
    ['main', 'main'],
    ['pull-request:7', 'Pull request #7'],
    [`commit:${'ab'.repeat(20)}`, 'Commit abababa'],
    ['pull-request:x', 'pull-request:x'],
    [null, null],
  ])('the branch %j reads %j', (branch, label) => {
    expect(branchLabel(branch)).toBe(label);
  });

  it('names states, reasons and history, unknown ones as they are', () => {
    expect(findingStateLabel({ state: 'open', ignored: null })).toBe('Open');
    expect(
      findingStateLabel({
        state: 'fixed',
        ignored: { reason: 'false_positive', note: null, at: null, by: null },
      }),
    ).toBe('Ignored');
    expect(ignoreReasonLabel('acceptable_risk')).toBe('Acceptable risk');
    expect(ignoreReasonLabel('wont_fix')).toBe('wont_fix');
    expect(ignoreReasonLabel(null)).toBeNull();
    expect(historyKindLabel('opened')).toBe('First seen');
    expect(historyKindLabel('transferred')).toBe('transferred');
  });
});
