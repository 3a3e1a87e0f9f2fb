import type { Config } from '../config/config.js';
import type { ScmKindId } from '../core/scm-kinds.js';
import { createAzureDevOpsProvider } from '../scm/azure-devops/index.js';
import { createBitbucketCloudProvider } from '../scm/bitbucket-cloud/index.js';
import { createBitbucketDataCenterProvider } from '../scm/bitbucket-data-center/index.js';
import type {
  ConnectableProvider,
  ConnectionSettings,
  CreateScmHttp,
  ProviderFactory,
} from '../scm/connection-settings.js';
import { createGitLabProvider } from '../scm/gitlab/index.js';
import { createScmHttp, type ScmHttp, type ScmHttpShared } from '../scm/http/index.js';

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
 * Runs `use` with the provider for one connection of one account. Its HTTP clients carry the operator's address
 * policy for that account (an allowlist entry scoped to another account opens nothing here), and their
 * connections to the SCM are closed when the work is done.
 */
export async function withProvider<T>(
  env: ProviderEnvironment,
  accountId: string,
  settings: ConnectionSettings,
  use: (provider: ConnectableProvider) => Promise<T>,
): Promise<T> {
  const factory = factories[settings.kind];
  if (!factory) throw new Error(`no provider for ${settings.kind}`);
  const clients: ScmHttp[] = [];
  const provider = factory(settings, {
    now: () => new Date(),
    createHttp: (options) => {
      const client = accountHttp(env, accountId, options);
      clients.push(client);
      return client;
    },
  });
  try {
    return await use(provider);
  } finally {
    await Promise.allSettled(clients.map((client) => client.close()));
  }
}

/** A guarded client that calls out with the operator's address policy for `accountId`. */
const accountHttp = (
  env: ProviderEnvironment,
  accountId: string,
  options: Parameters<CreateScmHttp>[0],
): ScmHttp =>
  createScmHttp({
    ...options,
    policy: { allowlist: env.config.allowedHosts, accountId },
    shared: env.scmShared,
    allowHttp: env.config.allowHttp,
  });

/** Runs `use` with a guarded client for one call of `accountId` to an instance (closed afterwards). */
export async function withHttpFor<T>(
  env: ProviderEnvironment,
  accountId: string,
  options: Parameters<CreateScmHttp>[0],
  use: (http: ScmHttp) => Promise<T>,
): Promise<T> {
  const http = accountHttp(env, accountId, options);
  try {
    return await use(http);
  } finally {
    await http.close();
  }
}
