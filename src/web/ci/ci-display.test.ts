import { describe, expect, it } from 'vitest';
import type { CiRun } from '../api/ci-job-schemas.js';
import { canCancel, canResume, countsText, doneCount, outcomeText, runSummaryText } from './ci-display.js';

const zero = { pending: 0, opened: 0, updated: 0, present: 0, committed: 0, skipped: 0, failed: 0 };
const run = (status: CiRun['status'], counts: Partial<CiRun['counts']>, total = 6): CiRun => ({
  id: 'r1',
  status,
  mode: 'pull-request',
  createdAt: '2025-01-01T00:00:00Z',
  startedAt: null,
  finishedAt: null,
  createdBy: null,
  total,
  counts: { ...zero, ...counts },
});

describe('bulk CI run display', () => {
  it.each([
    [{ opened: 3, present: 1, failed: 2 }, '3 pull requests opened, 1 already present, 2 failed'],
    [{ opened: 1, updated: 1 }, '1 pull request opened, 1 pull request updated'],
    [{ committed: 2, skipped: 1 }, '2 commits to the default branch, 1 skipped'],
    [{ pending: 4 }, '4 not started'],
    [{}, 'nothing done yet'],
  ])('counts %j read "%s"', (counts, text) => {
    expect(countsText(run('running', counts))).toBe(text);
  });

  it.each([
    [run('queued', { pending: 6 }), 'Queued: 0 of 6 repositories done so far.'],
    [
      run('running', { pending: 4, opened: 2 }),
      'Running: 2 of 6 repositories done. 2 pull requests opened, 4 not started.',
    ],
    [run('succeeded', { opened: 5, failed: 1 }), 'Finished: 5 pull requests opened, 1 failed.'],
    [
      run('cancelled', { pending: 5, opened: 1 }, 6),
      'Cancelled after 1 of 6 repositories: 1 pull request opened, 5 not started.',
    ],
    [
      run('failed', { opened: 1, pending: 0 }, 1),
      'Stopped with an error after 1 of 1 repository: 1 pull request opened.',
    ],
  ])('summarises %#', (value, text) => {
    expect(runSummaryText(value)).toBe(text);
  });

  it('counts as done every repository no longer pending', () => {
    expect(doneCount(run('running', { pending: 2, opened: 4 }))).toBe(4);
  });

  it.each([
    ['queued', {}, true, false],
    ['running', { failed: 1 }, true, false],
    ['succeeded', {}, false, false],
    ['succeeded', { failed: 1 }, false, true],
    ['cancelled', {}, false, true],
    ['failed', {}, false, true],
  ] as const)('a %s run with %j: cancel %s, resume %s', (status, counts, cancel, resume) => {
    const value = run(status, counts);
    expect(canCancel(value)).toBe(cancel);
    expect(canResume(value)).toBe(resume);
  });

  it.each([
    ['opened', 'gitlab-ci', 'Merge request opened'],
    ['unchanged', 'gitlab-ci', 'Merge request already up to date'],
    ['opened', 'github-actions', 'Pull request opened'],
    ['present', 'gitlab-ci', 'Already on the default branch'],
    ['updated', null, 'Pull request updated'],
  ] as const)('outcome %s on %s reads "%s"', (outcome, system, text) => {
    expect(outcomeText(outcome, system)).toBe(text);
  });
});
