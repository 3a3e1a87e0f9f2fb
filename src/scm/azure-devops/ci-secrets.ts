import type { CiSecretStore, ScmRepositoryRef } from '../provider.js';
import type { AdoCiClient, CiRefusal } from './ci-client.js';
import { buildRead, ciData, ciRefusalError, codeRead, variableGroupsManage } from './ci-errors.js';
import { authorizePipelines, pipelineName } from './ci-pipeline.js';
import type { AdoVariableGroup } from './ci-schemas.js';
import { ciVariableGroupName, findCiVariableGroup } from './ci-variable-group.js';
import type { AdoContext } from './connection-checks.js';
import { repoOf } from './files.js';

const description = "Secrets of the scanner's CI job, kept by scm-connect.";

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * CI secrets as secret variables of the project's `scm-connect` variable group ("Variablegroups - Add / Update").
 * Variable groups belong to a project (shared into it from the organization), so the store's scope is the
 * project: `org/project` of the repository's full name, lower-cased as Azure DevOps compares names. Azure
 * never answers a secret's value (`value: null`), and an update that sends a secret back as `null` keeps it, so
 * the group's other variables survive a write. After a write the pipelines scm-connect made in the project
 * (`scm-connect {repo}`) are authorized to use the group.
 */
export function createAzureDevOpsCiSecrets(ctx: AdoContext, ci: AdoCiClient): CiSecretStore {
  async function projectReference(repository: ScmRepositoryRef) {
    // GET /{org}/{project}/_apis/git/repositories/{repositoryId}: the project's id comes with it.
    const repo = ciData(
      ctx,
      codeRead(`read ${repository.fullName}`),
      await ci.repository(repoOf(repository)),
    );
    return { id: repo.project.id, name: repo.project.name };
  }

  async function create(repository: ScmRepositoryRef, project: string, name: string, value: string) {
    const reference = await projectReference(repository);
    const answer = await ci.addVariableGroup({
      name: ciVariableGroupName,
      description,
      type: 'Vsts',
      variables: { [name]: { value, isSecret: true } },
      variableGroupProjectReferences: [
        { name: ciVariableGroupName, description, projectReference: reference },
      ],
    });
    if (answer.ok) return;
    // 400: the name is taken, made by another run meanwhile: update that one.
    const made = answer.status === 400 ? await findCiVariableGroup(ctx, ci, project) : undefined;
    if (!made) throw refusal(project, answer);
    await update(project, made, name, value);
  }

  async function update(project: string, group: AdoVariableGroup, name: string, value: string) {
    const variables = Object.fromEntries(
      Object.entries(group.variables ?? {})
        .filter(([key]) => !sameName(key, name))
        .map(([key, v]) => [key, { value: v?.value ?? null, isSecret: v?.isSecret ?? false }]),
    );
    const answer = await ci.updateVariableGroup(group.id, {
      name: group.name,
      description: group.description ?? description,
      type: group.type ?? 'Vsts',
      variables: { ...variables, [name]: { value, isSecret: true } },
      variableGroupProjectReferences: group.variableGroupProjectReferences ?? [],
    });
    if (!answer.ok) throw refusal(project, answer);
  }

  const refusal = (project: string, answer: CiRefusal) =>
    ciRefusalError(
      ctx,
      variableGroupsManage(`write the variable group ${ciVariableGroupName} of ${project}`),
      answer,
    );

  return {
    label: 'Azure Pipelines variable group (secret)',

    scopeOf(repository) {
      const [organization] = repository.fullName.split('/');
      return `${organization}/${repoOf(repository).project}`.toLowerCase();
    },

    async hasSecret(repository, name) {
      const group = await findCiVariableGroup(ctx, ci, repoOf(repository).project);
      return Object.keys(group?.variables ?? {}).some((key) => sameName(key, name));
    },

    async putSecret(repository, name, value) {
      const { project } = repoOf(repository);
      const group = await findCiVariableGroup(ctx, ci, project);
      if (group) await update(project, group, name, value);
      else await create(repository, project, name, value);
      // GET /{org}/{project}/_apis/pipelines: the pipelines scm-connect made, each named `scm-connect {repo}`.
      const pipelines = ciData(
        ctx,
        buildRead(`list the pipelines of project ${project}`),
        await ci.pipelines(project),
      );
      const ours = pipelines.filter((p) => p.name?.startsWith(pipelineName({ name: '' })) === true);
      await authorizePipelines(
        ctx,
        ci,
        project,
        ours.map((p) => p.id),
      );
    },
  };
}
