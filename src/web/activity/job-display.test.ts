import { describe, expect, it } from 'vitest';
import type { JobSummary } from '../api/jobs-client.js';
import { isActiveJob, jobKindLabel, mergeFirstPage, progressText } from './job-display.js';

const job = (id: string, createdAt: string, extra: Partial<JobSummary> = {}): JobSummary => ({
  id,
  kind: 'connection.sync',
  status: 'queued',
  attempts: 0,
  createdAt,
  ...extra,
});

describe('job display', () => {
  it('names known kinds and shows unknown ones as they are', () => {
    expect(jobKindLabel('connection.sync')).toBe('Repository sync');
    expect(jobKindLabel('bulk.ci')).toBe('bulk.ci');
  });

  it.each([
    [{ status: 'running', progress: { done: 1500, total: 2000 } }, '1,500 of 2,000'],
    [{ status: 'running', progress: { done: 1500, total: null } }, '1,500 so far'],
    [{ status: 'succeeded', progress: { done: 2000, total: null } }, '2,000'],
    [{ status: 'queued', progress: null }, null],
  ] as const)('progress of %j reads %j', (fields, text) => {
    expect(progressText(fields)).toBe(text);
  });

  it('polls only while a job is queued or running', () => {
    expect(
      ['queued', 'running', 'succeeded', 'failed', 'cancelled'].map((status) =>
        isActiveJob({ status: status as JobSummary['status'] }),
      ),
    ).toEqual([true, true, false, false, false]);
  });

  it('merges a fresh first page over the list, keeping the older pages loaded', () => {
    const shown = [job('c', '2030-01-03'), job('b', '2030-01-02'), job('a', '2030-01-01')];
    const page = [job('d', '2030-01-04'), job('c', '2030-01-03', { status: 'running' })];
    const merged = mergeFirstPage(shown, page, [job('a', '2030-01-01', { status: 'failed' })]);
    expect(merged.map((item) => [item.id, item.status])).toEqual([
      ['d', 'queued'],
      ['c', 'running'],
      ['b', 'queued'],
      ['a', 'failed'],
    ]);
  });
});
