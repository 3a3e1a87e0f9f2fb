import { ScmError } from '../errors.js';
import type { CiSecretStore, ScmRepositoryRef } from '../provider.js';
import { repoPathOf, type BitbucketRepoPath } from './client.js';
import type { BitbucketCiClient, CiVariable } from './ci-client.js';
import { ciRefusal, operationScopes } from './ci-refusals.js';
import type { BitbucketCredential } from './connection-checks.js';

const listScopes = operationScopes('pipeline', ['read:pipeline:bitbucket']);
const writeScopes = operationScopes('pipeline:variable', ['admin:pipeline:bitbucket']);

/** Pipelines variable names: letters, digits and underscores, not starting with a digit. */
const variableName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The CI job's secret as a **secured** Bitbucket Pipelines repository variable: "List variables for a
 * repository" to find it by `key` (values of secured variables are never answered, and never asked for),
 * "Create a variable for a repository" `{key, value, secured: true}` or, when the key exists, "Update a variable
 * for a repository" by its `variable_uuid`. Listing needs `pipeline` (`read:pipeline:bitbucket`), writing
 * `pipeline:variable` (`admin:pipeline:bitbucket`). One variable per repository: the scope is its UUID.
 */
export function createBitbucketCloudCiSecrets(
  ci: BitbucketCiClient,
  credential: BitbucketCredential,
): CiSecretStore {
  async function find(repo: BitbucketRepoPath, name: string): Promise<CiVariable | undefined> {
    const answer = await ci.variables(repo);
    if (!answer.ok) throw ciRefusal(credential, repo, 'read Pipelines variables', answer, listScopes);
    return answer.data.find((variable) => variable.key === name);
  }

  async function update(
    repo: BitbucketRepoPath,
    uuid: string,
    name: string,
    value: string,
  ): Promise<boolean> {
    const answer = await ci.updateVariable(repo, uuid, name, value);
    if (answer.ok) return true;
    if (answer.status === 404) return false;
    throw ciRefusal(credential, repo, 'edit Pipelines variables', answer, writeScopes);
  }

  return {
    label: 'Bitbucket Pipelines repository variable (secured)',
    scopeOf: (repository: ScmRepositoryRef) => repository.externalId,

    hasSecret: async (repository, name) => (await find(repoPathOf(repository), name)) !== undefined,

    async putSecret(repository, name, value) {
      if (!variableName.test(name)) {
        throw new ScmError(
          'invalid',
          `${JSON.stringify(name.slice(0, 100))} is not a Bitbucket Pipelines variable name.`,
          {
            code: 'invalid_variable_name',
            fix: 'Use letters, digits and underscores only, not starting with a digit.',
          },
        );
      }
      const repo = repoPathOf(repository);
      const existing = await find(repo, name);
      // A variable deleted since the listing (404) is created below.
      if (existing && (await update(repo, existing.uuid, name, value))) return;
      const created = await ci.createVariable(repo, name, value);
      if (created.ok) return;
      // Made meanwhile by another run (409, "A variable with the provided key already exists"): replace it.
      if (created.status === 409) {
        const made = await find(repo, name);
        if (made && (await update(repo, made.uuid, name, value))) return;
      }
      throw ciRefusal(credential, repo, 'create Pipelines variables', created, writeScopes);
    },
  };
}
