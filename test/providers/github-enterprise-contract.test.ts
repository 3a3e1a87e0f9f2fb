import { describe } from 'vitest';
import type { GitHubInstallationRef } from '../../src/scm/github/app-credentials.js';
import { createGitHubEnterpriseProvider } from '../../src/scm/github/enterprise.js';
import { runProviderContract } from '../contract/provider-contract.js';
import {
  acmeInstallation,
  labsAccount,
  labsInstallation,
  startEnterpriseHarness,
} from './github-enterprise-harness.js';
import { acmeAccount, acmeRepositoryCount } from './github-harness.js';

/**
 * The shared contract for an Enterprise Server connection: with the owner organization's installation only,
 * and with a second organization's installation as well (the checks run on `acme`, the owner organization).
 */
const cases: readonly { name: string; installations: readonly GitHubInstallationRef[] }[] = [
  { name: 'one installation', installations: [acmeInstallation] },
  { name: 'two installations', installations: [acmeInstallation, labsInstallation] },
];

describe.each(cases)('GitHub Enterprise Server connection ($name)', ({ name, installations }) => {
  runProviderContract(`github-enterprise connection, ${name}`, async () => {
    const harness = await startEnterpriseHarness();
    const { twin } = harness;
    const webShop = twin.state.requireRepo('acme/web-shop');
    const pull = twin.state.pull(webShop, 1)!;
    const mainSha = twin.state.git(webShop).branches.get('main')!;
    const appJs = twin.state.git(webShop).commits.get(mainSha)!.files.get('src/app.js')!;
    return {
      provider: harness.enterprise({ installations }),
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
      // The read-only app, installed on `acme` (4002, now uninstalled) and `acme-labs` (4003, suspended):
      // no installation of that connection can act.
      async breakToken() {
        twin.state.installations.delete(4002);
        const broken: GitHubInstallationRef[] = [{ installationId: '4002', account: acmeAccount }];
        if (installations.length > 1) broken.push({ installationId: '4003', account: labsAccount });
        return createGitHubEnterpriseProvider({
          clients: harness.clients('read-only-bot'),
          installations: broken,
          now: () => new Date(),
        });
      },
      twin,
      teardown: () => harness.close(),
    };
  });
});
