import { z } from 'zod';

/*
 * GitLab REST v4 answers, as far as scm-connect reads them. Unknown fields are allowed (zod objects strip
 * them) so that API additions never break a connection; numeric ids become strings at the edge.
 */

const id = z.union([z.number().int(), z.string().min(1)]).transform(String);

/** `GET /personal_access_tokens/self` (GitLab 15.5+). */
export const tokenSelfSchema = z.object({
  id,
  name: z.string().nullish(),
  scopes: z.array(z.string()).default([]),
  user_id: id.nullish(),
  /** `YYYY-MM-DD` or null (never expires). */
  expires_at: z.string().nullish(),
  active: z.boolean().nullish(),
  revoked: z.boolean().nullish(),
});
export type GitLabTokenSelf = z.output<typeof tokenSelfSchema>;

/** `GET /user`. */
export const userSchema = z.object({
  id,
  username: z.string().min(1),
  name: z.string().nullish(),
  bot: z.boolean().nullish(),
});
export type GitLabUser = z.output<typeof userSchema>;

/** `GET /version`. */
export const versionSchema = z.object({ version: z.string().min(1), revision: z.string().nullish() });

/** `GET /groups/:id`. */
export const groupSchema = z.object({
  id,
  name: z.string().min(1),
  path: z.string().min(1),
  full_path: z.string().min(1),
  full_name: z.string().nullish(),
  parent_id: id.nullish(),
  web_url: z.string().min(1),
});
export type GitLabGroup = z.output<typeof groupSchema>;

/** One entry of `GET /groups/:id/projects`. */
export const projectSchema = z.object({
  id,
  name: z.string().min(1),
  path: z.string().min(1),
  path_with_namespace: z.string().min(1),
  default_branch: z.string().nullish(),
  visibility: z.enum(['private', 'internal', 'public']).nullish(),
  archived: z.boolean().nullish(),
  empty_repo: z.boolean().nullish(),
  web_url: z.string().min(1),
  /** Set on forks (GitLab shows it when the token may read the source project). */
  forked_from_project: z.object({ id }).nullish(),
});
export type GitLabProject = z.output<typeof projectSchema>;

/** One entry of `GET /groups/:id/members/all`. */
export const memberSchema = z.object({
  id,
  username: z.string().min(1),
  name: z.string().nullish(),
  state: z.string().nullish(),
  access_level: z.number().int(),
  /** `awaiting`: held back until an Owner approves the seat (user cap, or a pending invitation); else `active`. */
  membership_state: z.string().nullish(),
});
export type GitLabMember = z.output<typeof memberSchema>;

/** GitLab's OAuth-style refusal (`401 invalid_token`, `403 insufficient_scope`); other bodies are `{message}`. */
export const refusalSchema = z.object({
  error: z.string().nullish(),
  error_description: z.string().nullish(),
  scope: z.string().nullish(),
  message: z.unknown().optional(),
});
export type GitLabRefusal = z.output<typeof refusalSchema>;

/** One entry of `GET /groups/:id/hooks`, and the answer of creating or editing one (the token is never returned). */
export const hookSchema = z.object({ id, url: z.string() });
export type GitLabHook = z.output<typeof hookSchema>;

/** `GET /projects/:id/repository/files/:file_path?ref=`: the file with its blob id, content base64-encoded. */
export const repositoryFileSchema = z.object({
  file_path: z.string(),
  size: z.number().int().nonnegative(),
  encoding: z.string(),
  content: z.string(),
  blob_id: z.string().min(1),
});
export type GitLabRepositoryFile = z.output<typeof repositoryFileSchema>;

/** `GET /projects/:id/repository/commits/:sha`, as far as it is read: that the commit is there. */
export const commitSchema = z.object({ id: z.string().min(1) });

/** `position` of a diff note (Discussions API), as far as it is read. */
export const notePositionSchema = z.object({
  new_path: z.string().nullish(),
  old_path: z.string().nullish(),
  new_line: z.number().int().nullish(),
  old_line: z.number().int().nullish(),
  head_sha: z.string().nullish(),
  line_range: z
    .object({
      start: z.object({ new_line: z.number().int().nullish(), line_code: z.string().nullish() }).nullish(),
      end: z.object({ new_line: z.number().int().nullish(), line_code: z.string().nullish() }).nullish(),
    })
    .nullish(),
});

/** A merge request note (Notes API, and each note of a discussion). */
export const noteSchema = z.object({
  id,
  type: z.string().nullish(),
  body: z.string(),
  author: z.object({ id, username: z.string() }),
  system: z.boolean().nullish(),
  position: notePositionSchema.nullish(),
  resolvable: z.boolean().nullish(),
  resolved: z.boolean().nullish(),
});
export type GitLabNote = z.output<typeof noteSchema>;

/** One entry of `GET /projects/:id/merge_requests/:iid/discussions`: the first note is the thread's root. */
export const discussionSchema = z.object({
  id: z.string().min(1),
  individual_note: z.boolean().nullish(),
  notes: z.array(noteSchema),
});
export type GitLabDiscussion = z.output<typeof discussionSchema>;

/** `GET /projects/:id/merge_requests/:iid`, as far as the diff needs it; `diff_refs` is null while GitLab prepares it. */
export const mergeRequestSchema = z.object({
  iid: z.number().int(),
  state: z.string(),
  web_url: z.string().nullish(),
  diff_refs: z
    .object({
      base_sha: z.string().nullish(),
      head_sha: z.string().nullish(),
      start_sha: z.string().nullish(),
    })
    .nullish(),
});
export type GitLabMergeRequest = z.output<typeof mergeRequestSchema>;

/** One entry of `GET /projects/:id/merge_requests/:iid/diffs` (GitLab 15.7+); `diff` is empty for a file too large to show. */
export const mergeRequestDiffSchema = z.object({
  old_path: z.string(),
  new_path: z.string(),
  diff: z.string().nullish(),
  new_file: z.boolean().nullish(),
  renamed_file: z.boolean().nullish(),
  deleted_file: z.boolean().nullish(),
  too_large: z.boolean().nullish(),
  collapsed: z.boolean().nullish(),
});
export type GitLabMergeRequestDiff = z.output<typeof mergeRequestDiffSchema>;

/** `POST /projects/:id/statuses/:sha`: the commit status, as far as it is read. */
export const commitStatusSchema = z.object({ id, status: z.string(), name: z.string().nullish() });

/** A refusal's `{"message": …}` body: a string, or a map of field → messages. */
export const messageSchema = z.object({ message: z.unknown().optional() });

/** `GET /projects/:id/repository/branches/:branch`: the head commit, the protection, whether the token may push. */
export const branchSchema = z.object({
  name: z.string().min(1),
  commit: z.object({ id: z.string().min(1) }),
  protected: z.boolean().nullish(),
  developers_can_push: z.boolean().nullish(),
  can_push: z.boolean().nullish(),
});
export type GitLabBranch = z.output<typeof branchSchema>;

/** `GET /projects/:id`, as far as CI files read it: emptiness, default branch, the token user's roles. */
export const projectDetailSchema = projectSchema.extend({
  permissions: z
    .object({
      project_access: z.object({ access_level: z.number().int() }).nullish(),
      group_access: z.object({ access_level: z.number().int() }).nullish(),
    })
    .nullish(),
});
export type GitLabProjectDetail = z.output<typeof projectDetailSchema>;

/** `POST /projects/:id/repository/commits`: the commit made. */
export const createdCommitSchema = z.object({ id: z.string().min(1), web_url: z.string().nullish() });
export type GitLabCreatedCommit = z.output<typeof createdCommitSchema>;

/** `GET /projects/:id/variables/:key` and the answer of creating or updating one; the value is never read. */
export const variableSchema = z.object({
  key: z.string().min(1),
  masked: z.boolean().nullish(),
  protected: z.boolean().nullish(),
});
