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
