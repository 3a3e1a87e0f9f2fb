import { wrongKindError, type ProviderFactory } from '../connection-settings.js';
import { createLinkBuilder } from '../links/index.js';
import type { ScmOrganization } from '../provider.js';
import { createGitLabCiClient } from './ci-client.js';
import { createGitLabCiSecrets } from './ci-secrets.js';
import { createGitLabCiWriter } from './ci.js';
import { createGitLabClient } from './client.js';
import { createGitLabCommenter } from './comments.js';
import { resolveGroup, toOrganization, type GitLabContext } from './connection-checks.js';
import { createGitLabFileReader } from './files.js';
import { createGitLabHooks } from './hooks.js';
import { checkGitLabMember, listGitLabMembers } from './members.js';
import { createGitLabMergeRequestClient } from './merge-request-client.js';
import { listGitLabRepositories } from './repos.js';
import { testGitLabConnection } from './test-connection.js';
import { validateGitLab } from './validate.js';

/**
 * GitLab Cloud (`gitlab`) and GitLab Self-Managed (`gitlab-self-managed`): one connection per top-level group,
 * subgroups included. `settings.baseUrl` is the instance root (https://gitlab.com or the admin's URL); the
 * API is under `/api/v4`. The token (personal or group access token, `api` scope) goes in `PRIVATE-TOKEN`.
 */
export const createGitLabProvider: ProviderFactory = (settings, deps) => {
  const kind = settings.kind;
  if (kind !== 'gitlab' && kind !== 'gitlab-self-managed') {
    throw wrongKindError('GitLab', kind);
  }
  const http = deps.createHttp({
    baseUrl: settings.baseUrl,
    ...(settings.caPem === undefined ? {} : { caPem: settings.caPem }),
    auth: () => ({ 'private-token': settings.token }),
  });
  const client = createGitLabClient(http);
  const context: GitLabContext = {
    kind,
    client,
    target: settings.target,
    host: settings.baseUrl.host,
    now: deps.now,
  };
  const webRoot = (settings.webUrl ?? settings.baseUrl).href;
  const links = createLinkBuilder(kind, { webUrl: webRoot });
  const ciClient = createGitLabCiClient(http);

  return {
    kind,
    capabilities: {
      members: true,
      comments: true,
      inlineComments: true,
      ci: true,
      webhooks: true,
      files: true,
    },
    members: {
      listMembers: (org) => listGitLabMembers(client, org),
      checkMember: (org, user) => checkGitLabMember(client, org, user),
    },
    comments: createGitLabCommenter(client, createGitLabMergeRequestClient(http), webRoot),
    ci: createGitLabCiWriter(ciClient, webRoot),
    // Unprotected, so that merge request pipelines get the token too (see ci-secrets.ts).
    ciSecrets: createGitLabCiSecrets(ciClient),
    webhooks: createGitLabHooks(context),
    files: createGitLabFileReader(client),
    validate: () => validateGitLab(context),
    testConnection: () => testGitLabConnection(context),
    async *listOrganizations(): AsyncGenerator<ScmOrganization> {
      yield toOrganization(await resolveGroup(context));
    },
    listRepositories: (org) => listGitLabRepositories(client, org),
    fileUrl: (location) => links.fileUrl(location),
  };
};
