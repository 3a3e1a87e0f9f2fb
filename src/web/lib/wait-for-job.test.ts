import { describe, expect, it } from 'vitest';
import type { Job } from '../api/schemas.js';
import { waitForJob } from './wait-for-job.js';

const job = (status: Job['status']): Job => ({
  id: 'job-1',
  kind: 'connection.sync',
  status,
  attempts: 1,
  lastError: status === 'failed' ? 'The token was refused.' : null,
  createdAt: '2026-01-01T00:00:00.000Z',
  finishedAt: null,
});

/** A job source answering from a list, and a sleep that records its waits instead of waiting. */
const fake = (...answers: Job['status'][]) => {
  const waits: number[] = [];
  let polls = 0;
  return {
    waits,
    polls: () => polls,
    fetchJob: async (id: string) => {
      expect(id).toBe('job-1');
      polls += 1;
      const next = answers.shift();
      if (!next) throw new Error('polled after the job finished');
      return job(next);
    },
    sleep: async (ms: number) => {
      waits.push(ms);
    },
  };
};

describe('waitForJob', () => {
  it('polls until the job succeeds, backing off to the last delay', async () => {
    const source = fake('queued', 'running', 'running', 'running', 'succeeded');
    const done = await waitForJob(job('queued'), source.fetchJob, {
      sleep: source.sleep,
      delaysMs: [10, 20, 40],
    });
    expect(done.status).toBe('succeeded');
    expect(source.waits).toEqual([10, 20, 40, 40, 40]);
  });

  it('returns a failed job with its error', async () => {
    const source = fake('failed');
    const done = await waitForJob(job('running'), source.fetchJob, { sleep: source.sleep });
    expect(done).toMatchObject({ status: 'failed', lastError: 'The token was refused.' });
  });

  it('does not poll a job that has finished already', async () => {
    const source = fake();
    expect((await waitForJob(job('cancelled'), source.fetchJob, { sleep: source.sleep })).status).toBe(
      'cancelled',
    );
    expect(source.polls()).toBe(0);
  });

  it('stops with an AbortError when aborted while waiting', async () => {
    const controller = new AbortController();
    const source = fake('running', 'running');
    const waiting = waitForJob(job('queued'), source.fetchJob, {
      signal: controller.signal,
      delaysMs: [60_000],
    });
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    expect(source.polls()).toBe(0);
  });
});
