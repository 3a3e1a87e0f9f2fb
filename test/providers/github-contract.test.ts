import { describe } from 'vitest';
import { runProviderContract } from '../contract/provider-contract.js';
import { acmeAccount, acmeRepositoryCount, startGitHubHarness } from './github-harness.js';

describe.each(['cloud', 'enterprise'] as const)('GitHub (%s)', (flavor) => {
  runProviderContract(`github ${flavor}`, async () => {
    const harness = await startGitHubHarness(flavor);
    const { twin } = harness;
    const webShop = twin.state.requireRepo('acme/web-shop');
    const pull = twin.state.pull(webShop, 1)!;
    const mainSha = twin.state.git(webShop).branches.get('main')!;
    const appJs = twin.state.git(webShop).commits.get(mainSha)!.files.get('src/app.js')!;
    return {
      provider: harness.provider(),
      expected: {
        organization: 'acme',
        repositoryCount: acmeRepositoryCount,
        someRepository: {
          externalId: '7002',
          name: 'payments',
          defaultBranch: 'main',
          archived: false,
          visibility: 'private',
        },
        memberCount: 3,
        someMember: { login: 'octo-admin', role: 'admin' },
      },
      // The demo pull request changes `src/app.js` lines 1-3 (line 3 added); the file has no line 40.
      pullRequest: {
        ref: { repository: { externalId: String(webShop.id), fullName: 'acme/web-shop' }, number: 1 },
        inline: { path: 'src/app.js', line: 3, commitSha: pull.headSha },
        offDiffLine: 40,
      },
      // The same pull request; wes-writer and rita-reader are outside collaborators of acme/web-shop.
      commenter: {
        ref: { repository: { externalId: String(webShop.id), fullName: 'acme/web-shop' }, number: 1 },
        inline: { path: 'src/app.js', line: 3, commitSha: pull.headSha },
        offDiff: { path: 'src/app.js', line: 40, commitSha: pull.headSha },
        people: {
          writer: { id: '1004', login: 'wes-writer' },
          reader: { id: '1005', login: 'rita-reader' },
        },
      },
      ciRepository: { externalId: '7002', fullName: 'acme/payments', defaultBranch: 'main' },
      file: {
        repository: { externalId: String(webShop.id), fullName: 'acme/web-shop' },
        commitSha: mainSha,
        path: 'src/app.js',
        content: appJs.toString('utf8'),
        directory: 'src',
      },
      // The read-only app's installation on `acme` (4002) is uninstalled: its token can no longer be minted.
      async breakToken() {
        twin.state.installations.delete(4002);
        return harness.provider({
          installationId: '4002',
          account: acmeAccount,
          clients: harness.clients('read-only-bot'),
        });
      },
      twin,
      teardown: () => harness.close(),
    };
  });
});
