import type { ConnectableProvider } from '../../src/scm/connection-settings.js';
import type { GitHubAppClients } from '../../src/scm/github/app-clients.js';
import type { GitHubAccountRef, GitHubInstallationRef } from '../../src/scm/github/app-credentials.js';
import { createGitHubEnterpriseProvider } from '../../src/scm/github/enterprise.js';
import type { GitHubScenario } from '../twins/github/scenario.js';
import { acmeAccount, githubScenario, startGitHubHarness, type GitHubHarness } from './github-harness.js';

export const labsAccount: GitHubAccountRef = { id: '5002', login: 'acme-labs', type: 'Organization' };

/** The scanner app's installations: the owner organization `acme` (4001) first, then `acme-labs` (4004). */
export const acmeInstallation: GitHubInstallationRef = { installationId: '4001', account: acmeAccount };
export const labsInstallation: GitHubInstallationRef = { installationId: '4004', account: labsAccount };

/**
 * The provider scenario (`acme` with 153 repositories, the scanner app on `acme` as 4001) with the same app also
 * installed on `acme-labs` (4004, all repositories) and an open pull request on `acme-labs/experiments`.
 */
export function enterpriseScenario(privateKey: string): GitHubScenario {
  const base = githubScenario(privateKey);
  return {
    ...base,
    installations: [
      ...base.installations!,
      { id: 4004, app: 'acme-scanner', account: 'acme-labs', repository_selection: 'all' },
    ],
    pullRequests: [
      ...(base.pullRequests ?? []),
      {
        repo: 'acme-labs/experiments',
        number: 1,
        title: 'Try a parser',
        author: 'dev-dana',
        head: 'feature/parser',
        files: [
          {
            filename: 'src/parser.js',
            status: 'added',
            patch: '@@ -0,0 +1,2 @@\n+const input = process.argv[2];\n+eval(input);',
          },
        ],
      },
    ],
  };
}

export interface EnterpriseHarness extends GitHubHarness {
  /** A connection of the scanner app with `installations` (both, the owner's first, by default). */
  enterprise(options?: {
    installations?: readonly GitHubInstallationRef[];
    clients?: GitHubAppClients;
  }): ConnectableProvider;
}

/** The enterprise GitHub twin serving {@link enterpriseScenario}, and Enterprise Server connections to it. */
export async function startEnterpriseHarness(): Promise<EnterpriseHarness> {
  const harness = await startGitHubHarness('enterprise', enterpriseScenario);
  return {
    ...harness,
    enterprise: (options = {}) =>
      createGitHubEnterpriseProvider({
        clients: options.clients ?? harness.clients(),
        installations: options.installations ?? [acmeInstallation, labsInstallation],
        now: () => new Date(),
      }),
  };
}
