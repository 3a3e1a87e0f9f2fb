import { z } from 'zod';

/*
 * Bitbucket Cloud API 2.0 answers, as far as scm-connect reads them. Unknown fields are allowed; ids are the
 * braced UUIDs Bitbucket uses (`{…}`), kept as strings.
 */

const link = z.object({ href: z.string() }).nullish();

/** `GET /2.0/workspaces/{workspace}`. */
export const workspaceSchema = z.object({
  uuid: z.string().min(1),
  slug: z.string().min(1),
  name: z.string().nullish(),
  links: z.object({ html: link }).nullish(),
});
export type BitbucketWorkspace = z.output<typeof workspaceSchema>;

/**
 * A user as Bitbucket shows it. Only `uuid` is sure: `username` is gone (removed for GDPR in 2019), and a member
 * may come without `nickname` or `account_id`.
 */
export const accountSchema = z.object({
  uuid: z.string().min(1),
  account_id: z.string().nullish(),
  nickname: z.string().nullish(),
  display_name: z.string().nullish(),
});
export type BitbucketAccount = z.output<typeof accountSchema>;

/** One entry of `GET /2.0/repositories/{workspace}`. */
export const repositorySchema = z.object({
  uuid: z.string().min(1),
  slug: z.string().min(1).nullish(),
  name: z.string().min(1),
  full_name: z.string().min(1),
  is_private: z.boolean().nullish(),
  mainbranch: z.object({ name: z.string().min(1) }).nullish(),
  /** Present for a fork: the repository it was forked from. */
  parent: z.object({ full_name: z.string().nullish() }).nullish(),
  links: z.object({ html: link }).nullish(),
});
export type BitbucketRepository = z.output<typeof repositorySchema>;

/**
 * One entry of `GET /2.0/workspaces/{workspace}/members`, `…/permissions` or
 * `GET /2.0/user/workspaces/{workspace}/permission` (the last two have `permission`).
 */
export const membershipSchema = z.object({
  permission: z.string().nullish(),
  user: accountSchema,
});
export type BitbucketMembership = z.output<typeof membershipSchema>;

/** `webhook_subscription`: one entry of `GET /2.0/workspaces/{workspace}/hooks` and the answer to create/update. */
export const hookSchema = z.object({
  uuid: z.string().min(1),
  url: z.string(),
  events: z.array(z.string()).nullish(),
  active: z.boolean().nullish(),
});
export type BitbucketHook = z.output<typeof hookSchema>;

/** A collection page, for the size a one-item probe reports. */
export const pageSchema = z.object({ size: z.number().int().nullish() });

/** `{type: "error", error: {message, detail}}`; a scope refusal may name `granted` / `required` in `detail`. */
export const errorSchema = z.object({
  error: z
    .object({
      message: z.string().nullish(),
      detail: z
        .union([
          z.object({ granted: z.array(z.string()).nullish(), required: z.array(z.string()).nullish() }),
          z.unknown(),
        ])
        .nullish(),
    })
    .nullish(),
});
export type BitbucketErrorBody = z.output<typeof errorSchema>;

/**
 * `GET /2.0/repositories/{workspace}/{repo_slug}/src/{commit}/{path}?format=meta`: a `commit_file` (with
 * `size` and `attributes`: `link`, `executable`, `subrepository`, `binary`, `lfs`) or a `commit_directory`.
 */
export const sourceMetaSchema = z.object({
  type: z.string(),
  path: z.string().nullish(),
  size: z.number().int().nonnegative().nullish(),
  attributes: z
    .union([z.array(z.string()), z.string()])
    .nullish()
    .transform((value) => (value === null || value === undefined ? [] : [value].flat())),
});
export type BitbucketSourceMeta = z.output<typeof sourceMetaSchema>;

/** `GET /2.0/repositories/{workspace}/{repo_slug}/commit/{commit}`, as far as it is read. */
export const commitSchema = z.object({ hash: z.string().min(1) });

/**
 * `pullrequest_comment`, as "List comments on a pull request" and "Create a comment" answer it: `inline` for a
 * comment on a line (`to` new side, `from` old side, `start_to` the first line of a range), `parent` for a reply,
 * `resolution` once its thread is resolved, `deleted` for a deleted one (still listed).
 */
export const commentSchema = z.object({
  id: z.number().int(),
  content: z.object({ raw: z.string().nullish() }).nullish(),
  user: accountSchema.nullish(),
  deleted: z.boolean().nullish(),
  pending: z.boolean().nullish(),
  inline: z
    .object({
      path: z.string(),
      to: z.number().int().nullish(),
      from: z.number().int().nullish(),
      start_to: z.number().int().nullish(),
    })
    .nullish(),
  parent: z.object({ id: z.number().int() }).nullish(),
  resolution: z.object({ type: z.string().nullish() }).nullish(),
  links: z.object({ html: link }).nullish(),
});
export type BitbucketComment = z.output<typeof commentSchema>;

/** `pullrequest`, as far as the diff and the build status read it. */
export const pullRequestSchema = z.object({
  id: z.number().int(),
  state: z.enum(['OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED']),
  source: z.object({
    branch: z.object({ name: z.string() }).nullish(),
    commit: z.object({ hash: z.string().min(7) }).nullish(),
  }),
  destination: z.object({
    branch: z.object({ name: z.string() }).nullish(),
    commit: z.object({ hash: z.string().min(7) }).nullish(),
  }),
});
export type BitbucketPullRequest = z.output<typeof pullRequestSchema>;

/** `commitstatus`, the answer to "Create a build status for a commit". */
export const commitStatusSchema = z.object({ key: z.string(), state: z.string() });

/** One entry of "List a repository permissions for a workspace": a user's effective permission. */
export const repositoryPermissionSchema = z.object({
  permission: z.string(),
  user: accountSchema.partial({ uuid: true }).nullish(),
});
