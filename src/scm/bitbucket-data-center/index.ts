import { wrongKindError, type ProviderFactory } from '../connection-settings.js';
import { createLinkBuilder } from '../links/index.js';
import type { ScmOrganization } from '../provider.js';
import { createBbdcClient } from './client.js';
import { createBbdcCommenter } from './comments.js';
import { readServerVersion, resolveProject, toOrganization, type BbdcContext } from './connection-checks.js';
import { createBbdcFileReader } from './files.js';
import { createBbdcHooks } from './hooks.js';
import { listBbdcMembers } from './members.js';
import { createBbdcPullRequestClient } from './pull-request-client.js';
import { listBbdcRepositories } from './repos.js';
import { testBbdcConnection } from './test-connection.js';
import { validateBbdc } from './validate.js';

/**
 * Bitbucket Data Center: one connection per project (key). `settings.baseUrl` is the instance root including
 * any context path (`https://git.example.com/bitbucket`); the API is under `/rest/api/1.0`. The HTTP access
 * token goes in `Authorization: Bearer` (project and repository tokens work with nothing else).
 */
export const createBitbucketDataCenterProvider: ProviderFactory = (settings, deps) => {
  if (settings.kind !== 'bitbucket-data-center') {
    throw wrongKindError('Bitbucket Data Center', settings.kind);
  }
  const http = deps.createHttp({
    baseUrl: settings.baseUrl,
    ...(settings.caPem === undefined ? {} : { caPem: settings.caPem }),
    auth: () => ({ authorization: `Bearer ${settings.token}` }),
  });
  const client = createBbdcClient(http);
  const webRoot = (settings.webUrl ?? settings.baseUrl).href.replace(/\/+$/, '');
  const context: BbdcContext = { client, projectKey: settings.target, webRoot, now: deps.now };
  const links = createLinkBuilder('bitbucket-data-center', { webUrl: webRoot });
  // The version picks the default-branch and build-status resources; asked once per provider.
  let version: Promise<string> | undefined;
  const serverVersion = () =>
    (version ??= readServerVersion(context).catch((error: unknown) => {
      version = undefined;
      throw error;
    }));

  return {
    kind: 'bitbucket-data-center',
    capabilities: {
      members: true,
      comments: true,
      inlineComments: true,
      ci: false,
      webhooks: true,
      files: true,
    },
    members: { listMembers: (org) => listBbdcMembers(client, org) },
    comments: createBbdcCommenter(context, createBbdcPullRequestClient(http), serverVersion),
    webhooks: createBbdcHooks(context),
    files: createBbdcFileReader(context),
    validate: () => validateBbdc(context),
    testConnection: () => testBbdcConnection(context),
    async *listOrganizations(): AsyncGenerator<ScmOrganization> {
      // The version is read with the project, so that the repository listing after it needs no more.
      const [{ project }] = await Promise.all([resolveProject(context), serverVersion()]);
      yield toOrganization(context, project);
    },
    listRepositories: (org) => listBbdcRepositories(client, webRoot, org, serverVersion),
    fileUrl: (location) => links.fileUrl(location),
  };
};
