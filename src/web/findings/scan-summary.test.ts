import { describe, expect, it } from 'vitest';
import { summaryView } from './scan-summary.js';

describe('summaryView', () => {
  it('lists the counts of a processed scan and its severities, most severe first', () => {
    const view = summaryView(
      {
        results: 12,
        open: 9,
        new: 3,
        reopened: 1,
        fixed: 2,
        removed: 0,
        newInPullRequest: 2,
        bySeverity: { low: 1, critical: 2, high: 0, medium: 6, info: 0 },
        branch: 'main',
        runs: [],
      },
      false,
    );
    expect(view.facts.map((fact) => `${fact.label}: ${fact.value}`)).toEqual([
      'Results in the log: 12',
      'Open findings it reported: 9',
      'New: 3',
      'Reopened: 1',
      'Fixed: 2',
      'Removed: 0',
    ]);
    expect(view.bySeverity).toEqual([
      { severity: 'critical', count: 2 },
      { severity: 'medium', count: 6 },
      { severity: 'low', count: 1 },
    ]);
    expect(summaryView({ newInPullRequest: 2 }, true).facts).toEqual([
      { label: 'New in this pull request', value: 2 },
    ]);
  });

  it.each([null, undefined, 'text', 42, [1, 2], { results: 'many', bySeverity: 'x' }])(
    'shows nothing it cannot read from %j',
    (summary) => {
      const view = summaryView(summary, false);
      expect(view.bySeverity).toEqual([]);
      expect(view.facts.every((fact) => typeof fact.value === 'number')).toBe(true);
    },
  );
});
