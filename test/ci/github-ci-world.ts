import { createGitHubAppClients } from '../../src/scm/github/app-clients.js';
import type { ContentLimits } from '../../src/scm/github/content-pacer.js';
import { createGitHubProvider, type GitHubInstallationProvider } from '../../src/scm/github/index.js';
import { createTestScmHttp } from '../helpers/scm-http.js';
import { acmeAccount, githubScenario } from '../providers/github-harness.js';
import { startGitHubTwin, type GitHubFlavor, type GitHubTwin } from '../twins/github/index.js';
import type { GitHubScenario } from '../twins/github/scenario.js';
import { testPrivateKey } from '../twins/github/test-keys.js';

export interface GitHubCiWorld {
  readonly twin: GitHubTwin;
  /** The provider of installation 4001 on `acme`, with clients made for it (nothing cached yet). */
  provider(options?: { contentLimits?: ContentLimits }): GitHubInstallationProvider;
  close(): Promise<void>;
}

/**
 * A GitHub twin (cloud or enterprise) and the real provider over the guarded HTTP layer, writes spaced by 0 ms
 * instead of GitHub's advised second so that a test is not minutes long; content creation stays paced.
 */
export async function startGitHubCiWorld(
  flavor: GitHubFlavor,
  scenario: (privateKey: string) => GitHubScenario = githubScenario,
): Promise<GitHubCiWorld> {
  const privateKey = testPrivateKey();
  const twin = await startGitHubTwin(scenario(privateKey), { flavor });
  const http = createTestScmHttp();
  const app = twin.app('acme-scanner');
  return {
    twin,
    provider(options = {}) {
      const clients = createGitHubAppClients({
        credentials: {
          webUrl: new URL(twin.webUrl),
          apiUrl: new URL(twin.apiUrl),
          appId: String(app.id),
          slug: app.slug,
          clientId: app.clientId,
          clientSecret: app.clientSecret,
          privateKey,
          webhookSecret: 'unused',
        },
        createHttp: http.createHttp,
        now: () => new Date(),
        rateLimits: { secondMs: 1, writeSpacingMs: 0 },
        ...(options.contentLimits ? { contentLimits: options.contentLimits } : {}),
      });
      return createGitHubProvider({
        kind: flavor === 'cloud' ? 'github' : 'github-enterprise',
        clients,
        installation: { installationId: '4001', account: acmeAccount },
        now: () => new Date(),
      });
    },
    async close() {
      await http.close();
      await twin.close();
    },
  };
}
