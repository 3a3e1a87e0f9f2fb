import { z } from 'zod';

/*
 * Answers of the CI calls (REST 7.1), as far as scm-connect reads them: `git/7.1/git.json` (GitRef, GitItem,
 * GitPush, GitPullRequest), `build/7.1/build.json` (BuildDefinition), `pipelines/7.1/pipelines.json` (Pipeline),
 * `approvalsAndChecks/7.1/pipelinePermissions.json` (ResourcePipelinePermissions) and
 * `distributedTask/7.1/taskAgent.json` (VariableGroup). Unknown fields are stripped.
 */

/** `GitRef`: `refs/heads/main` and the commit it points at. */
export const refSchema = z.object({ name: z.string(), objectId: z.string().min(1) });
export type AdoRef = z.output<typeof refSchema>;

/** `GitItem` with `includeContent=true`: `objectId` is the git blob id of a file; `content` its text. */
export const itemWithContentSchema = z.object({
  objectId: z.string().min(1),
  gitObjectType: z.string().nullish(),
  isFolder: z.boolean().nullish(),
  content: z.string().nullish(),
});
export type AdoItemWithContent = z.output<typeof itemWithContentSchema>;

/** `GitPush`: the commits it made and where the ref now points. */
export const pushSchema = z.object({
  commits: z.array(z.object({ commitId: z.string().min(1) })).nullish(),
  refUpdates: z.array(z.object({ newObjectId: z.string().nullish() })).nullish(),
});
export type AdoPush = z.output<typeof pushSchema>;

/** `GitPullRequest`, as far as the CI writer reads it. */
export const pullRequestRefSchema = z.object({
  pullRequestId: z.number().int(),
  sourceRefName: z.string().nullish(),
  targetRefName: z.string().nullish(),
});
export type AdoPullRequestRef = z.output<typeof pullRequestRefSchema>;

/** `BuildDefinition` with `includeAllProperties=true`: a YAML one has `process.yamlFilename`. */
export const buildDefinitionSchema = z.object({
  id: z.number().int(),
  name: z.string().nullish(),
  process: z.object({ yamlFilename: z.string().nullish() }).nullish(),
  repository: z.object({ id: z.string().nullish(), type: z.string().nullish() }).nullish(),
});
export type AdoBuildDefinition = z.output<typeof buildDefinitionSchema>;

/** `Pipeline` (list entries carry no `configuration`). */
export const pipelineSchema = z.object({ id: z.number().int(), name: z.string().nullish() });
export type AdoPipeline = z.output<typeof pipelineSchema>;

const permission = z.object({ authorized: z.boolean().nullish() });

/** `ResourcePipelinePermissions`: the pipelines authorized on a resource, or all of them. */
export const pipelinePermissionsSchema = z.object({
  allPipelines: permission.nullish(),
  pipelines: z.array(permission.extend({ id: z.number().int() })).nullish(),
});
export type AdoPipelinePermissions = z.output<typeof pipelinePermissionsSchema>;

/** `VariableValue`: a secret answers `value: null`. */
const variableValueSchema = z.object({
  value: z.string().nullish(),
  isSecret: z.boolean().nullish(),
  isReadOnly: z.boolean().nullish(),
});

/** `VariableGroup` of the organization, shared into projects. */
export const variableGroupSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  description: z.string().nullish(),
  type: z.string().nullish(),
  variables: z.record(z.string(), variableValueSchema.nullable()).nullish(),
  variableGroupProjectReferences: z
    .array(
      z.object({
        name: z.string().nullish(),
        description: z.string().nullish(),
        projectReference: z.object({ id: z.string().nullish(), name: z.string().nullish() }).nullish(),
      }),
    )
    .nullish(),
});
export type AdoVariableGroup = z.output<typeof variableGroupSchema>;
