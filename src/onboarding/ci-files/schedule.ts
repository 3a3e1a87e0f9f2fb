import { createHash } from 'node:crypto';

/** The time of day (UTC) a repository's daily scan runs. */
export interface DailySchedule {
  readonly minute: number;
  readonly hour: number;
  /** `minute hour * * *`, five-field cron as GitHub Actions, GitLab and Azure Pipelines read it. */
  readonly cron: string;
}

/**
 * A daily time derived from the repository's id in its SCM, so that a thousand repositories onboarded together do
 * not all scan in the same minute, and the same repository gets the same time on every run.
 */
export function dailySchedule(externalId: string): DailySchedule {
  const number = createHash('sha256').update(externalId, 'utf8').digest().readUInt32BE(0);
  const minute = number % 60;
  const hour = Math.floor(number / 60) % 24;
  return { minute, hour, cron: `${minute} ${hour} * * *` };
}
