import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBitbucketCloudProvider } from '../../src/scm/bitbucket-cloud/index.js';
import type { ScmOrganization, ScmRepository } from '../../src/scm/provider.js';
import { collect } from '../contract/provider-contract.js';
import { createTestProviderDeps } from '../helpers/scm-http.js';
import { startBitbucketCloudTwin, type BitbucketCloudTwin } from '../twins/bitbucket-cloud/index.js';

const repositoryCount = 10_000;
const maxPageSize = 100;

describe('Bitbucket Cloud provider: a workspace with 10,000 repositories', () => {
  let twin: BitbucketCloudTwin;
  let org: ScmOrganization;
  const deps = createTestProviderDeps();
  const provider = () =>
    createBitbucketCloudProvider(
      { kind: 'bitbucket-cloud', baseUrl: new URL(twin.url), target: 'huge', token: 'bbwat-huge' },
      deps,
    );

  beforeAll(async () => {
    twin = await startBitbucketCloudTwin({
      users: [],
      workspaces: [{ slug: 'huge', generatedRepositories: { count: repositoryCount } }],
      accessTokens: [{ value: 'bbwat-huge', kind: 'workspace', workspace: 'huge', scopes: ['repository'] }],
    });
    const [first] = await collect(provider().listOrganizations());
    org = first!;
  });
  afterEach(() => {
    twin.faults.clear();
  });
  afterAll(async () => {
    await deps.close();
    await twin.close();
  });

  const expectEveryRepositoryOnce = (repos: readonly ScmRepository[]) => {
    expect(repos).toHaveLength(repositoryCount);
    expect(new Set(repos.map((repo) => repo.externalId)).size).toBe(repositoryCount);
  };

  it(`takes ceil(${repositoryCount} / ${maxPageSize}) requests at pagelen ${maxPageSize}`, async () => {
    const before = twin.count();
    const repos = await collect(provider().listRepositories(org));
    expectEveryRepositoryOnce(repos);
    expect(twin.count() - before).toBe(Math.ceil(repositoryCount / maxPageSize));
    expect(twin.log.slice(before).every((request) => request.query.includes(`pagelen=${maxPageSize}`))).toBe(
      true,
    );
  });

  it('completes through 5xx answers and a 429 with Retry-After, every repository once', async () => {
    twin.faults.next({ kind: 'rate-limit', retryAfterSeconds: 1 }, 1, '/2.0/repositories/');
    twin.faults.every(9, { kind: 'status', status: 502 });
    const before = twin.count();
    expectEveryRepositoryOnce(await collect(provider().listRepositories(org)));
    const statuses = twin.log
      .slice(before)
      .filter((request) => request.fault)
      .map((request) => request.status);
    expect(statuses).toContain(429);
    expect(statuses).toContain(502);
  });
});
