import {
  connectOk,
  listAllRepositories,
  waitForFirstSync,
  type RepositoryView,
} from '../api/connections/connections-api.js';
import {
  octoAdmin,
  Person,
  signInAgain,
  startGitHubWorld,
  waitFor,
  type GitHubWorld,
} from '../api/github/github-world.js';
import type { ApiClient } from '../helpers/api-client.js';
import type { TestService } from '../helpers/service.js';
import { startKits, type TokenKind, type TwinKit } from '../helpers/twin-kits.js';
import type { GitHubTwin } from '../twins/github/index.js';
import type { TwinServer } from '../twins/server/twin-server.js';

/*
 * The five twin families in one service, each with the repository the real-scanner test scans: GitHub through
 * the instance's GitHub App installed on `acme` (web-shop), GitLab, Bitbucket Cloud, Bitbucket Data Center and
 * Azure DevOps through their kits (`website`). Each knows how to commit files and the link forms of its SCM.
 */

export const familyKinds = [
  'github',
  'gitlab',
  'bitbucket-cloud',
  'bitbucket-data-center',
  'azure-devops',
] as const;

export type FamilyKind = (typeof familyKinds)[number];

/** One SCM family: its twin, the scanned repository, and the links the findings API must give for it. */
export interface Family {
  readonly kind: FamilyKind;
  readonly twin: TwinServer;
  readonly repository: RepositoryView;
  /** The repository as the SCM's CI names it in its variables: what a CI job uploads with. */
  readonly ciRepositoryUrl: string;
  /** The commit of the files given to `startFamilies`, made before the first sync. */
  readonly baseCommit: string;
  /** Commits `files` to `main`; resolves with the commit's id. */
  commit(files: Readonly<Record<string, string>>): Promise<string>;
  /** Lines `start`–`end` of `path` at `sha`, in the SCM's own form (`src/scm/links/*.test.ts`). */
  fileUrl(sha: string, path: string, start: number, end: number): string;
  /** `path` on the default branch, `main`. */
  branchUrl(path: string): string;
}

export interface FamiliesWorld {
  readonly service: TestService;
  readonly admin: ApiClient;
  readonly accountId: string;
  readonly families: Readonly<Record<FamilyKind, Family>>;
  close(): Promise<void>;
}

type Links = Pick<Family, 'fileUrl' | 'branchUrl'>;

/** The link forms of each SCM, for a repository at `root` (its web address). */
const linkForms: Record<FamilyKind, (root: string) => Links> = {
  github: (root) => ({
    fileUrl: (sha, path, start, end) =>
      `${root}/blob/${sha}/${path}#L${start}${end > start ? `-L${end}` : ''}`,
    branchUrl: (path) => `${root}/blob/main/${path}`,
  }),
  gitlab: (root) => ({
    fileUrl: (sha, path, start, end) =>
      `${root}/-/blob/${sha}/${path}#L${start}${end > start ? `-${end}` : ''}`,
    branchUrl: (path) => `${root}/-/blob/main/${path}`,
  }),
  'bitbucket-cloud': (root) => ({
    fileUrl: (sha, path, start, end) =>
      `${root}/src/${sha}/${path}#lines-${start}${end > start ? `:${end}` : ''}`,
    branchUrl: (path) => `${root}/src/main/${path}`,
  }),
  'bitbucket-data-center': (root) => ({
    fileUrl: (sha, path, start, end) =>
      `${root}/browse/${path}?at=${sha}#${start}${end > start ? `-${end}` : ''}`,
    branchUrl: (path) => `${root}/browse/${path}?at=refs%2Fheads%2Fmain`,
  }),
  // Whole lines a..b end at column 1 of line b+1, as the Azure DevOps UI writes a selection.
  'azure-devops': (root) => ({
    fileUrl: (sha, path, start, end) =>
      `${root}?path=/${path}&version=GC${sha}&line=${start}&lineEnd=${end + 1}` +
      '&lineStartColumn=1&lineEndColumn=1&lineStyle=plain&_a=contents',
    branchUrl: (path) => `${root}?path=/${path}&version=GBmain&_a=contents`,
  }),
};

/** Where each repository lives on its twin's web pages, and the URL its CI names it by. */
function repositoryUrls(
  kind: FamilyKind,
  github: GitHubTwin,
  kits: Record<TokenKind, TwinKit>,
): { root: string; ci: string } {
  const same = (root: string) => ({ root, ci: root });
  switch (kind) {
    case 'github': // GITHUB_SERVER_URL/GITHUB_REPOSITORY
      return same(`${github.webUrl}/acme/web-shop`);
    case 'gitlab': // CI_PROJECT_URL
      return same(`${kits.gitlab.twin.url}/acme/website`);
    case 'bitbucket-cloud': // BITBUCKET_GIT_HTTP_ORIGIN
      return same(`${kits['bitbucket-cloud'].twin.url}/acme/website`);
    case 'bitbucket-data-center': {
      // Jenkins' GIT_URL: the HTTP clone URL
      const base = kits['bitbucket-data-center'].baseUrl;
      return { root: `${base}/projects/SHOP/repos/website`, ci: `${base}/scm/shop/website.git` };
    }
    case 'azure-devops': // BUILD_REPOSITORY_URI
      return same(`${kits['azure-devops'].twin.url}/contoso/Shop/_git/website`);
  }
}

const kitKinds = ['gitlab', 'bitbucket-cloud', 'bitbucket-data-center', 'azure-devops'] as const;

function githubCommit(twin: GitHubTwin) {
  return async (files: Readonly<Record<string, string>>) => {
    const repo = twin.state.requireRepo('acme/web-shop');
    const tree = new Map(Object.entries(files).map(([path, text]) => [path, Buffer.from(text)]));
    return twin.state.commit(repo, 'main', 'Change files', tree).sha;
  };
}

/** Installs the instance's GitHub App on `acme` through GitHub's pages; answers the admin signed in again. */
async function connectGitHub(world: GitHubWorld): Promise<ApiClient> {
  const person = new Person(world, world.admin);
  const back = await person.installOnGitHub(await person.startInstall(world.accountId), octoAdmin, 'acme');
  const visited = await person.visit(back);
  if (visited.status !== 303) throw new Error(`GitHub setup: ${visited.status}`);
  const admin = await signInAgain(world);
  await waitFor(async () => {
    const answer = await admin.get<{ items: { kind: string; lastSyncedAt: string | null }[] }>(
      `/api/v1/accounts/${world.accountId}/connections`,
    );
    return answer.body.items.find((c) => c.kind === 'github' && c.lastSyncedAt !== null);
  }, 30_000);
  return admin;
}

/**
 * Starts the twins and one service for all five families, commits `files` to each scanned repository before the
 * first sync (so each default branch exists), and connects every family.
 */
export async function startFamilies(files: Readonly<Record<string, string>>): Promise<FamiliesWorld> {
  const kits = await startKits(kitKinds);
  // Azure DevOps deliveries carry basic-auth credentials, which the service takes over https only: its kit sends
  // them with `X-Forwarded-Proto: https`, as a TLS proxy in front of the service would.
  const github = await startGitHubWorld({}, { ...kits.env, SCM_CONNECT_TRUST_PROXY: 'true' });
  const commitOf = (kind: FamilyKind): Family['commit'] =>
    kind === 'github' ? githubCommit(github.twin) : (changed) => kits.kits[kind].commitFiles(changed);
  const close = async () => {
    await github.close();
    await kits.close();
  };
  try {
    const baseCommits = {} as Record<FamilyKind, string>;
    for (const kind of familyKinds) baseCommits[kind] = await commitOf(kind)(files);
    const admin = await connectGitHub(github);
    const connected = await Promise.all(
      kitKinds.map((kind) => connectOk(admin, github.accountId, kits.kits[kind].connectBody())),
    );
    for (const connection of connected) await waitForFirstSync(admin, github.accountId, connection.id);
    const { items } = await listAllRepositories(admin, github.accountId);
    const family = (kind: FamilyKind): Family => {
      const fullName = kind === 'github' ? 'acme/web-shop' : kits.kits[kind].filesRepository;
      const connectionId = kind === 'github' ? undefined : connected[kitKinds.indexOf(kind)]!.id;
      const repository = items.find(
        (item) =>
          item.fullName === fullName && (connectionId === undefined || item.connectionId === connectionId),
      );
      if (!repository) throw new Error(`no repository ${fullName} synced for ${kind}`);
      const urls = repositoryUrls(kind, github.twin, kits.kits);
      return {
        kind,
        twin: kind === 'github' ? github.twin : kits.kits[kind].twin,
        repository,
        ciRepositoryUrl: urls.ci,
        baseCommit: baseCommits[kind],
        commit: commitOf(kind),
        ...linkForms[kind](urls.root),
      };
    };
    const families = Object.fromEntries(familyKinds.map((kind) => [kind, family(kind)])) as Record<
      FamilyKind,
      Family
    >;
    return { service: github.service, admin, accountId: github.accountId, families, close };
  } catch (error) {
    await close();
    throw error;
  }
}
