import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/core/tokens.js';
import { isScmError, type ScmError } from '../../src/scm/errors.js';
import { createGitLabCiClient, type GitLabCiClient } from '../../src/scm/gitlab/ci-client.js';
import { createGitLabCiSecrets } from '../../src/scm/gitlab/ci-secrets.js';
import { collect } from '../contract/provider-contract.js';
import { createTestScmHttp, rejectionOf } from '../helpers/scm-http.js';
import { startGitLabCiWorld, tokens, type GitLabCiWorld } from './gitlab-ci-world.js';

const web = { externalId: '5001', fullName: 'acme/web' };
const name = 'SCM_CONNECT_TOKEN';

const scmError = (error: unknown): ScmError => {
  expect(isScmError(error), `an ScmError, got ${String(error)}`).toBe(true);
  return error as ScmError;
};

describe('GitLab CI/CD variables as the CI job’s secret store', () => {
  let world: GitLabCiWorld;

  beforeAll(async () => {
    world = await startGitLabCiWorld();
  });
  afterAll(async () => world.close());

  it('keys secrets by project', () => {
    expect(world.provider().ciSecrets!.scopeOf(web)).toBe('5001');
  });

  it('creates a masked, raw, unprotected variable the CI reads, and replaces its value on a second put', async () => {
    const store = world.provider().ciSecrets!;
    expect(await store.hasSecret(web, name)).toBe(false);
    const first = issueToken('scmc_').value;
    await store.putSecret(web, name, first);
    expect(world.twin.ciVariable('acme/web', name)).toMatchObject({
      value: first,
      masked: true,
      raw: true,
      protected: false,
      variableType: 'env_var',
      environmentScope: '*',
    });
    expect(await store.hasSecret(web, name)).toBe(true);

    const second = issueToken('scmc_').value;
    await store.putSecret(web, name, second);
    expect(world.twin.ciVariable('acme/web', name)?.value).toBe(second);
    expect(world.twin.project('acme/web').variables.size).toBe(1);
    expect(world.twin.count(`/api/v4/projects/5001/variables/${name}`, 'PUT')).toBe(1);
  });

  it('makes the variable protected when the store is built so', async () => {
    const http = createTestScmHttp();
    try {
      const store = createGitLabCiSecrets(
        createGitLabCiClient(
          http.createHttp({
            baseUrl: new URL(world.twin.url),
            auth: () => ({ 'private-token': tokens.owner }),
          }),
        ),
        { protected: true },
      );
      await store.putSecret({ externalId: '5002', fullName: 'acme/has-ci' }, name, issueToken('scmc_').value);
      expect(world.twin.ciVariable('acme/has-ci', name)).toMatchObject({ protected: true, masked: true });
    } finally {
      await http.close();
    }
  });

  it('lets a Maintainer write it, and refuses a Developer with the Maintainer role to grant', async () => {
    await world.provider(tokens.maintainer).ciSecrets!.putSecret(web, 'MIA_TOKEN', issueToken('scmc_').value);
    expect(world.twin.ciVariable('acme/web', 'MIA_TOKEN')?.masked).toBe(true);

    const developer = world.provider(tokens.developer).ciSecrets!;
    for (const attempt of [
      developer.hasSecret(web, name),
      developer.putSecret(web, 'BOB_TOKEN', issueToken('scmc_').value),
    ]) {
      const error = scmError(await rejectionOf(attempt));
      expect([error.kind, error.code]).toEqual(['forbidden', 'insufficient_permissions']);
      expect(error.fix).toMatch(/Maintainer role/);
    }
    expect(world.twin.ciVariable('acme/web', 'BOB_TOKEN')).toBeUndefined();
  });

  it('refuses a token without the `api` scope with the scope to grant', async () => {
    const readOnly = world.provider(tokens.ownerReadApi).ciSecrets!;
    const error = scmError(await rejectionOf(readOnly.putSecret(web, 'RO_TOKEN', issueToken('scmc_').value)));
    expect([error.kind, error.code]).toEqual(['forbidden', 'insufficient_scopes']);
    expect(error.fix).toMatch(/`api` scope/);
  });

  it.each([
    ['too short', 'scmc_x'],
    ['with a space', 'scmc_abc def ghi'],
    ['on two lines', 'scmc_abcdefgh\nijkl'],
    ['with a character GitLab cannot mask', 'scmc_abcdefgh$ijkl'],
  ])('refuses a value GitLab cannot mask (%s) before sending it', async (_what, value) => {
    const before = world.twin.log.length;
    const error = scmError(await rejectionOf(world.provider().ciSecrets!.putSecret(web, 'BAD', value)));
    expect([error.kind, error.code]).toEqual(['invalid', 'secret_not_maskable']);
    expect(error.message).not.toContain(value);
    expect(world.twin.log.length).toBe(before);
  });

  it('refuses a name GitLab does not accept before sending anything', async () => {
    const before = world.twin.log.length;
    const error = scmError(
      await rejectionOf(world.provider().ciSecrets!.putSecret(web, 'scan-token', issueToken('scmc_').value)),
    );
    expect(error.code).toBe('secret_name_invalid');
    expect(world.twin.log.length).toBe(before);
  });

  it('names an unknown project not-found', async () => {
    const error = scmError(
      await rejectionOf(
        world.provider().ciSecrets!.hasSecret({ externalId: '999', fullName: 'acme/gone' }, name),
      ),
    );
    expect([error.kind, error.code]).toEqual(['not-found', 'repository_not_found']);
  });

  it('lists forks as forks, and an empty project without a default branch', async () => {
    const provider = world.provider();
    const [org] = await collect(provider.listOrganizations());
    const repos = await collect(provider.listRepositories(org!));
    const byPath = new Map(repos.map((repository) => [repository.fullName, repository]));
    expect(byPath.get('acme/web-fork')?.fork).toBe(true);
    expect(byPath.get('acme/web')?.fork).toBe(false);
    expect(byPath.get('acme/empty')?.defaultBranch).toBeNull();
  });
});

describe('GitLab CI/CD variables: GitLab’s own refusal of a value it cannot mask', () => {
  /** A client that answers what GitLab answers when its masking rule (stricter on older versions) refuses. */
  const refusing = (): GitLabCiClient => {
    const refusal = { status: 400, text: '', fields: ['value'], error: '' };
    const unused = () => Promise.reject(new Error('not called'));
    return {
      project: unused,
      branch: unused,
      createBranch: unused,
      file: unused,
      commit: unused,
      openMergeRequest: unused,
      createMergeRequest: unused,
      variable: async () => ({
        ok: false,
        refusal: { status: 404, text: '404 Variable Not Found', fields: [], error: '' },
      }),
      createVariable: async () => ({ ok: false, refusal }),
      updateVariable: unused,
    };
  };

  it('maps GitLab’s 400 on `value` to secret_not_maskable with a fix', async () => {
    const store = createGitLabCiSecrets(refusing());
    const error = scmError(await rejectionOf(store.putSecret(web, name, issueToken('scmc_').value)));
    expect([error.kind, error.code]).toEqual(['invalid', 'secret_not_maskable']);
    expect(error.fix).toMatch(/token/);
  });
});
