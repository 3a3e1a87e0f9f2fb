import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGitLabProvider } from '../../src/scm/gitlab/index.js';
import type { ScmRepository } from '../../src/scm/provider.js';
import { collect } from '../contract/provider-contract.js';
import { createTestProviderDeps } from '../helpers/scm-http.js';
import { startGitLabTwin, type GitLabTwin } from '../twins/gitlab/index.js';

const projectCount = 10_000;
const maxPageSize = 100;
const bulk = { externalId: '400', name: 'bulk' };

describe('GitLab provider: a group with 10,000 projects', () => {
  let twin: GitLabTwin;
  const deps = createTestProviderDeps();
  const provider = () =>
    createGitLabProvider(
      { kind: 'gitlab', baseUrl: new URL(twin.url), target: 'bulk', token: 'glpat-bulk' },
      deps,
    );

  beforeAll(async () => {
    twin = await startGitLabTwin({
      users: [{ id: 11, username: 'alice' }],
      tokens: [{ value: 'glpat-bulk', user: 'alice', scopes: ['api'] }],
      groups: [
        {
          id: 400,
          path: 'bulk',
          members: [{ user: 'alice', accessLevel: 30 }],
          generatedProjects: { count: projectCount / 2, archivedEvery: 7 },
        },
        {
          id: 401,
          path: 'half',
          parent: 'bulk',
          generatedProjects: { count: projectCount / 2, prefix: 'sub' },
        },
      ],
    });
  });
  afterEach(() => {
    twin.faults.clear();
  });
  afterAll(async () => {
    await deps.close();
    await twin.close();
  });

  const expectEveryProjectOnce = (repos: readonly ScmRepository[]) => {
    expect(repos).toHaveLength(projectCount);
    expect(new Set(repos.map((repo) => repo.externalId)).size).toBe(projectCount);
  };

  it(`takes ceil(${projectCount} / ${maxPageSize}) requests at the largest page size`, async () => {
    const before = twin.count();
    const repos = await collect(provider().listRepositories(bulk));
    expectEveryProjectOnce(repos);
    expect(twin.count() - before).toBe(Math.ceil(projectCount / maxPageSize));
    const pages = twin.log.slice(before);
    expect(pages.every((request) => request.query.includes(`per_page=${maxPageSize}`))).toBe(true);
    expect(pages[0]!.query).toContain('include_subgroups=true');
    expect(pages[0]!.query).toContain('pagination=keyset');
  });

  it('completes through 5xx answers and a 429 with Retry-After, every project once', async () => {
    twin.faults.next({ kind: 'rate-limit', retryAfterSeconds: 1 }, 1, '/api/v4/groups/400/projects');
    twin.faults.every(9, { kind: 'status', status: 503 });
    const before = twin.count();
    const repos = await collect(provider().listRepositories(bulk));
    expectEveryProjectOnce(repos);
    const faults = twin.log.slice(before).filter((request) => request.fault !== undefined);
    expect(faults.map((request) => request.status)).toContain(429);
    expect(faults.map((request) => request.status)).toContain(503);
  });
});
