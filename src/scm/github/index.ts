import type { ConnectableProvider } from '../connection-settings.js';
import { createLinkBuilder } from '../links/index.js';
import type { CiSecretStore, CiWriter, FileReader, MemberLister, PullRequestCommenter } from '../provider.js';
import type { GitHubAppClients } from './app-clients.js';
import type { GitHubInstallationRef } from './app-credentials.js';
import { createGitHubCiWriter } from './ci.js';
import { createGitHubCiSecretStore } from './ci-secrets.js';
import { createGitHubCommenter } from './comments.js';
import { createGitHubFileReader } from './files.js';
import { checkGitHubMember, listGitHubMembers } from './members.js';
import { createGitHubContext, type GitHubContext } from './provider-context.js';
import { listGitHubOrganizations, listGitHubRepositories } from './repos.js';
import { testGitHubConnection } from './test-connection.js';
import { validateGitHub } from './validate.js';

export interface GitHubProviderOptions {
  /** `github` (github.com) or `github-enterprise` (an Enterprise Server: its API under `/api/v3`). */
  readonly kind: 'github' | 'github-enterprise';
  /** The clients of the app the installation belongs to; installation tokens are minted and cached there. */
  readonly clients: GitHubAppClients;
  /** The linked installation and the account (organization or user) it is on. */
  readonly installation: GitHubInstallationRef;
  readonly now: () => Date;
}

/** What a provider of one installation offers of the contract's optional parts: all but webhook registration. */
export type GitHubInstallationProvider = ConnectableProvider & {
  readonly members: Required<MemberLister>;
  readonly comments: Required<PullRequestCommenter>;
  readonly ci: CiWriter;
  readonly ciSecrets: CiSecretStore;
  readonly files: FileReader;
};

/**
 * GitHub Cloud and GitHub Enterprise Server: one provider per linked installation of a GitHub App. Repositories,
 * members, comments and CI files are reached as the installation (a token minted from the app's JWT, cached
 * until shortly before it expires); the app and its installation are checked with the JWT. A GitHub App has one
 * app-level webhook set at registration, so there is nothing to register per connection (`webhooks: false`).
 */
export function createGitHubProvider(options: GitHubProviderOptions): GitHubInstallationProvider {
  return createGitHubInstallationProvider(createGitHubContext(options));
}

/**
 * {@link createGitHubProvider} over a context the caller keeps: the Enterprise Server connection (`enterprise.ts`)
 * holds one per installation, to inspect each for its merged "Test connection" report.
 */
export function createGitHubInstallationProvider(context: GitHubContext): GitHubInstallationProvider {
  const links = createLinkBuilder(context.kind, { webUrl: context.webRoot });
  return {
    kind: context.kind,
    capabilities: {
      members: true,
      comments: true,
      inlineComments: true,
      ci: true,
      webhooks: false,
      files: true,
    },
    members: {
      listMembers: (org) => listGitHubMembers(context, org),
      checkMember: (org, user) => checkGitHubMember(context, org, user),
    },
    comments: createGitHubCommenter(context),
    ci: createGitHubCiWriter(context),
    ciSecrets: createGitHubCiSecretStore(context),
    files: createGitHubFileReader(context),
    validate: () => validateGitHub(context),
    testConnection: () => testGitHubConnection(context),
    listOrganizations: () => listGitHubOrganizations(context),
    listRepositories: (org) => listGitHubRepositories(context, org),
    fileUrl: (location) => links.fileUrl(location),
  };
}
