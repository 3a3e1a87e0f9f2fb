import { z } from 'zod/mini';
import type { Http, RequestOptions } from './http.js';

/** An OAuth application on gitlab.com or a self-managed GitLab that Sign in with GitLab uses; never its secret. */
export const gitLabOAuthAppSchema = z.object({
  id: z.string(),
  webUrl: z.string(),
  applicationId: z.string(),
  /** What to paste as the application's redirect URI in GitLab. */
  callbackUrl: z.string(),
  hasCaCertificate: z.boolean(),
  createdAt: z.string(),
});
export type GitLabOAuthApp = z.infer<typeof gitLabOAuthAppSchema>;

const listSchema = z.object({ items: z.array(gitLabOAuthAppSchema) });

export interface GitLabOAuthAppInput {
  readonly webUrl: string;
  readonly applicationId: string;
  /** Required when adding; left out of a change to keep the stored one. */
  readonly secret?: string;
  /** Left out (or null) for none: a change without it removes the stored one. */
  readonly caCertificate?: string | null;
}

/** The instance's GitLab sign-in applications (instance admins only). */
export interface GitLabOAuthAppsApi {
  listGitLabOAuthApps(options?: RequestOptions): Promise<GitLabOAuthApp[]>;
  addGitLabOAuthApp(input: GitLabOAuthAppInput): Promise<GitLabOAuthApp>;
  changeGitLabOAuthApp(id: string, input: GitLabOAuthAppInput): Promise<GitLabOAuthApp>;
  removeGitLabOAuthApp(id: string): Promise<void>;
}

const appsPath = '/api/v1/instance/gitlab-oauth-apps';

export const createGitLabOAuthAppsApi = (http: Http): GitLabOAuthAppsApi => ({
  listGitLabOAuthApps: async (options) =>
    (await http.request('GET', appsPath, listSchema, undefined, options)).items,
  addGitLabOAuthApp: (input) => http.request('POST', appsPath, gitLabOAuthAppSchema, input),
  changeGitLabOAuthApp: (id, input) =>
    http.request('PUT', `${appsPath}/${encodeURIComponent(id)}`, gitLabOAuthAppSchema, input),
  removeGitLabOAuthApp: (id) => http.requestEmpty('DELETE', `${appsPath}/${encodeURIComponent(id)}`, {}),
});
