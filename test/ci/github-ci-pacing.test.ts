import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContentLimits } from '../../src/scm/github/content-pacer.js';
import { githubScenario } from '../providers/github-harness.js';
import { startGitHubCiWorld, type GitHubCiWorld } from './github-ci-world.js';

/** GitHub's 80 a minute, scaled down: 3 content creations a second per installation, on both sides. */
const limits: ContentLimits = { perMinute: 3, minuteMs: 1_000, perHour: 1_000, hourMs: 3_600_000 };
const names = (prefix: string) => [1, 2, 3, 4].map((n) => `${prefix}-${n}`);

const template = {
  path: '.github/workflows/scan.yml',
  content: 'name: scan\n',
  branch: 'scanner/add-ci',
  commitMessage: 'Add the scanner CI job',
  pullRequest: { title: 'Add code scanning', description: 'Adds the scanner CI job.' },
};

describe('GitHub CI writes are paced per installation', () => {
  let world: GitHubCiWorld;
  beforeAll(async () => {
    world = await startGitHubCiWorld('cloud', (key) => {
      const base = githubScenario(key, { secondaryLimits: limits });
      const [acme, ...orgs] = base.orgs;
      const repos = [...names('paced'), ...names('unpaced')].map((name, i) => ({ name, id: 7400 + i }));
      return { ...base, orgs: [{ ...acme!, repos: [...acme!.repos!, ...repos] }, ...orgs] };
    });
  });
  afterAll(() => world.close());

  /** Branch, file, pull request and secret for each repository, all at once: 16 content creations. */
  const bulk = (provider: ReturnType<GitHubCiWorld['provider']>, prefix: string) =>
    Promise.allSettled(
      names(prefix).map(async (name) => {
        const repo = world.twin.state.requireRepo(`acme/${name}`);
        const target = { externalId: String(repo.id), fullName: `acme/${name}`, defaultBranch: 'main' };
        const result = await provider.ci.ensureCiJob(target, template);
        await provider.ciSecrets.putSecret(target, 'SCANNER_TOKEN', `token-${name}`);
        return result.outcome;
      }),
    );

  it('finishes every write with no secondary-limit refusal when paced to the limits', async () => {
    const started = Date.now();
    const results = await bulk(world.provider({ contentLimits: limits }), 'paced');
    expect(results).toEqual(names('paced').map(() => ({ status: 'fulfilled', value: 'opened' })));
    expect(world.twin.secondaryLimitRefusals()).toBe(0);
    // 16 creations at 3 a second cannot be done in less than 4 seconds.
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_000);
    for (const name of names('paced')) {
      expect(world.twin.actionsSecret(`acme/${name}`, 'SCANNER_TOKEN')).toBe(`token-${name}`);
    }
  });

  it('trips the limits without the pacer (the control)', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await bulk(world.provider({ contentLimits: { perMinute: 1_000, perHour: 1_000 } }), 'unpaced');
    expect(world.twin.secondaryLimitRefusals()).toBeGreaterThan(0);
  });
});
