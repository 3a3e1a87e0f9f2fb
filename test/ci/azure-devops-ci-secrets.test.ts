import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isScmError } from '../../src/scm/errors.js';
import type { CiSecretStore } from '../../src/scm/provider.js';
import { rejectionOf } from '../helpers/scm-http.js';
import { startCiWorld, template, type CiWorld } from './azure-devops-ci-world.js';

describe('Azure DevOps CI secrets (the project variable group scm-connect)', () => {
  let world: CiWorld;
  let secrets: CiSecretStore;

  /** The variable groups of a project as the REST API answers them, read with the PAT. */
  async function apiGroups(project: string) {
    const url = `${world.twin.url}/contoso/${encodeURIComponent(project)}/_apis/distributedtask/variablegroups?groupName=scm-connect&api-version=7.1`;
    const response = await fetch(url, {
      headers: { authorization: `Basic ${Buffer.from(':ci-pat').toString('base64')}` },
    });
    return ((await response.json()) as { value: { variables: Record<string, unknown> }[] }).value;
  }
  const pipelineOf = (name: string, project = 'Shop') =>
    world.project(project).pipelines.find((p) => p.name === `scm-connect ${name}`)!;

  beforeAll(async () => {
    world = await startCiWorld();
    secrets = world.provider().ciSecrets!;
  });
  afterAll(() => world.close());

  it('scopes secrets to the project of the repository', () => {
    expect(secrets.scopeOf(world.ref('web'))).toBe('contoso/shop');
    expect(secrets.scopeOf(world.ref('api'))).toBe(secrets.scopeOf(world.ref('web')));
    expect(secrets.scopeOf(world.ref('svc', 'Vault'))).toBe('contoso/vault');
  });

  it('creates the group with a secret the CI can read and the API never answers', async () => {
    // The pipeline exists before the secret: writing the secret authorizes it on the new group.
    await world.provider().ci!.ensureCiJob(world.ref('web'), template);
    await expect(secrets.hasSecret(world.ref('web'), 'SCANNER_TOKEN')).resolves.toBe(false);

    await secrets.putSecret(world.ref('web'), 'SCANNER_TOKEN', 'tok-1');

    await expect(secrets.hasSecret(world.ref('web'), 'SCANNER_TOKEN')).resolves.toBe(true);
    await expect(secrets.hasSecret(world.ref('web'), 'scanner_token')).resolves.toBe(true);
    await expect(secrets.hasSecret(world.ref('web'), 'OTHER')).resolves.toBe(false);
    expect(await apiGroups('Shop')).toMatchObject([
      { variables: { SCANNER_TOKEN: { value: null, isSecret: true } } },
    ]);
    expect(world.twin.pipelineVariables('contoso', 'Shop', pipelineOf('web').id)).toEqual({
      SCANNER_TOKEN: 'tok-1',
    });
    // Another project has no such group.
    await expect(secrets.hasSecret(world.ref('svc', 'Vault'), 'SCANNER_TOKEN')).resolves.toBe(false);
  });

  it('replaces a secret and keeps the other variables of the group', async () => {
    await secrets.putSecret(world.ref('web'), 'SECOND', 'two');
    await secrets.putSecret(world.ref('api'), 'SCANNER_TOKEN', 'tok-2');

    const groups = world.twin.state.organizations.get('contoso')!.variableGroups;
    expect(groups).toHaveLength(1);
    expect(world.twin.pipelineVariables('contoso', 'Shop', pipelineOf('web').id)).toEqual({
      SCANNER_TOKEN: 'tok-2',
      SECOND: 'two',
    });
  });

  it('authorizes a pipeline made after the group exists', async () => {
    await world.provider().ci!.ensureCiJob(world.ref('api'), template);

    expect(world.twin.pipelineVariables('contoso', 'Shop', pipelineOf('api').id)).toMatchObject({
      SCANNER_TOKEN: 'tok-2',
    });
  });

  it('refuses a PAT without Variable Groups (manage) as forbidden with the fix', async () => {
    const error = await rejectionOf(
      world
        .provider('no-library-pat')
        .ciSecrets!.putSecret(world.ref('svc', 'Vault'), 'SCANNER_TOKEN', 'sekrit-value-9'),
    );

    expect(isScmError(error) && [error.kind, error.code]).toEqual(['forbidden', 'insufficient_scopes']);
    expect(isScmError(error) && error.message).toContain('vso.variablegroups_manage');
    expect(isScmError(error) && error.message).not.toContain('sekrit-value-9');
    expect(isScmError(error) && error.fix).toContain('Variable Groups (Read, create, & manage)');
    expect(world.twin.state.organizations.get('contoso')!.variableGroups).toHaveLength(1);
  });
});
