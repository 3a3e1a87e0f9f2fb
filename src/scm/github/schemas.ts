import { z } from 'zod';
import { ScmError } from '../errors.js';
import { integerId, type GitHubAccountRef } from './app-credentials.js';

/*
 * What scm-connect reads of GitHub's answers. Unknown fields are allowed, so API additions do not break us;
 * ids are kept as they came and turned into integer strings by `idOf`.
 */

/** Octokit parses integers past 2^53 as bigint, so they arrive whole. */
const rawId = z.union([z.number(), z.bigint(), z.string()]);

export const accountSchema = z.object({ id: rawId, login: z.string().min(1), type: z.string() });

export const installationSchema = z.object({
  id: rawId,
  app_id: rawId,
  account: accountSchema.nullable(),
  repository_selection: z.enum(['all', 'selected']),
  suspended_at: z.string().nullable().optional(),
  permissions: z.record(z.string(), z.string()),
  events: z.array(z.string()),
});

export const repositorySchema = z.object({
  id: rawId,
  name: z.string(),
  full_name: z.string(),
  private: z.boolean(),
  visibility: z.string().optional(),
  archived: z.boolean().optional(),
  fork: z.boolean().optional(),
  default_branch: z.string().optional(),
  size: z.number().optional(),
  html_url: z.string(),
  owner: z.object({ id: rawId, login: z.string().min(1) }).optional(),
});

export const userSchema = z.object({
  id: rawId,
  login: z.string().min(1),
  name: z.string().nullable().optional(),
});

export const issueCommentSchema = z.object({
  id: rawId,
  body: z.string().optional(),
  html_url: z.string().optional(),
  user: userSchema.nullable(),
});

export const reviewCommentSchema = issueCommentSchema.extend({
  pull_request_review_id: rawId.nullable().optional(),
  path: z.string(),
  line: z.number().nullable().optional(),
  original_line: z.number().nullable().optional(),
  commit_id: z.string(),
  original_commit_id: z.string().optional(),
  in_reply_to_id: rawId.optional(),
  start_line: z.number().nullable().optional(),
});

/** `GET /repos/{owner}/{repo}/pulls/{pull_number}`: what a diff and a comment need of a pull request. */
export const pullRequestSchema = z.object({
  number: z.number().int().positive(),
  state: z.string(),
  merged: z.boolean().nullish(),
  merged_at: z.string().nullish(),
  head: z.object({ sha: z.string().min(1) }),
  base: z.object({ sha: z.string().min(1) }),
});

/** One entry of `GET /repos/{owner}/{repo}/pulls/{pull_number}/files`; `patch` is absent for binary or large files. */
export const pullFileSchema = z.object({
  filename: z.string().min(1),
  status: z.string(),
  patch: z.string().optional(),
});

/** `POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews`. */
export const reviewSchema = z.object({ id: rawId });

/** A check run (`POST /repos/{owner}/{repo}/check-runs`, and the items of a commit's check runs). */
export const checkRunSchema = z.object({
  id: rawId,
  name: z.string(),
  head_sha: z.string(),
  status: z.string(),
  conclusion: z.string().nullable().optional(),
  details_url: z.string().nullable().optional(),
  output: z.object({ title: z.string().nullable().optional(), summary: z.string().nullable().optional() }),
  app: z.object({ id: rawId }).nullable().optional(),
});

/** `GET /repos/{owner}/{repo}/commits/{ref}/check-runs`. */
export const checkRunListSchema = z.object({
  total_count: z.number().int().nonnegative(),
  check_runs: z.array(checkRunSchema),
});

/** `GET /repos/{owner}/{repo}/collaborators/{username}/permission`. */
export const collaboratorPermissionSchema = z.object({
  permission: z.string(),
  role_name: z.string().optional(),
  user: z.object({ id: rawId, login: z.string() }).nullable().optional(),
});

/** The GraphQL `reviewThreads` page of a pull request (the fields scm-connect asks for). */
export const reviewThreadsSchema = z.object({
  repository: z
    .object({
      pullRequest: z
        .object({
          reviewThreads: z.object({
            pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
            nodes: z.array(
              z
                .object({
                  id: z.string().min(1),
                  isResolved: z.boolean(),
                  comments: z.object({
                    nodes: z.array(z.object({ databaseId: z.number().int().nullable() }).nullable()),
                  }),
                })
                .nullable(),
            ),
          }),
        })
        .nullable(),
    })
    .nullable(),
});

export type ReviewThreadsPage = z.infer<typeof reviewThreadsSchema>;

/** `GET /app`: the app the JWT authenticates as. */
export const appSchema = z.object({
  id: rawId,
  slug: z.string().min(1).optional(),
  name: z.string().optional(),
  owner: accountSchema.nullable().optional(),
  permissions: z.record(z.string(), z.string().optional()).optional(),
  events: z.array(z.string()).optional(),
});

/** `GET /app/hook/config`: the app's one webhook (`secret` comes masked, when set). */
export const hookConfigSchema = z.object({
  url: z.string().optional(),
  content_type: z.string().optional(),
  insecure_ssl: z.union([z.string(), z.number()]).optional(),
});

/** `GET /repos/{owner}/{repo}/git/ref/{ref}` and `POST …/git/refs`. */
export const refSchema = z.object({ ref: z.string(), object: z.object({ sha: z.string().min(1) }) });

/** `GET /repos/{owner}/{repo}/contents/{path}` for a file (a directory answers with an array). */
export const contentFileSchema = z.object({ type: z.string(), sha: z.string().min(1), path: z.string() });

/**
 * `GET /repos/{owner}/{repo}/contents/{path}` with the `object` media type: one object for a file, symlink,
 * submodule or directory (`entries`). For a file over 1 MB `content` is `""` and `encoding` is `"none"`.
 */
export const contentObjectSchema = z.object({
  type: z.string(),
  size: z.number().int().nonnegative(),
  sha: z.string().min(1),
  path: z.string(),
  content: z.string().optional(),
  encoding: z.string().optional(),
});

/** `GET /repos/{owner}/{repo}/git/blobs/{file_sha}`: the content always base64. */
export const blobSchema = z.object({
  sha: z.string().min(1),
  size: z.number().int().nonnegative().nullish(),
  content: z.string(),
  encoding: z.string(),
});

/** One entry of `GET /repos/{owner}/{repo}/pulls`, and the answer of `POST …/pulls`. */
export const pullSummarySchema = z.object({ number: z.number().int().positive(), html_url: z.string() });

/** `GET /installation/repositories?per_page=1`: only the envelope is read. */
export const repositoryCountSchema = z.object({
  total_count: z.number().int().nonnegative(),
  repository_selection: z.string().optional(),
});

export const deliverySchema = z.object({
  id: rawId,
  guid: z.string(),
  delivered_at: z.string(),
  redelivery: z.boolean(),
  status: z.string(),
  status_code: z.number(),
  event: z.string(),
});

export type GitHubDelivery = z.infer<typeof deliverySchema>;

const unreadable = (what: string) =>
  new ScmError('invalid', `GitHub answered with an unreadable ${what}.`, {
    code: 'upstream_invalid_response',
  });

/** Parses `value` with `schema`, or rejects with ScmError `invalid` naming `what`. */
export function parseGitHub<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw unreadable(what);
  return parsed.data;
}

/** An id GitHub sent, as an integer string; a missing or non-integer id is an error, never coerced. */
export function idOf(value: unknown, what: string): string {
  const id = integerId(value);
  if (id === undefined) throw unreadable(`${what} id`);
  return id;
}

export function accountRef(account: z.infer<typeof accountSchema>): GitHubAccountRef {
  if (account.type !== 'Organization' && account.type !== 'User') throw unreadable('account type');
  return { id: idOf(account.id, 'account'), login: account.login, type: account.type };
}

/** `owner/repo` of a repository reference, split; refuses anything else. */
export function ownerAndRepo(fullName: string): { owner: string; repo: string } {
  const parts = fullName.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new ScmError('invalid', `\`${fullName.slice(0, 200)}\` is not a GitHub \`owner/repo\` name.`, {
      code: 'invalid_repository',
    });
  }
  return { owner: parts[0], repo: parts[1] };
}
