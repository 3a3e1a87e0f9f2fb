import type { Config } from '../config/config.js';
import type { ScmKindId } from '../core/scm-kinds.js';
import { createAzureDevOpsProvider } from '../scm/azure-devops/index.js';
import { createBitbucketCloudProvider } from '../scm/bitbucket-cloud/index.js';
import { createBitbucketDataCenterProvider } from '../scm/bitbucket-data-center/index.js';
import type { ConnectableProvider, ConnectionSettings, ProviderFactory } from '../scm/connection-settings.js';
import { createGitLabProvider } from '../scm/gitlab/index.js';
import { createScmHttp, type ScmHttpShared } from '../scm/http/index.js';

const factories: Partial<Record<ScmKindId, ProviderFactory>> = {
  gitlab: createGitLabProvider,
  'gitlab-self-managed': createGitLabProvider,
  'bitbucket-cloud': createBitbucketCloudProvider,
  'bitbucket-data-center': createBitbucketDataCenterProvider,
  'azure-devops': createAzureDevOpsProvider,
};

export interface ProviderEnvironment {
  readonly config: Config;
  readonly scmShared: ScmHttpShared;
}

/**
 * The provider for one connection of one account: its HTTP client carries the operator's address policy for
 * that account (so an allowlist entry scoped to another account does not open anything here).
 */
export function providerFor(
  env: ProviderEnvironment,
  accountId: string,
  settings: ConnectionSettings,
): ConnectableProvider {
  const factory = factories[settings.kind];
  if (!factory) throw new Error(`no provider for ${settings.kind}`);
  return factory(settings, {
    now: () => new Date(),
    createHttp: (options) =>
      createScmHttp({
        ...options,
        policy: { allowlist: env.config.allowedHosts, accountId },
        shared: env.scmShared,
        allowHttp: env.config.allowHttp,
      }),
  });
}
