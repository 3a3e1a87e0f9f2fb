import { z } from 'zod/mini';
import type { Http, RequestOptions } from './http.js';

export const jobStatuses = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof jobStatuses)[number];

/** A job as the Activity page lists it (`GET …/jobs`). */
export const jobSummarySchema = z.object({
  id: z.string(),
  kind: z.string(),
  connectionId: z.nullish(z.string()),
  status: z.enum(jobStatuses),
  progress: z.nullish(z.object({ done: z.number(), total: z.nullish(z.number()) })),
  attempts: z.number(),
  maxAttempts: z.optional(z.number()),
  runAt: z.nullish(z.string()),
  createdAt: z.string(),
  startedAt: z.nullish(z.string()),
  finishedAt: z.nullish(z.string()),
  lastError: z.nullish(z.string()),
  error: z.nullish(z.object({ message: z.string(), fix: z.nullish(z.string()) })),
});
export type JobSummary = z.infer<typeof jobSummarySchema>;

export const jobPageSchema = z.object({
  items: z.array(jobSummarySchema),
  nextCursor: z.nullish(z.string()),
});
export type JobPage = z.infer<typeof jobPageSchema>;

export interface JobQuery {
  readonly kind?: string;
  readonly connectionId?: string;
  readonly status?: JobStatus;
  readonly limit?: number;
  readonly cursor?: string;
}

/** The calls of the Activity page: the account's jobs, and retry / cancel for admins. */
export interface JobsApi {
  listJobs(accountId: string, query: JobQuery, options?: RequestOptions): Promise<JobPage>;
  getJobSummary(accountId: string, jobId: string, options?: RequestOptions): Promise<JobSummary>;
  retryJob(accountId: string, jobId: string): Promise<JobSummary>;
  cancelJob(accountId: string, jobId: string): Promise<JobSummary>;
}

const seg = encodeURIComponent;
const jobsPath = (accountId: string) => `/api/v1/accounts/${seg(accountId)}/jobs`;

/** The query string of a job listing; empty filters are left out. */
export const jobQueryString = (query: JobQuery): string => {
  const params = new URLSearchParams();
  if (query.kind) params.set('kind', query.kind);
  if (query.connectionId) params.set('connectionId', query.connectionId);
  if (query.status) params.set('status', query.status);
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  if (query.cursor) params.set('cursor', query.cursor);
  const text = params.toString();
  return text ? `?${text}` : '';
};

export const createJobsApi = (http: Http): JobsApi => ({
  listJobs: (accountId, query, options) =>
    http.request('GET', `${jobsPath(accountId)}${jobQueryString(query)}`, jobPageSchema, undefined, options),

  getJobSummary: (accountId, jobId, options) =>
    http.request('GET', `${jobsPath(accountId)}/${seg(jobId)}`, jobSummarySchema, undefined, options),

  retryJob: (accountId, jobId) =>
    http.request('POST', `${jobsPath(accountId)}/${seg(jobId)}/retry`, jobSummarySchema, {}),

  cancelJob: (accountId, jobId) =>
    http.request('POST', `${jobsPath(accountId)}/${seg(jobId)}/cancel`, jobSummarySchema, {}),
});
