import { z } from 'zod';

/*
 * Azure DevOps REST 7.1 answers, as far as scm-connect reads them. Unknown fields are allowed (zod objects
 * strip them) so that API additions never break a connection; ids are GUID strings.
 */

const identity = z.object({
  id: z.string().min(1),
  /** `{identity type};{identifier}`, e.g. `Microsoft.IdentityModel.Claims.ClaimsIdentity;{tenant}\{upn}`. */
  descriptor: z.string().nullish(),
  /** The Graph subject descriptor (`aad.…`), as Graph memberships name the user. */
  subjectDescriptor: z.string().nullish(),
  providerDisplayName: z.string().nullish(),
  properties: z.object({ Account: z.object({ $value: z.string().nullish() }).nullish() }).nullish(),
});

/** `GET /{org}/_apis/connectionData` (community-documented): who the PAT is, and the organization's id. */
export const connectionDataSchema = z.object({
  authenticatedUser: identity,
  /** The organization (project collection) id. */
  instanceId: z.string().min(1),
  deploymentType: z.string().nullish(),
});
export type AdoConnectionData = z.output<typeof connectionDataSchema>;

/** `TeamProjectReference`: one entry of `GET /{org}/_apis/projects`. */
export const projectSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  visibility: z.string().nullish(),
  state: z.string().nullish(),
});
export type AdoProject = z.output<typeof projectSchema>;

/** `GitRepository`: one entry of `GET /{org}/{project}/_apis/git/repositories`. */
export const repositorySchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  project: projectSchema,
  /** `refs/heads/main`; absent for an empty repository. */
  defaultBranch: z.string().nullish(),
  webUrl: z.string().nullish(),
  isDisabled: z.boolean().nullish(),
  /** True when the repository was created as a fork. */
  isFork: z.boolean().nullish(),
});
export type AdoRepository = z.output<typeof repositorySchema>;

/** `{count, value}`: the collection wrapper of every list answer. */
export const repositoryListSchema = z.object({ value: z.array(repositorySchema) });

/** `UserEntitlement`: one entry of `GET {vsaex}/{org}/_apis/userentitlements`. */
export const userEntitlementSchema = z.object({
  id: z.string().min(1),
  user: z.object({
    principalName: z.string().nullish(),
    mailAddress: z.string().nullish(),
    displayName: z.string().nullish(),
    /** The Graph subject descriptor, as memberships name the user. */
    descriptor: z.string().nullish(),
  }),
});
export type AdoUserEntitlement = z.output<typeof userEntitlementSchema>;

/** `GraphGroup`: one entry of `GET {vssps}/{org}/_apis/graph/groups`. */
export const graphGroupSchema = z.object({
  descriptor: z.string().min(1),
  /** `[{org}]\Project Collection Administrators`, `[{project}]\Readers`, … */
  principalName: z.string().nullish(),
});
export type AdoGraphGroup = z.output<typeof graphGroupSchema>;

/** `GET {vssps}/{org}/_apis/graph/Memberships/{descriptor}`: `{count, value: GraphMembership[]}`, unpaginated. */
export const membershipListSchema = z.object({
  value: z.array(z.object({ containerDescriptor: z.string(), memberDescriptor: z.string().min(1) })),
});
export type AdoMembership = z.output<typeof membershipListSchema>['value'][number];

/** One service hook subscription (`GET /{org}/_apis/hooks/subscriptions`, and the answer of create and replace). */
export const subscriptionSchema = z.object({
  id: z.string().min(1),
  eventType: z.string(),
  consumerId: z.string().nullish(),
  consumerActionId: z.string().nullish(),
  /** The webHooks consumer's inputs; the service masks `basicAuthPassword` in every answer. */
  consumerInputs: z.record(z.string(), z.string()).nullish(),
});
export type AdoSubscription = z.output<typeof subscriptionSchema>;

export const subscriptionListSchema = z.object({ value: z.array(subscriptionSchema) });

/**
 * `GitItem` of `GET …/git/repositories/{repositoryId}/items?path=&$format=json`: `objectId` is the git object
 * id (the blob id of a file), `gitObjectType` `blob`, `tree` or `commit` (a submodule).
 */
export const itemSchema = z.object({
  objectId: z.string().min(1),
  gitObjectType: z.string().nullish(),
  isFolder: z.boolean().nullish(),
  isSymLink: z.boolean().nullish(),
  path: z.string().nullish(),
});
export type AdoItem = z.output<typeof itemSchema>;

/** `GitCommit` of `GET …/git/repositories/{repositoryId}/commits/{commitId}`, as far as it is read. */
export const commitSchema = z.object({ commitId: z.string().min(1) });

// ---------------------------------------------------------------------------------------------------------------
// Pull requests (git/7.1/git.json): threads, iterations, statuses; legacy identities and security ACLs

const link = z.object({ href: z.string() });
/** Enums come back as their camelCase names; the service also takes (and old versions give) their numbers. */
const enumValue = z.union([z.string(), z.number()]);
const commitRef = z.object({ commitId: z.string().min(1) });

/** `IdentityRef` as comments, statuses and pull requests name people. */
export const identityRefSchema = z.object({
  id: z.string(),
  displayName: z.string().nullish(),
  /** The sign-in name (`alice@example.com`), or `domain\alias`. */
  uniqueName: z.string().nullish(),
});

/** `Comment` of a thread: ids start at 1 in each thread; deleting keeps it with `isDeleted`. */
export const commentSchema = z.object({
  id: z.number().int(),
  parentCommentId: z.number().int().nullish(),
  author: identityRefSchema.nullish(),
  content: z.string().nullish(),
  commentType: enumValue.nullish(),
  isDeleted: z.boolean().nullish(),
  _links: z.object({ self: link.nullish(), threads: link.nullish() }).nullish(),
});
export type AdoComment = z.output<typeof commentSchema>;

const position = z.object({ line: z.number().int(), offset: z.number().int().nullish() });

/** `GitPullRequestCommentThread`: `threadContext` places it on a file; system threads have no `status`. */
export const threadSchema = z.object({
  id: z.number().int(),
  status: enumValue.nullish(),
  threadContext: z
    .object({
      filePath: z.string().nullish(),
      rightFileStart: position.nullish(),
      rightFileEnd: position.nullish(),
      leftFileStart: position.nullish(),
    })
    .nullish(),
  pullRequestThreadContext: z
    .object({
      changeTrackingId: z.number().int().nullish(),
      iterationContext: z
        .object({
          firstComparingIteration: z.number().int().nullish(),
          secondComparingIteration: z.number().int().nullish(),
        })
        .nullish(),
    })
    .nullish(),
  comments: z.array(commentSchema).nullish(),
  isDeleted: z.boolean().nullish(),
});
export type AdoThread = z.output<typeof threadSchema>;
export const threadListSchema = z.object({ value: z.array(threadSchema) });

/** `GitPullRequest`, as far as comments read it: its status and the commits of its last merge. */
export const pullRequestSchema = z.object({
  pullRequestId: z.number().int(),
  status: enumValue,
  lastMergeSourceCommit: commitRef.nullish(),
  lastMergeTargetCommit: commitRef.nullish(),
});
export type AdoPullRequest = z.output<typeof pullRequestSchema>;

/** `GitPullRequestIteration`: one push of the source branch. */
export const iterationSchema = z.object({
  id: z.number().int(),
  sourceRefCommit: commitRef.nullish(),
  targetRefCommit: commitRef.nullish(),
  commonRefCommit: commitRef.nullish(),
});
export type AdoIteration = z.output<typeof iterationSchema>;
export const iterationListSchema = z.object({ value: z.array(iterationSchema) });

/** `GitPullRequestIterationChanges`: `nextSkip` / `nextTop` are 0 (or absent) after the last page. */
export const iterationChangesSchema = z.object({
  changeEntries: z.array(
    z.object({
      changeTrackingId: z.number().int().nullish(),
      item: z.object({ path: z.string().nullish() }).nullish(),
      /** `add`, `edit`, `delete`, `rename`, or several joined by `, ` (`edit, rename`). */
      changeType: enumValue,
      originalPath: z.string().nullish(),
    }),
  ),
  nextSkip: z.number().int().nullish(),
  nextTop: z.number().int().nullish(),
});
export type AdoChange = z.output<typeof iterationChangesSchema>['changeEntries'][number];

/** `GitPullRequestStatus`. */
export const pullRequestStatusSchema = z.object({
  id: z.number().int(),
  iterationId: z.number().int().nullish(),
  state: enumValue.nullish(),
  description: z.string().nullish(),
  targetUrl: z.string().nullish(),
  context: z.object({ name: z.string().nullish(), genre: z.string().nullish() }).nullish(),
});
export type AdoPullRequestStatus = z.output<typeof pullRequestStatusSchema>;
export const pullRequestStatusListSchema = z.object({ value: z.array(pullRequestStatusSchema) });

/** `Identity` of `GET {vssps}/_apis/identities`: the legacy `descriptor` the security APIs take. */
export const legacyIdentityListSchema = z.object({
  value: z.array(z.object({ id: z.string(), descriptor: z.string().min(1) }).nullable()),
});

/** `AccessControlList` of `GET _apis/accesscontrollists/{namespaceId}`, with `extendedInfo` when asked for. */
export const accessControlListsSchema = z.object({
  value: z.array(
    z.object({
      token: z.string().nullish(),
      acesDictionary: z
        .record(
          z.string(),
          z.object({
            descriptor: z.string().nullish(),
            allow: z.number().int().nullish(),
            deny: z.number().int().nullish(),
            extendedInfo: z
              .object({
                effectiveAllow: z.number().int().nullish(),
                effectiveDeny: z.number().int().nullish(),
              })
              .nullish(),
          }),
        )
        .nullish(),
    }),
  ),
});
export type AdoAccessControlList = z.output<typeof accessControlListsSchema>['value'][number];
