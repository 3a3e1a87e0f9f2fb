import type { Http, RequestOptions } from './http.js';
import {
  ciFileReviewSchema,
  ciJobSettingsSchema,
  ciReviewSchema,
  ciRunListSchema,
  ciRunSchema,
  ciStepPageSchema,
  type CiFileReview,
  type CiJobSettings,
  type CiMode,
  type CiReview,
  type CiRun,
  type CiStepPage,
  type CiStepStatus,
} from './ci-job-schemas.js';

/** The filters of "every repository that matches", as the API takes them. */
export interface CiRepositoryFilter {
  readonly connectionId?: string;
  readonly q?: string;
  readonly tag?: readonly string[];
  readonly archived?: 'true' | 'false';
  readonly excluded?: 'true' | 'false';
}

/** Which repositories a review or run is about: picked ones (1 to 1000), or every one the filters match. */
export type CiTargets =
  { readonly repositoryIds: readonly string[] } | { readonly all: true; readonly filter: CiRepositoryFilter };

/** What Settings > CI job saves (`updatedAt` is the server's). */
export type CiJobSettingsInput = Omit<CiJobSettings, 'updatedAt'>;

export interface CiStepQuery {
  readonly status?: CiStepStatus;
  readonly limit?: number;
  readonly cursor?: string;
}

/** The calls of the bulk CI job pages: the account's template, review, runs and their repositories. */
export interface CiJobsApi {
  ciSettings(accountId: string, options?: RequestOptions): Promise<CiJobSettings>;
  /** Admin only; answers what is now stored. A refused field comes back as a 400 naming it. */
  saveCiSettings(accountId: string, settings: CiJobSettingsInput): Promise<CiJobSettings>;
  reviewCiJob(accountId: string, targets: CiTargets, options?: RequestOptions): Promise<CiReview>;
  /** The file of one repository as it is and as it would be; 409 `repository_not_eligible` for a skipped one. */
  reviewCiFile(accountId: string, repositoryId: string, options?: RequestOptions): Promise<CiFileReview>;
  startCiRun(accountId: string, targets: CiTargets, mode: CiMode): Promise<CiRun>;
  /** Newest first, at most 50. */
  listCiRuns(accountId: string, options?: RequestOptions): Promise<CiRun[]>;
  ciRun(accountId: string, runId: string, options?: RequestOptions): Promise<CiRun>;
  ciRunRepositories(
    accountId: string,
    runId: string,
    query: CiStepQuery,
    options?: RequestOptions,
  ): Promise<CiStepPage>;
  cancelCiRun(accountId: string, runId: string): Promise<CiRun>;
  resumeCiRun(accountId: string, runId: string): Promise<CiRun>;
}

const seg = encodeURIComponent;
const accountPath = (accountId: string) => `/api/v1/accounts/${seg(accountId)}`;
const runsPath = (accountId: string) => `${accountPath(accountId)}/ci-jobs`;
const runPath = (accountId: string, runId: string) => `${runsPath(accountId)}/${seg(runId)}`;

/** The address of a run's repositories as CSV: a plain link, sent with the session cookie. */
export const ciRunCsvPath = (accountId: string, runId: string): string =>
  `${runPath(accountId, runId)}/repositories.csv`;

/** The query string of a run's repository listing; empty parts are left out. */
export const ciStepQueryString = (query: CiStepQuery): string => {
  const params = new URLSearchParams();
  if (query.status) params.set('status', query.status);
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  if (query.cursor) params.set('cursor', query.cursor);
  const text = params.toString();
  return text ? `?${text}` : '';
};

export const createCiJobsApi = (http: Http): CiJobsApi => ({
  ciSettings: (accountId, options) =>
    http.request('GET', `${accountPath(accountId)}/ci-settings`, ciJobSettingsSchema, undefined, options),

  saveCiSettings: (accountId, settings) =>
    http.request('PUT', `${accountPath(accountId)}/ci-settings`, ciJobSettingsSchema, settings),

  reviewCiJob: (accountId, targets, options) =>
    http.request('POST', `${runsPath(accountId)}/review`, ciReviewSchema, targets, options),

  reviewCiFile: (accountId, repositoryId, options) =>
    http.request(
      'GET',
      `${runsPath(accountId)}/review/${seg(repositoryId)}`,
      ciFileReviewSchema,
      undefined,
      options,
    ),

  startCiRun: (accountId, targets, mode) =>
    http.request('POST', runsPath(accountId), ciRunSchema, { ...targets, mode }),

  listCiRuns: async (accountId, options) =>
    (await http.request('GET', runsPath(accountId), ciRunListSchema, undefined, options)).items,

  ciRun: (accountId, runId, options) =>
    http.request('GET', runPath(accountId, runId), ciRunSchema, undefined, options),

  ciRunRepositories: (accountId, runId, query, options) =>
    http.request(
      'GET',
      `${runPath(accountId, runId)}/repositories${ciStepQueryString(query)}`,
      ciStepPageSchema,
      undefined,
      options,
    ),

  cancelCiRun: (accountId, runId) =>
    http.request('POST', `${runPath(accountId, runId)}/cancel`, ciRunSchema, {}),

  resumeCiRun: (accountId, runId) =>
    http.request('POST', `${runPath(accountId, runId)}/resume`, ciRunSchema, {}),
});
