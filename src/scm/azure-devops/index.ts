import { wrongKindError, type ProviderFactory } from '../connection-settings.js';
import { createLinkBuilder } from '../links/index.js';
import type { ScmOrganization } from '../provider.js';
import { createAzureDevOpsCiWriter } from './ci.js';
import { createAdoCiClient } from './ci-client.js';
import { createAzureDevOpsCiSecrets } from './ci-secrets.js';
import { createAdoClient } from './client.js';
import { createAzureDevOpsCommenter } from './comments.js';
import { resolveOrganization, type AdoContext } from './connection-checks.js';
import { createAzureDevOpsFileReader } from './files.js';
import { createAzureDevOpsHooks } from './hooks.js';
import { listAzureDevOpsMembers } from './members.js';
import { createAdoPullRequestClient } from './pull-request-client.js';
import { listAzureDevOpsRepositories } from './repos.js';
import { testAzureDevOpsConnection } from './test-connection.js';
import { validateAzureDevOps } from './validate.js';

/** A project's repository list is one unpaginated answer; 10,000 repositories are about 9 MiB of JSON. */
const maxResponseBytes = 64 * 1024 * 1024;

/** User entitlements (`vsaex`) and the Graph (`vssps`) have their own hosts in the cloud; elsewhere the same one. */
function serviceBaseUrl(baseUrl: URL, service: 'vsaex' | 'vssps'): URL {
  return baseUrl.hostname === 'dev.azure.com' ? new URL(`https://${service}.dev.azure.com`) : baseUrl;
}

/**
 * Azure DevOps: one connection per organization. `settings.baseUrl` is the cloud root (https://dev.azure.com);
 * the API is under `/{org}/_apis` with `api-version=7.1`. The PAT goes in Basic auth with an empty user name.
 */
export const createAzureDevOpsProvider: ProviderFactory = (settings, deps) => {
  if (settings.kind !== 'azure-devops') {
    throw wrongKindError('Azure DevOps', settings.kind);
  }
  const auth = () => ({ authorization: `Basic ${Buffer.from(`:${settings.token}`).toString('base64')}` });
  const ca = settings.caPem === undefined ? {} : { caPem: settings.caPem };
  const http = deps.createHttp({ baseUrl: settings.baseUrl, ...ca, auth, maxResponseBytes });
  const hostFor = (service: 'vsaex' | 'vssps') => {
    const baseUrl = serviceBaseUrl(settings.baseUrl, service);
    return baseUrl === settings.baseUrl ? http : deps.createHttp({ baseUrl, ...ca, auth });
  };
  const graphHttp = hostFor('vssps');
  const client = createAdoClient({ http, entitlementsHttp: hostFor('vsaex'), graphHttp }, settings.target);
  // Legacy identities live on the Graph's host (vssps) too.
  const prs = createAdoPullRequestClient({ http, identityHttp: graphHttp }, settings.target);
  const webRoot = (settings.webUrl ?? settings.baseUrl).href.replace(/\/+$/, '');
  const context: AdoContext = { client, organization: settings.target, webRoot, now: deps.now };
  const links = createLinkBuilder('azure-devops', { webUrl: webRoot });
  const ciClient = createAdoCiClient(http, settings.target);

  return {
    kind: 'azure-devops',
    capabilities: {
      members: true,
      comments: true,
      inlineComments: true,
      ci: true,
      webhooks: true,
      files: true,
    },
    members: { listMembers: (org) => listAzureDevOpsMembers(context, org) },
    comments: createAzureDevOpsCommenter({ ctx: context, prs }),
    ci: createAzureDevOpsCiWriter(context, ciClient),
    ciSecrets: createAzureDevOpsCiSecrets(context, ciClient),
    webhooks: createAzureDevOpsHooks(context),
    files: createAzureDevOpsFileReader(context),
    validate: () => validateAzureDevOps(context),
    testConnection: () => testAzureDevOpsConnection(context),
    async *listOrganizations(): AsyncGenerator<ScmOrganization> {
      yield (await resolveOrganization(context)).organization;
    },
    listRepositories: (org) => listAzureDevOpsRepositories(client, webRoot, org),
    fileUrl: (location) => links.fileUrl(location),
  };
};
