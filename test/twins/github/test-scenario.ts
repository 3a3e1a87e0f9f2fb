import { demoGitHubScenario, type GitHubScenario } from './scenario.js';

/**
 * The demo scenario plus what the twin's own tests need: a known private key, a second app installed on
 * selected repositories with narrow permissions, and a suspended installation.
 */
export function testGitHubScenario(
  privateKeyPem: string,
  extra: Partial<GitHubScenario> = {},
): GitHubScenario {
  const demo = demoGitHubScenario();
  const scanner = demo.apps![0]!;
  return {
    ...demo,
    apps: [
      { ...scanner, private_key: privateKeyPem },
      {
        id: 3002,
        slug: 'read-only-bot',
        name: 'Read-only Bot',
        client_id: 'Iv23liReadOnlyBot01',
        client_secret: 'read-only-secret',
        private_key: privateKeyPem,
        permissions: { metadata: 'read', contents: 'read', pull_requests: 'read' },
        events: [],
        owner: 'acme',
        public: true,
      },
    ],
    installations: [
      ...(demo.installations ?? []),
      {
        id: 4002,
        app: 'read-only-bot',
        account: 'acme',
        repository_selection: 'selected',
        repositories: ['web-shop'],
      },
      { id: 4003, app: 'read-only-bot', account: 'acme-labs', repository_selection: 'all', suspended: true },
    ],
    ...extra,
  };
}
