import { z } from 'zod';

/*
 * Bitbucket Data Center REST 1.0 answers, as far as scm-connect reads them. Unknown fields are allowed (zod
 * objects strip them) so that API additions never break a connection; numeric ids become strings at the edge.
 */

const id = z.union([z.number().int(), z.string().min(1)]).transform(String);

const links = z.object({ self: z.array(z.object({ href: z.string().min(1) })).nullish() }).nullish();

/** `GET /rest/api/1.0/application-properties` (no authentication needed). */
export const applicationPropertiesSchema = z.object({
  version: z.string().min(1),
  buildNumber: z.string().nullish(),
  displayName: z.string().nullish(),
});
export type BbdcApplicationProperties = z.output<typeof applicationPropertiesSchema>;

/** `RestProject`: `GET /rest/api/1.0/projects/{KEY}`. `type` is `NORMAL` or `PERSONAL`. */
export const projectSchema = z.object({
  id,
  key: z.string().min(1),
  name: z.string().min(1),
  public: z.boolean().nullish(),
  type: z.string().nullish(),
  links,
});
export type BbdcProject = z.output<typeof projectSchema>;

/**
 * `RestRepository`: one entry of `GET /rest/api/1.0/projects/{KEY}/repos`. It carries no default branch (the
 * reference marks `defaultBranch` write-only: it is accepted on create, never answered); `archived` exists
 * from 8.0 on.
 */
export const repositorySchema = z.object({
  id,
  slug: z.string().min(1),
  name: z.string().min(1),
  project: z.object({ key: z.string().min(1) }),
  public: z.boolean().nullish(),
  archived: z.boolean().nullish(),
  links,
});
export type BbdcRepository = z.output<typeof repositorySchema>;

/**
 * A repository's default branch: `RestMinimalRef` from `…/default-branch`, `RestBranch` from
 * `…/branches/default`; both name it in `id` (`refs/heads/main`) and `displayId` (`main`).
 */
export const defaultBranchSchema = z.object({ id: z.string().min(1), displayId: z.string().nullish() });

/** `RestApplicationUser`: `GET /rest/api/1.0/users/{userSlug}` and the `user` of permission entries. */
export const userSchema = z.object({
  id,
  name: z.string().min(1),
  slug: z.string().nullish(),
  displayName: z.string().nullish(),
  /** False for a deactivated account, which keeps its grants but cannot sign in. */
  active: z.boolean().nullish(),
});
export type BbdcUser = z.output<typeof userSchema>;

/** One entry of `GET /rest/api/1.0/projects/{KEY}/permissions/users`. */
export const userPermissionSchema = z.object({
  user: userSchema,
  /** `PROJECT_READ`, `PROJECT_WRITE` or `PROJECT_ADMIN` (the enum lists more). */
  permission: z.string().min(1),
});
export type BbdcUserPermission = z.output<typeof userPermissionSchema>;

/** `RestWebhook`: one entry of `GET /rest/api/1.0/projects/{KEY}/webhooks` and the answer to create/update. */
export const webhookSchema = z.object({
  id,
  name: z.string().nullish(),
  url: z.string(),
  events: z.array(z.string()).nullish(),
  active: z.boolean().nullish(),
});
export type BbdcWebhook = z.output<typeof webhookSchema>;

/** `RestErrors`: `{"errors":[{"context":null,"message":"…","exceptionName":"…"}]}`. */
export const errorsSchema = z.object({
  errors: z
    .array(
      z.object({
        message: z.string().nullish(),
        exceptionName: z.string().nullish(),
        context: z.string().nullish(),
      }),
    )
    .min(1),
});

/** `GET …/browse/{path}?at=&type=true`: what the path is at that commit. */
export const pathTypeSchema = z.object({ type: z.string() });

/** `GET …/commits/{commitId}` (`RestCommit`), as far as it is read: that the commit is there. */
export const commitSchema = z.object({ id: z.string().min(1) });

// ---------------------------------------------------------------------------------------------------------------
// Pull requests, comments, diffs (Data Center REST reference 9.2: RestPullRequest, RestComment, RestDiff)

/** The author of a comment or the actor of an event (`RestApplicationUser`, as far as comments read it). */
export const commentUserSchema = z.object({ id, name: z.string().min(1), slug: z.string().nullish() });

/** `RestCommentThreadDiffAnchor`: where an inline comment sits; `line` absent for a file comment. */
export const anchorSchema = z.object({
  path: z.union([z.string(), z.object({ toString: z.string() }).transform((p) => p.toString)]),
  srcPath: z.union([z.string(), z.object({ toString: z.string() }).transform((p) => p.toString)]).nullish(),
  line: z.number().int().nullish(),
  lineType: z.string().nullish(),
  fileType: z.string().nullish(),
  fromHash: z.string().nullish(),
  toHash: z.string().nullish(),
});
export type BbdcAnchor = z.output<typeof anchorSchema>;

export interface BbdcComment {
  readonly id: string;
  readonly version: number;
  readonly text: string;
  readonly author: z.output<typeof commentUserSchema>;
  readonly createdDate?: number | null | undefined;
  readonly anchor?: BbdcAnchor | null | undefined;
  /** Replies, each with its own replies. */
  readonly comments: readonly BbdcComment[];
  readonly threadResolved?: boolean | null | undefined;
  readonly state?: string | null | undefined;
}

/** `RestComment`; replies nest under `comments`. */
export const commentSchema: z.ZodType<BbdcComment> = z.lazy(() =>
  z.object({
    id,
    version: z.number().int(),
    text: z.string(),
    author: commentUserSchema,
    createdDate: z.number().nullish(),
    anchor: anchorSchema.nullish(),
    comments: z
      .array(commentSchema)
      .nullish()
      .transform((replies) => replies ?? []),
    threadResolved: z.boolean().nullish(),
    state: z.string().nullish(),
  }),
);

/** One entry of `GET …/pull-requests/{id}/activities`; only `COMMENTED` entries carry a comment. */
export const activitySchema = z.object({
  action: z.string(),
  commentAction: z.string().nullish(),
  comment: commentSchema.nullish(),
  commentAnchor: anchorSchema.nullish(),
});
export type BbdcActivity = z.output<typeof activitySchema>;

const prRefSchema = z.object({ id: z.string(), latestCommit: z.string().min(1) });

/** `RestPullRequest`: state `OPEN`, `MERGED` or `DECLINED`; the refs name their latest commits. */
export const pullRequestSchema = z.object({
  id: z.number().int(),
  version: z.number().int().nullish(),
  state: z.string(),
  fromRef: prRefSchema,
  toRef: prRefSchema,
});
export type BbdcPullRequest = z.output<typeof pullRequestSchema>;

/**
 * `RestPath`: `toString` is the whole path (an own field of the answer; read carefully, as every object inherits a
 * `toString`), else the `components` joined.
 */
const diffPathSchema = z
  .object({ toString: z.unknown(), components: z.array(z.string()).nullish() })
  .transform((path, context) => {
    const whole = typeof path.toString === 'string' ? path.toString : path.components?.join('/');
    if (whole) return { toString: whole };
    context.addIssue({ code: 'custom', message: 'a path without toString or components' });
    return z.NEVER;
  })
  .nullish();

/** `GET …/pull-requests/{id}/diff`: every changed file (`RestDiff`), its hunks and their segments. */
export const pullRequestDiffSchema = z.object({
  fromHash: z.string().nullish(),
  toHash: z.string().nullish(),
  truncated: z.boolean().nullish(),
  diffs: z.array(
    z.object({
      source: diffPathSchema,
      destination: diffPathSchema,
      binary: z.boolean().nullish(),
      hunks: z
        .array(
          z.object({
            segments: z.array(
              z.object({
                type: z.string(),
                lines: z.array(z.object({ source: z.number().int(), destination: z.number().int() })),
              }),
            ),
          }),
        )
        .nullish(),
    }),
  ),
});
export type BbdcPullRequestDiff = z.output<typeof pullRequestDiffSchema>;
