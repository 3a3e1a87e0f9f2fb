import { ScmError } from '../errors.js';
import type { CiSecretStore, ScmRepositoryRef } from '../provider.js';
import type { GitLabCiClient, GitLabCiRefusal, GitLabVariableBody } from './ci-client.js';
import { projectNotFound, refusalError } from './ci-errors.js';

export interface GitLabCiSecretOptions {
  /**
   * Default false. A protected variable reaches only pipelines of protected branches and tags, so the pipelines
   * of merge requests (and of the proposal branch itself) would run without it; set true only when scans run on
   * protected branches alone.
   */
  readonly protected?: boolean;
}

/**
 * What GitLab can mask, on every version: 8 or more characters from the Base64 alphabet (`+`, `/`, `-`, `_`, `=`)
 * and `@ : . ~` (`Ci::Maskable::REGEX`). Versions with `raw` variables accept any 8 or more characters without
 * whitespace for a raw one; scm-connect's tokens (`scmc_` and base64url) pass both.
 */
const maskable = /^[a-zA-Z0-9_+=/@:.~-]{8,}$/;
/** GitLab's rule for a variable key. */
const keyPattern = /^[a-zA-Z0-9_]{1,255}$/;

/**
 * The CI job's secret as a GitLab CI/CD project variable: masked (never printed in job logs), raw (never
 * expanded, so a `$` stays a `$`), an environment variable for every environment, protected only when asked.
 * Managing variables needs the Maintainer role in the project and the `api` scope. Values are written, never read.
 */
export function createGitLabCiSecrets(
  client: GitLabCiClient,
  options: GitLabCiSecretOptions = {},
): CiSecretStore {
  const body = (value: string): GitLabVariableBody => ({
    value,
    masked: true,
    protected: options.protected ?? false,
    raw: true,
    variable_type: 'env_var',
  });

  async function exists(repository: ScmRepositoryRef, name: string): Promise<boolean> {
    // GET /projects/:id/variables/:key?filter[environment_scope]=*
    const answer = await client.variable(repository.externalId, name);
    if (answer.ok) return true;
    const { refusal } = answer;
    if (refusal.status === 404 && /variable/i.test(refusal.text)) return false;
    if (refusal.status === 404) throw projectNotFound(repository);
    throw refusalError(refusal, `read the CI/CD variable \`${name}\``, repository, 'maintainer');
  }

  function refused(refusal: GitLabCiRefusal, repository: ScmRepositoryRef, name: string): ScmError {
    if (refusal.status === 400 && refusal.fields.includes('value')) return notMaskable(name);
    if (refusal.status === 400 && refusal.fields.includes('key')) return badName(name);
    return refusalError(refusal, `write the CI/CD variable \`${name}\``, repository, 'maintainer');
  }

  return {
    label: 'GitLab CI/CD variable',
    scopeOf: (repository) => repository.externalId,
    hasSecret: exists,
    async putSecret(repository, name, value) {
      if (!keyPattern.test(name)) throw badName(name);
      if (!maskable.test(value)) throw notMaskable(name);
      if (await exists(repository, name)) {
        // PUT /projects/:id/variables/:key?filter[environment_scope]=*
        const updated = await client.updateVariable(repository.externalId, name, body(value));
        if (!updated.ok) throw refused(updated.refusal, repository, name);
        return;
      }
      // POST /projects/:id/variables
      const created = await client.createVariable(repository.externalId, name, body(value));
      if (created.ok) return;
      // Made meanwhile by another run ("has already been taken"): replace its value.
      if (created.refusal.status === 400 && created.refusal.fields.includes('key')) {
        const updated = await client.updateVariable(repository.externalId, name, body(value));
        if (updated.ok) return;
        throw refused(updated.refusal, repository, name);
      }
      throw refused(created.refusal, repository, name);
    },
  };
}

const shown = (name: string) => `\`${name.slice(0, 100)}\``;

function notMaskable(name: string): ScmError {
  return new ScmError(
    'invalid',
    `GitLab cannot mask the value of the CI/CD variable ${shown(name)}: a masked value needs 8 or more characters on one line, from the Base64 alphabet and @ : . ~.`,
    {
      code: 'secret_not_maskable',
      fix: 'Issue a new scan-upload token for the CI job (scm-connect tokens can always be masked) and add the CI job again.',
    },
  );
}

function badName(name: string): ScmError {
  return new ScmError(
    'invalid',
    `${shown(name)} cannot name a GitLab CI/CD variable: use 1 to 255 letters, digits and \`_\`.`,
    {
      code: 'secret_name_invalid',
      fix: 'Choose a variable name of letters, digits and `_`, such as `SCM_CONNECT_TOKEN`.',
    },
  );
}
