import { wrongKindError, type ProviderFactory } from '../connection-settings.js';
import { createLinkBuilder } from '../links/index.js';
import type { ScmOrganization } from '../provider.js';
import { createBitbucketCloudCiWriter } from './ci.js';
import { createBitbucketCiClient } from './ci-client.js';
import { createBitbucketCloudCiSecrets } from './ci-secrets.js';
import { createBitbucketClient } from './client.js';
import { createBitbucketCloudCommenter } from './comments.js';
import { resolveWorkspace, toOrganization, type BitbucketContext } from './connection-checks.js';
import { createBitbucketCloudFileReader } from './files.js';
import { createBitbucketCloudHooks } from './hooks.js';
import { listBitbucketMembers } from './members.js';
import { createPullRequestClient } from './pull-request-client.js';
import { listBitbucketRepositories } from './repos.js';
import { testBitbucketCloudConnection } from './test-connection.js';
import { validateBitbucketCloud } from './validate.js';

const defaultWebRoot = 'https://bitbucket.org';

/**
 * Bitbucket Cloud: one connection per workspace. `settings.baseUrl` is the API host root
 * (https://api.bitbucket.org; the API is under `/2.0`), `settings.webUrl` the web root for links
 * (default https://bitbucket.org). A workspace access token goes as `Bearer`; an Atlassian API token goes with
 * `settings.email` as Basic auth.
 */
export const createBitbucketCloudProvider: ProviderFactory = (settings, deps) => {
  if (settings.kind !== 'bitbucket-cloud') {
    throw wrongKindError('Bitbucket Cloud', settings.kind);
  }
  const email = settings.email?.trim();
  const credential = email ? 'api-token' : 'access-token';
  const authorization = email
    ? `Basic ${Buffer.from(`${email}:${settings.token}`).toString('base64')}`
    : `Bearer ${settings.token}`;
  const http = deps.createHttp({
    baseUrl: settings.baseUrl,
    ...(settings.caPem === undefined ? {} : { caPem: settings.caPem }),
    auth: () => ({ authorization }),
  });
  const client = createBitbucketClient(http);
  const webRoot = settings.webUrl ?? new URL(defaultWebRoot);
  const context: BitbucketContext = {
    kind: settings.kind,
    client,
    credential,
    target: settings.target,
    webRoot,
    now: deps.now,
  };
  const pullRequests = createPullRequestClient(http);
  const ciClient = createBitbucketCiClient(http);
  const links = createLinkBuilder(settings.kind, { webUrl: webRoot.href });

  return {
    kind: settings.kind,
    capabilities: {
      members: true,
      comments: true,
      inlineComments: true,
      ci: true,
      webhooks: true,
      files: true,
    },
    comments: createBitbucketCloudCommenter(context, pullRequests),
    ci: createBitbucketCloudCiWriter({ client, ci: ciClient, credential, webRoot }),
    ciSecrets: createBitbucketCloudCiSecrets(ciClient, credential),
    members: { listMembers: (org) => listBitbucketMembers(client, credential, org) },
    webhooks: createBitbucketCloudHooks(context),
    files: createBitbucketCloudFileReader(client),
    validate: () => validateBitbucketCloud(context),
    testConnection: () => testBitbucketCloudConnection(context, pullRequests),
    async *listOrganizations(): AsyncGenerator<ScmOrganization> {
      const { workspace } = await resolveWorkspace(context);
      yield toOrganization(workspace, webRoot);
    },
    listRepositories: (org) => listBitbucketRepositories(client, org, webRoot),
    fileUrl: (location) => links.fileUrl(location),
  };
};
