import { z } from 'zod/mini';
import type { Http, RequestOptions } from './http.js';

export const gitHubAppSchema = z.object({
  configured: z.boolean(),
  source: z.nullable(z.enum(['environment', 'registered'])),
  appId: z.nullable(z.string()),
  slug: z.nullable(z.string()),
  name: z.nullable(z.string()),
  owner: z.nullable(z.string()),
  htmlUrl: z.nullable(z.string()),
  installUrl: z.nullable(z.string()),
  permissions: z.nullable(z.record(z.string(), z.string())),
  events: z.nullable(z.array(z.string())),
  createdAt: z.nullable(z.string()),
  canCreate: z.boolean(),
});
export type GitHubApp = z.infer<typeof gitHubAppSchema>;

const startSchema = z.object({ url: z.string() });

/** The instance's GitHub App: what it is, and Create the GitHub App (instance admins). */
export interface GitHubAppApi {
  gitHubApp(options?: RequestOptions): Promise<GitHubApp>;
  /** Answers scm-connect's hand-off page, which posts the manifest to GitHub. */
  startGitHubAppManifest(organization?: string): Promise<{ url: string }>;
}

export const createGitHubAppApi = (http: Http): GitHubAppApi => ({
  gitHubApp: (options) => http.request('GET', '/api/v1/github-app', gitHubAppSchema, undefined, options),
  startGitHubAppManifest: (organization) =>
    http.request('POST', '/api/v1/github-app/manifest', startSchema, organization ? { organization } : {}),
});
