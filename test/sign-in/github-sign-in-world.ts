import type { ApiClient } from '../helpers/api-client.js';
import {
  instanceAppEnv,
  octoAdmin,
  Person,
  scannerApp,
  signInAgain,
  startServiceWorld,
  waitFor,
  type GitHubWorld,
} from '../api/github/github-world.js';
import { startGitHubTwin } from '../twins/github/index.js';
import type { GitHubScenario } from '../twins/github/scenario.js';
import { testPrivateKey } from '../twins/github/test-keys.js';
import { testGitHubScenario } from '../twins/github/test-scenario.js';
import { WebClient, type WebPage } from '../twins/github/web-client.js';
import { Browser } from './browser.js';
import { logSink } from './log-sink.js';
import { setMembershipSource } from './membership-source.js';

export { octoAdmin, devDana, opsOmar } from '../api/github/github-world.js';

export const wesWriter = { login: 'wes-writer', password: 'wes-pass' };
export const ivyInvited = { login: 'ivy-invited', password: 'ivy-pass' };

/**
 * The GitHub twin and the service with the instance's app, its first admin's account connected to the `acme`
 * organization (octo-admin installed the app) and managed by it: `acme`'s members sign in to that account.
 */
export interface GitHubSignInWorld extends GitHubWorld {
  /** The first admin, signed in again after Connect to GitHub ended their sessions. */
  readonly owner: ApiClient;
  readonly connectionId: string;
  /** Every line the service logged. */
  readonly logLines: readonly string[];
}

export async function startGitHubSignInWorld(
  extra: Partial<GitHubScenario> = {},
): Promise<GitHubSignInWorld> {
  const logs = logSink();
  const key = testPrivateKey();
  const base = testGitHubScenario(key);
  const twin = await startGitHubTwin({
    ...base,
    // ivy-invited is invited to acme and has not accepted yet.
    users: [
      ...base.users,
      {
        login: 'ivy-invited',
        id: 1006,
        name: 'Ivy Invited',
        email: 'ivy@partner.test',
        password: 'ivy-pass',
      },
    ],
    // Connect to GitHub installs the app on acme.
    installations: (base.installations ?? []).filter((installation) => installation.app !== scannerApp.slug),
    orgs: base.orgs.map((org) =>
      org.login === 'acme' ? { ...org, invitations: [{ login: 'ivy-invited' }] } : org,
    ),
    ...extra,
  });
  const service = await startServiceWorld((publicUrl) => instanceAppEnv(twin, key, publicUrl), {
    logger: logs.logger,
  });
  const world: GitHubWorld = {
    ...service,
    twin,
    async close() {
      await service.service.close();
      await twin.close();
    },
  };
  try {
    const person = new Person(world, world.admin);
    const back = await person.installOnGitHub(await person.startInstall(world.accountId), octoAdmin, 'acme');
    await person.visit(back);
    const owner = await signInAgain(world);
    const connectionId = await waitFor(async () => {
      const answer = await owner.get<{ items: { id: string; kind: string; lastSyncedAt: string | null }[] }>(
        `/api/v1/accounts/${world.accountId}/connections`,
      );
      return answer.body.items.find((c) => c.kind === 'github' && c.lastSyncedAt)?.id;
    });
    await setMembershipSource(owner, world.accountId, connectionId, '5001');
    return { ...world, owner, connectionId, logLines: logs.lines };
  } catch (error) {
    await world.close();
    throw error;
  }
}

/** A browser of one person on the GitHub twin. */
export class GitHubBrowser extends Browser {
  readonly github: WebClient;

  constructor(world: Pick<GitHubWorld, 'twin' | 'service'>) {
    const github = new WebClient(world.twin.webUrl);
    super(world.service.url, github);
    this.github = github;
  }

  /** GitHub's authorize page as `who`: signs in when asked, then Authorize (or Cancel) when it is shown. */
  authorizeOnGitHub(
    url: string,
    who: { login: string; password: string },
    button: 'Authorize' | 'Cancel' = 'Authorize',
  ): Promise<URL> {
    return this.onScm(url, (page: WebPage) => this.github.signIn(page, who.login, who.password), button);
  }

  /** Sign in with GitHub from the login page; resolves with where scm-connect sends the browser at the end. */
  async signInWithGitHub(
    who: { login: string; password: string },
    start = '/auth/github/start',
  ): Promise<string> {
    const authorize = await this.redirectOf(start);
    const back = await this.authorizeOnGitHub(authorize, who);
    return this.redirectOf(back);
  }
}
