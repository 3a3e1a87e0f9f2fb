import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CiSecretStore } from '../../src/scm/provider.js';
import { collect } from '../contract/provider-contract.js';
import { rejectionOf } from '../helpers/scm-http.js';
import type { BitbucketCloudTwin } from '../twins/bitbucket-cloud/index.js';
import { ciHarness, ciTokens, repositoryRef, scmError, startCiTwin } from './bitbucket-cloud-ci-world.js';

const secret = 'scm-connect-upload-token-7f3a9c1e';

describe('Bitbucket Cloud CI secrets (secured Pipelines repository variables)', () => {
  let twin: BitbucketCloudTwin;
  let harness: ReturnType<typeof ciHarness>;
  let store: CiSecretStore;

  beforeAll(async () => {
    twin = await startCiTwin();
    harness = ciHarness(twin);
    store = harness.provider().ciSecrets!;
  });
  afterAll(async () => {
    await harness.close();
    await twin.close();
  });

  /** GET through the API as the token would, for what Bitbucket answers. */
  const apiText = async (path: string) => {
    const response = await fetch(`${twin.url}/2.0${path}`, {
      headers: { authorization: `Bearer ${ciTokens.full}` },
    });
    expect(response.status).toBe(200);
    return response.text();
  };

  it('is labelled for the UI and keyed by the repository uuid', () => {
    const repo = repositoryRef(twin, 'website');
    expect(store.label).toBe('Bitbucket Pipelines repository variable (secured)');
    expect(store.scopeOf(repo)).toBe(twin.repository('acme', 'website').uuid);
  });

  it('creates a secured variable whose value no API answer shows and the CI reads', async () => {
    const repo = repositoryRef(twin, 'website');
    expect(await store.hasSecret(repo, 'SCANNER_TOKEN')).toBe(false);
    await store.putSecret(repo, 'SCANNER_TOKEN', secret);
    expect(await store.hasSecret(repo, 'SCANNER_TOKEN')).toBe(true);
    expect(twin.pipelineVariable('acme', 'website', 'SCANNER_TOKEN')).toEqual({
      value: secret,
      secured: true,
    });

    const listing = await apiText('/repositories/acme/website/pipelines_config/variables');
    expect(listing).toContain('SCANNER_TOKEN');
    expect(listing).not.toContain(secret);
    const [variable] = twin.repository('acme', 'website').variables;
    const one = await apiText(
      `/repositories/acme/website/pipelines_config/variables/${encodeURIComponent(variable!.uuid)}`,
    );
    expect(JSON.parse(one)).toMatchObject({ key: 'SCANNER_TOKEN', secured: true });
    expect(one).not.toContain(secret);
  });

  it('replaces the value in place when the variable exists, also one that was not secured', async () => {
    const repo = repositoryRef(twin, 'fresh');
    twin.repository('acme', 'fresh').variables.push({
      uuid: '{00000000-0000-4000-8000-000000000001}',
      key: 'SCANNER_TOKEN',
      value: 'old-plain-value',
      secured: false,
    });
    await store.putSecret(repo, 'SCANNER_TOKEN', `${secret}-2`);
    const variables = twin.repository('acme', 'fresh').variables;
    expect(variables).toHaveLength(1);
    expect(variables[0]).toMatchObject({
      uuid: '{00000000-0000-4000-8000-000000000001}',
      value: `${secret}-2`,
      secured: true,
    });
  });

  it('finds a variable past the first page', async () => {
    const repo = twin.repository('acme', 'guarded');
    for (let i = 0; i < 150; i++)
      repo.variables.push({ uuid: `{v-${i}}`, key: `VAR_${i}`, value: 'x', secured: false });
    expect(await store.hasSecret(repositoryRef(twin, 'guarded'), 'VAR_149')).toBe(true);
    expect(await store.hasSecret(repositoryRef(twin, 'guarded'), 'VAR_150')).toBe(false);
  });

  it('without `pipeline:variable`, rejects forbidden with the scope and a fix, never the value', async () => {
    const other = harness.provider(ciTokens.noVariable).ciSecrets!;
    const error = scmError(
      await rejectionOf(other.putSecret(repositoryRef(twin, 'strict'), 'SCANNER_TOKEN', secret)),
    );
    expect(error).toMatchObject({ kind: 'forbidden', code: 'insufficient_scopes' });
    expect(error.message).toContain('`pipeline:variable`');
    expect(error.fix).toContain('`pipeline:variable`');
    expect(`${error.message} ${error.fix}`).not.toContain(secret);
    expect(twin.pipelineVariable('acme', 'strict', 'SCANNER_TOKEN')).toBeUndefined();
  });

  it('without `pipeline`, cannot even tell whether the variable exists', async () => {
    const other = harness.provider(ciTokens.noPipelineRead).ciSecrets!;
    const error = scmError(await rejectionOf(other.hasSecret(repositoryRef(twin, 'strict'), 'X')));
    expect(error).toMatchObject({ kind: 'forbidden', code: 'insufficient_scopes' });
    expect(error.message).toContain('`pipeline`');
  });

  it('refuses a name Pipelines does not take, before any call', async () => {
    const count = twin.count();
    const error = scmError(
      await rejectionOf(store.putSecret(repositoryRef(twin, 'strict'), '1-bad name', secret)),
    );
    expect(error.kind).toBe('invalid');
    expect(twin.count()).toBe(count);
  });
});

describe('Bitbucket Cloud repositories: forks', () => {
  let twin: BitbucketCloudTwin;
  let harness: ReturnType<typeof ciHarness>;

  beforeAll(async () => {
    twin = await startCiTwin();
    harness = ciHarness(twin);
  });
  afterAll(async () => {
    await harness.close();
    await twin.close();
  });

  it('marks a repository with a `parent` as a fork, and the others not', async () => {
    const provider = harness.provider();
    const workspace = twin.workspace('acme');
    const repositories = await collect(
      provider.listRepositories({ externalId: workspace.uuid, name: 'acme' }),
    );
    const forks = repositories.filter((r) => r.fork).map((r) => r.fullName);
    expect(forks).toEqual(['acme/website-fork']);
    expect(repositories.find((r) => r.fullName === 'acme/website')?.fork).toBe(false);
  });
});
