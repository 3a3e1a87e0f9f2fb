import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isScmError } from '../../src/scm/errors.js';
import { createGitHubAppClients } from '../../src/scm/github/app-clients.js';
import { collect } from '../contract/provider-contract.js';
import { createTestScmHttp, fastRetry } from '../helpers/scm-http.js';
import { startGitHubTwin, type GitHubTwin } from '../twins/github/index.js';
import { testPrivateKey } from '../twins/github/test-keys.js';
import { githubScenario } from './github-harness.js';
import { createGitHubProvider } from '../../src/scm/github/index.js';

/**
 * GitHub counts its primary rate limit per installation (and per app, per user), not per host: an installation
 * that spent its budget waits alone, and another installation of the same app on the same host goes on.
 */
describe('GitHub rate limits are per installation', () => {
  let twin: GitHubTwin;
  // Waits as long as the service does, so that a host-wide pause would show as a wait.
  const http = createTestScmHttp({ retry: { ...fastRetry, maxWaitMs: 60_000 } });
  const key = testPrivateKey();

  beforeEach(async () => {
    twin = await startGitHubTwin(
      githubScenario(key, {
        installations: [
          { id: 4001, app: 'acme-scanner', account: 'acme', repository_selection: 'all' },
          { id: 4004, app: 'acme-scanner', account: 'acme-labs', repository_selection: 'all' },
        ],
        rateLimit: { limit: 6 },
        secondaryLimits: { perMinute: 1 },
      }),
    );
  });
  afterEach(async () => {
    await http.close();
    await twin.close();
  });

  /** The providers of both installations (`acme`, `acme-labs`), sharing one app's clients as the service does. */
  const providers = () => {
    const app = twin.app('acme-scanner');
    const clients = createGitHubAppClients({
      credentials: {
        webUrl: new URL(twin.webUrl),
        apiUrl: new URL(twin.apiUrl),
        appId: String(app.id),
        slug: app.slug,
        clientId: app.clientId,
        clientSecret: app.clientSecret,
        privateKey: key,
        webhookSecret: 'unused',
      },
      createHttp: http.createHttp,
      now: () => new Date(),
      // Waits are not waited out here: a limit past a millisecond fails with its reset time.
      rateLimits: { maxWaitMs: 1, secondMs: 1 },
    });
    const provider = (installationId: string, id: string, login: string) =>
      createGitHubProvider({
        kind: 'github',
        clients,
        installation: { installationId, account: { id, login, type: 'Organization' } },
        now: () => new Date(),
      });
    return { acme: provider('4001', '5001', 'acme'), labs: provider('4004', '5002', 'acme-labs') };
  };

  it('an exhausted installation fails with its reset time while another one is served at once', async () => {
    const { acme, labs } = providers();
    const acmeOrg = { externalId: '5001', name: 'acme' };

    let refusal: unknown;
    for (let i = 0; i < 10 && refusal === undefined; i++) {
      await collect(acme.listRepositories(acmeOrg)).catch((error: unknown) => {
        refusal = error;
      });
    }
    expect(isScmError(refusal) && refusal.kind, String(refusal)).toBe('rate-limited');
    if (isScmError(refusal)) expect(refusal.retryAt!.getTime()).toBeGreaterThan(Date.now());

    const started = Date.now();
    const repositories = await collect(labs.listRepositories({ externalId: '5002', name: 'acme-labs' }));
    expect(repositories.map((repo) => repo.name)).toEqual(['experiments']);
    expect(Date.now() - started, 'no pause carried over from the other installation').toBeLessThan(1000);
  });

  it('a secondary limit one installation tripped (retry-after) pauses neither the other installation nor the host', async () => {
    const { acme, labs } = providers();
    const pr = { repository: { externalId: '7001', fullName: 'acme/web-shop' }, number: 1 };
    await acme.comments!.createComment(pr, 'first');
    const refused = await acme.comments!.createComment(pr, 'second').catch((error: unknown) => error);
    expect(isScmError(refused) && refused.kind, String(refused)).toBe('rate-limited');

    const started = Date.now();
    await collect(labs.listRepositories({ externalId: '5002', name: 'acme-labs' }));
    expect(Date.now() - started, 'the other installation did not wait out the retry-after').toBeLessThan(
      1000,
    );
  });
});
