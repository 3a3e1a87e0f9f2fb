import { z } from 'zod';
import { ScmError } from '../errors.js';
import { integerId, type GitHubAccountRef } from './app-credentials.js';

/*
 * What scm-connect reads of GitHub's answers. Unknown fields are allowed, so API additions do not break us;
 * ids are kept as they came and turned into integer strings by `idOf`.
 */

const rawId = z.union([z.number(), z.string()]);

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
  default_branch: z.string().optional(),
  size: z.number().optional(),
  html_url: z.string(),
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
