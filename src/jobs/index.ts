export {
  DEFAULT_MAX_ATTEMPTS,
  cancelJob,
  connectionIdOf,
  enqueueJob,
  enqueueJobOnce,
  enqueueJobs,
  findJob,
  listJobs,
  pruneJobs,
  retryJob,
  type EnqueueJobInput,
  type Job,
  type JobFilter,
  type JobPage,
  type JobProgress,
  type JobScope,
  type JobStatus,
} from './jobs.js';
export {
  listSchedules,
  removeSchedule,
  scheduleEvery,
  type Schedule,
  type ScheduleInput,
} from './schedules.js';
export {
  JobLeaseLostError,
  WorkerStoppingError,
  createWorker,
  type JobContext,
  type JobHandler,
  type JobHandlers,
  type Worker,
  type WorkerOptions,
} from './worker.js';
export type { BackoffOptions } from './retry-policy.js';
export { readSafeError, safeErrorMessage, type SafeError } from './retry-policy.js';
export {
  createHousekeepingHandler,
  housekeepingEveryMs,
  housekeepingJobKind,
  pruneExpired,
} from './housekeeping.js';
