import type { AdoCiClient } from './ci-client.js';
import { buildExecute, buildRead, ciData, pipelineResourcesManage } from './ci-errors.js';
import { findCiVariableGroup } from './ci-variable-group.js';
import type { AdoContext } from './connection-checks.js';

/** A repository as the CI calls name it: its project by name, itself by id, and its name for the admin. */
export interface CiRepository {
  readonly project: string;
  readonly repositoryId: string;
  readonly name: string;
  /** `org/project/repo`, for messages. */
  readonly fullName: string;
}

/** The name scm-connect gives the pipeline it creates for a repository. */
export const pipelineName = (repository: Pick<CiRepository, 'name'>) => `scm-connect ${repository.name}`;

/** `/azure-pipelines.yml`, `azure-pipelines.yml` and `\azure-pipelines.yml` name the same file. */
const samePath = (a: string, b: string) => {
  const normal = (path: string) => path.replace(/\\/g, '/').replace(/^\/+/, '').toLowerCase();
  return normal(a) === normal(b);
};

/**
 * An `azure-pipelines.yml` runs only once a pipeline uses it. Finds a YAML pipeline of the repository for `path`
 * ("Definitions - List" filtered by repository, `includeAllProperties` for `process.yamlFilename`), whoever made
 * it, or creates one ("Pipelines - Create", `scm-connect {repo}` in the root folder); then authorizes it on the
 * project's `scm-connect` variable group when there is one. Idempotent. Resolves with the pipeline's id.
 */
export async function ensurePipeline(
  ctx: AdoContext,
  ci: AdoCiClient,
  repository: CiRepository,
  path: string,
): Promise<number> {
  const definitions = ciData(
    ctx,
    buildRead(`list the pipelines of ${repository.fullName}`),
    await ci.definitions(repository.project, repository.repositoryId),
  );
  const existing = definitions.find(
    (definition) =>
      samePath(definition.process?.yamlFilename ?? '', path) &&
      (definition.repository?.id ?? repository.repositoryId).toLowerCase() ===
        repository.repositoryId.toLowerCase(),
  );
  const id =
    existing?.id ??
    ciData(
      ctx,
      buildExecute(`create the pipeline of ${repository.fullName}`),
      await ci.createPipeline(repository.project, {
        name: pipelineName(repository),
        folder: '\\',
        configuration: {
          type: 'yaml',
          path: `/${path.replace(/^\/+/, '')}`,
          repository: { id: repository.repositoryId, type: 'azureReposGit' },
        },
      }),
    ).id;
  await authorizePipelines(ctx, ci, repository.project, [id]);
  return id;
}

/**
 * Lets `pipelineIds` use the project's `scm-connect` variable group (a pipeline not authorized on a variable
 * group stops at its first run until someone permits it). Nothing is written when the group does not exist yet
 * or the pipelines are already authorized (or all pipelines are).
 */
export async function authorizePipelines(
  ctx: AdoContext,
  ci: AdoCiClient,
  project: string,
  pipelineIds: readonly number[],
): Promise<void> {
  if (pipelineIds.length === 0) return;
  const group = await findCiVariableGroup(ctx, ci, project);
  if (!group) return;
  const what = `the pipelines allowed to use variable group ${group.name} of project ${project}`;
  const current = ciData(ctx, buildRead(`read ${what}`), await ci.pipelinePermissions(project, group.id));
  if (current.allPipelines?.authorized === true) return;
  const authorized = new Set(
    (current.pipelines ?? [])
      .filter((pipeline) => pipeline.authorized === true)
      .map((pipeline) => pipeline.id),
  );
  const missing = pipelineIds.filter((id) => !authorized.has(id));
  if (missing.length === 0) return;
  ciData(
    ctx,
    pipelineResourcesManage(`change ${what}`),
    await ci.updatePipelinePermissions(project, group.id, {
      pipelines: missing.map((id) => ({ id, authorized: true })),
    }),
  );
}
