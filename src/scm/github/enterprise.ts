import type { ConnectableProvider } from '../connection-settings.js';
import { isScmError } from '../errors.js';
import { createLinkBuilder } from '../links/index.js';
import type {
  CiSecretStore,
  CiWriter,
  FileReader,
  PullRequestCommenter,
  PullRequestRef,
  ScmIdentity,
  ScmOrganization,
  ScmOrganizationRef,
} from '../provider.js';
import type { GitHubAppClients } from './app-clients.js';
import type { GitHubInstallationRef } from './app-credentials.js';
import {
  appNotInstalled,
  installationForOrganization,
  installationForRepository,
  type LinkedInstallation,
} from './enterprise-dispatch.js';
import { testGitHubEnterpriseConnection } from './enterprise-report.js';
import { githubCommentFormat } from './comment-format.js';
import { createGitHubInstallationProvider } from './index.js';
import { createGitHubContext, webRootOf } from './provider-context.js';

export interface GitHubEnterpriseProviderOptions {
  /** The clients of the connection's own app on the Enterprise Server (API under `{root}/api/v3`). */
  readonly clients: GitHubAppClients;
  /**
   * Every linked installation of that app, the owner organization's first. Empty while the app is registered
   * and not installed yet (Test connection then says so; `validate()` rejects).
   */
  readonly installations: readonly GitHubInstallationRef[];
  readonly now: () => Date;
}

/** The codes of an installation that cannot act at all (uninstalled, suspended): another may still answer. */
const unusable = new Set(['installation_not_found', 'installation_suspended']);

/**
 * A GitHub Enterprise Server connection: ONE app the account registered on its instance, installed on the owner
 * organization and, through its public link, on further organizations of the instance. Each installation is
 * served by the single-installation provider (`createGitHubProvider`'s, over a context kept per installation for
 * the report); this one routes every call to the
 * installation it concerns (an organization by its account id, a repository by its owner) and merges the
 * installations' Test connection reports into one (`enterprise-report.ts`).
 *
 * An installation that was removed does not stop the others: `listOrganizations` skips it (the report names it
 * with the install link), and rejects only when every installation is gone, so that a sync never reads an empty
 * listing as "every organization left". A suspended one is still listed (its organization stays in the
 * connection); calls made as it reject `forbidden` / `installation_suspended`.
 */
export function createGitHubEnterpriseProvider(
  options: GitHubEnterpriseProviderOptions,
): ConnectableProvider {
  const { clients, now } = options;
  const linked: readonly LinkedInstallation[] = options.installations.map((installation) => {
    const context = createGitHubContext({ kind: 'github-enterprise', clients, installation, now });
    return { context, provider: createGitHubInstallationProvider(context) };
  });
  const links = createLinkBuilder('github-enterprise', { webUrl: webRootOf(clients) });
  const byOrganization = (org: ScmOrganizationRef) =>
    installationForOrganization(clients, linked, org).provider;
  const commenterFor = (pr: Pick<PullRequestRef, 'repository'>) =>
    installationForRepository(clients, linked, pr.repository).provider.comments;
  const on = (repository: Parameters<typeof installationForRepository>[2]) =>
    installationForRepository(clients, linked, repository).provider;

  return {
    kind: 'github-enterprise',
    capabilities: {
      members: true,
      comments: true,
      inlineComments: true,
      ci: true,
      webhooks: false,
      files: true,
    },
    members: {
      listMembers: (org) => lazily(() => byOrganization(org).members.listMembers(org)),
      checkMember: async (org, user) => byOrganization(org).members.checkMember(org, user),
    },
    comments: dispatchedCommenter(commenterFor, () => botIdentity(clients, linked)),
    ci: {
      system: 'github-actions',
      readCiFile: async (repository, path, ref) => on(repository).ci.readCiFile(repository, path, ref),
      ensureCiJob: async (repository, template) => on(repository).ci.ensureCiJob(repository, template),
      commitCiFile: async (repository, template) => on(repository).ci.commitCiFile(repository, template),
    } satisfies CiWriter,
    ciSecrets: {
      label: 'GitHub Actions repository secret',
      scopeOf: (repository) => repository.externalId,
      hasSecret: async (repository, name) => on(repository).ciSecrets.hasSecret(repository, name),
      putSecret: async (repository, name, value) =>
        on(repository).ciSecrets.putSecret(repository, name, value),
    } satisfies CiSecretStore,
    files: {
      readFile: async (repository, commitSha, path) =>
        installationForRepository(clients, linked, repository).provider.files.readFile(
          repository,
          commitSha,
          path,
        ),
    } satisfies FileReader,
    async validate() {
      const [owner] = linked;
      if (!owner) throw appNotInstalled(clients);
      return owner.provider.validate();
    },
    testConnection: () =>
      testGitHubEnterpriseConnection(
        clients,
        linked.map(({ context }) => context),
        now,
      ),
    listOrganizations: () => listOrganizations(linked),
    listRepositories: (org) => lazily(() => byOrganization(org).listRepositories(org)),
    fileUrl: (location) => links.fileUrl(location),
  };
}

/** Items of a routed listing; the routing (and its refusal) happens when the caller starts reading, as GitHub's. */
async function* lazily<T>(items: () => AsyncIterable<T>): AsyncGenerator<T> {
  yield* items();
}

/**
 * Each installation's organization, in the order linked (one `GET /app/installations/{id}` each, through the
 * single provider). A removed installation (`installation_not_found`) is skipped so that the others still sync;
 * when every installation is removed, the first removal rejects, as the single provider's listing does.
 */
async function* listOrganizations(linked: readonly LinkedInstallation[]): AsyncGenerator<ScmOrganization> {
  let removed: unknown;
  let listed = 0;
  for (const { provider } of linked) {
    const organizations: ScmOrganization[] = [];
    try {
      for await (const organization of provider.listOrganizations()) organizations.push(organization);
    } catch (error) {
      if (!isScmError(error) || error.code !== 'installation_not_found') throw error;
      removed ??= error;
      continue;
    }
    listed += organizations.length;
    yield* organizations;
  }
  if (listed === 0 && removed !== undefined) throw removed;
}

/**
 * The app's bot (`{slug}[bot]`), the same for every installation: read as the first installation that can act,
 * so that a removed or suspended owner installation does not hide it.
 */
async function botIdentity(
  clients: GitHubAppClients,
  linked: readonly LinkedInstallation[],
): Promise<ScmIdentity> {
  let refused: unknown;
  for (const { context } of linked) {
    try {
      return await context.botIdentity();
    } catch (error) {
      if (!isScmError(error) || !unusable.has(error.code)) throw error;
      refused ??= error;
    }
  }
  throw refused ?? appNotInstalled(clients);
}

/** Comments on a pull request go through the installation on the repository's owner. */
function dispatchedCommenter(
  on: (pr: Pick<PullRequestRef, 'repository'>) => Required<PullRequestCommenter>,
  identity: () => Promise<ScmIdentity>,
): Required<PullRequestCommenter> {
  return {
    format: githubCommentFormat,
    identity,
    listComments: (pr) => lazily(() => on(pr).listComments(pr)),
    createComment: async (pr, body) => on(pr).createComment(pr, body),
    updateComment: async (pr, comment, body) => on(pr).updateComment(pr, comment, body),
    deleteComment: async (pr, comment) => on(pr).deleteComment(pr, comment),
    listInlineComments: (pr) => lazily(() => on(pr).listInlineComments(pr)),
    createInlineComment: async (pr, position, body) => on(pr).createInlineComment(pr, position, body),
    createInlineComments: async (pr, comments) => on(pr).createInlineComments(pr, comments),
    pullRequestDiff: async (pr) => on(pr).pullRequestDiff(pr),
    resolveComment: async (pr, comment, resolved) => on(pr).resolveComment(pr, comment, resolved),
    replyToComment: async (pr, comment, body) => on(pr).replyToComment(pr, comment, body),
    setCommitStatus: async (pr, status) => on(pr).setCommitStatus(pr, status),
    canWrite: async (repository, user) => on({ repository }).canWrite(repository, user),
  };
}
