import { createGitHubAppClients, type GitHubAppClients } from '../../src/scm/github/app-clients.js';
import type { GitHubAccountRef, GitHubAppCredentials } from '../../src/scm/github/app-credentials.js';
import { createGitHubProvider } from '../../src/scm/github/index.js';
import type { ConnectableProvider } from '../../src/scm/connection-settings.js';
import { createTestScmHttp } from '../helpers/scm-http.js';
import { startGitHubTwin, type GitHubFlavor, type GitHubTwin } from '../twins/github/index.js';
import type { GitHubScenario } from '../twins/github/scenario.js';
import { testPrivateKey } from '../twins/github/test-keys.js';
import { testGitHubScenario } from '../twins/github/test-scenario.js';

/** 3 seeded repositories of `acme` + 150 generated, so that a listing spans two pages of 100. */
export const acmeRepositoryCount = 153;

export const acmeAccount: GitHubAccountRef = { id: '5001', login: 'acme', type: 'Organization' };

/** Every permission scm-connect asks its app for (`neededAppPermissions`), plus `issues: write`. */
export const fullPermissions = {
  metadata: 'read',
  contents: 'write',
  pull_requests: 'write',
  issues: 'write',
  members: 'read',
  workflows: 'write',
  checks: 'write',
  secrets: 'write',
} as const;

/**
 * The twin's test scenario with `acme` holding 150 more repositories, the scanner app (3001, installed on `acme`
 * as 4001) granted every permission scm-connect needs and delivering its webhook to a receiver URL.
 */
export function githubScenario(privateKey: string, extra: Partial<GitHubScenario> = {}): GitHubScenario {
  const base = testGitHubScenario(privateKey);
  const [acme, ...orgs] = base.orgs;
  const [scanner, ...apps] = base.apps!;
  return {
    ...base,
    orgs: [{ ...acme!, generatedRepos: { count: 150, prefix: 'svc' } }, ...orgs],
    apps: [
      {
        ...scanner!,
        permissions: fullPermissions,
        events: [...(scanner!.events ?? []), 'repository'],
        webhook_url: 'https://scm-connect.example.test/webhooks/github',
      },
      ...apps,
    ],
    ...extra,
  };
}

export interface GitHubHarness {
  readonly twin: GitHubTwin;
  readonly privateKey: string;
  /** The clients of an app of the twin (`acme-scanner` by default), made once per slug and key. */
  clients(slug?: string, privateKey?: string): GitHubAppClients;
  /** New clients with nothing cached (no installation token yet). */
  freshClients(slug?: string, privateKey?: string): GitHubAppClients;
  /** A provider for an installation (4001 on `acme` by default). */
  provider(options?: {
    installationId?: string;
    account?: GitHubAccountRef;
    clients?: GitHubAppClients;
  }): ConnectableProvider;
  close(): Promise<void>;
}

/** A GitHub twin (cloud or enterprise) and providers talking to it through the guarded HTTP layer. */
export async function startGitHubHarness(
  flavor: GitHubFlavor,
  scenario: (privateKey: string) => GitHubScenario = githubScenario,
): Promise<GitHubHarness> {
  const privateKey = testPrivateKey();
  const twin = await startGitHubTwin(scenario(privateKey), { flavor });
  const http = createTestScmHttp();
  const made = new Map<string, GitHubAppClients>();
  const kind = flavor === 'cloud' ? 'github' : 'github-enterprise';

  const credentials = (slug: string, key: string): GitHubAppCredentials => {
    const app = twin.app(slug);
    return {
      webUrl: new URL(twin.webUrl),
      apiUrl: new URL(twin.apiUrl),
      appId: String(app.id),
      slug,
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      privateKey: key,
      webhookSecret: app.webhookSecret ?? 'unused',
    };
  };
  const freshClients = (slug = 'acme-scanner', key = privateKey): GitHubAppClients =>
    createGitHubAppClients({
      credentials: credentials(slug, key),
      createHttp: http.createHttp,
      now: () => new Date(),
      rateLimits: { secondMs: 1 },
    });
  const clients = (slug = 'acme-scanner', key = privateKey): GitHubAppClients => {
    const id = `${slug}|${key}`;
    let found = made.get(id);
    if (!found) {
      found = freshClients(slug, key);
      made.set(id, found);
    }
    return found;
  };

  return {
    twin,
    privateKey,
    clients,
    freshClients,
    provider: (options = {}) =>
      createGitHubProvider({
        kind,
        clients: options.clients ?? clients(),
        installation: {
          installationId: options.installationId ?? '4001',
          account: options.account ?? acmeAccount,
        },
        now: () => new Date(),
      }),
    async close() {
      // Closes every HTTP client the app clients made (closing both would close them twice).
      await http.close();
      await twin.close();
    },
  };
}
