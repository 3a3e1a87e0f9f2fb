import { z } from 'zod/mini';
import { severities, type Severity } from './finding-schemas.js';
import type { Http, RequestOptions } from './http.js';

export const commentSettingsSchema = z.object({
  ruleThreshold: z.number(),
  blockingSeverities: z.array(z.enum(severities)),
});

/** An account's pull request comment settings. */
export interface CommentSettings {
  /** A rule firing more times than this in one pull request goes to the summary instead of inline. */
  readonly ruleThreshold: number;
  /** Severities whose open findings make the commit status fail. */
  readonly blockingSeverities: readonly Severity[];
}

export interface CommentSettingsApi {
  commentSettings(accountId: string, options?: RequestOptions): Promise<CommentSettings>;
  /** Admin only; answers what is now stored. */
  saveCommentSettings(accountId: string, settings: CommentSettings): Promise<CommentSettings>;
}

const settingsPath = (accountId: string) =>
  `/api/v1/accounts/${encodeURIComponent(accountId)}/comment-settings`;

export const createCommentSettingsApi = (http: Http): CommentSettingsApi => ({
  commentSettings: (accountId, options) =>
    http.request('GET', settingsPath(accountId), commentSettingsSchema, undefined, options),
  saveCommentSettings: (accountId, settings) =>
    http.request('PUT', settingsPath(accountId), commentSettingsSchema, settings),
});
