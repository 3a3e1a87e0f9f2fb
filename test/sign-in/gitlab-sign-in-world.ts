import { connectOk, waitForFirstSync } from '../api/connections/connections-api.js';
import { startServiceWorld, type ServiceWorld } from '../api/github/github-world.js';
import { startGitLabTwin, type GitLabScenario, type GitLabTwin } from '../twins/gitlab/index.js';
import { FormClient, type WebPage } from '../twins/server/web-client.js';
import { Browser } from './browser.js';
import { logSink } from './log-sink.js';
import { setMembershipSource } from './membership-source.js';

/** People of the GitLab twin with web passwords (`{username}-pass`). */
export const gitLabPeople = {
  alice: { username: 'alice', password: 'alice-pass' },
  bob: { username: 'bob', password: 'bob-pass' },
  carol: { username: 'carol', password: 'carol-pass' },
  dave: { username: 'dave', password: 'dave-pass' },
  erin: { username: 'erin', password: 'erin-pass' },
  frank: { username: 'frank', password: 'frank-pass' },
} as const;

/** The token of alice (an Owner of `acme`) the service connects the group with. */
const ownerToken = 'glpat-sign-in-owner-token';

/**
 * `acme` (id 100): alice Owner, bob Developer, carol awaiting a seat, erin Reporter, frank invited (not accepted);
 * dave belongs to `other-corp` only.
 */
function scenario(): GitLabScenario {
  return {
    users: [
      { id: 11, username: 'alice', name: 'Alice Owner', email: 'alice@acme.test', password: 'alice-pass' },
      { id: 12, username: 'bob', name: 'Bob Builder', email: 'bob@acme.test', password: 'bob-pass' },
      { id: 13, username: 'carol', name: 'Carol Waiting', email: 'carol@acme.test', password: 'carol-pass' },
      { id: 14, username: 'dave', name: 'Dave Outsider', email: 'dave@other.test', password: 'dave-pass' },
      { id: 15, username: 'erin', name: 'Erin Reporter', email: 'erin@acme.test', password: 'erin-pass' },
      {
        id: 16,
        username: 'frank',
        name: 'Frank Invited',
        email: 'frank@partner.test',
        password: 'frank-pass',
      },
    ],
    tokens: [{ value: ownerToken, user: 'alice', scopes: ['api'] }],
    groups: [
      {
        id: 100,
        path: 'acme',
        name: 'Acme',
        members: [
          { user: 'alice', accessLevel: 50 },
          { user: 'bob', accessLevel: 30 },
          { user: 'carol', accessLevel: 30, state: 'awaiting' },
          { user: 'erin', accessLevel: 20 },
        ],
        invitations: [{ email: 'frank@partner.test', accessLevel: 30 }],
        projects: [{ id: 1000, path: 'website', defaultBranch: 'main' }],
      },
      {
        id: 200,
        path: 'other-corp',
        members: [{ user: 'dave', accessLevel: 50 }],
        projects: [{ id: 2000, path: 'secret' }],
      },
    ],
  };
}

/**
 * The GitLab twin (as gitlab.com) with an OAuth application for scm-connect, and the service: its first admin (an
 * instance admin) connected the `acme` group, made it the account's membership source and (unless the test adds
 * it itself) added the application to scm-connect.
 */
export interface GitLabSignInWorld extends ServiceWorld {
  readonly twin: GitLabTwin;
  /** The application's id in scm-connect; empty when the world was started without adding it. */
  readonly gitLabAppId: string;
  readonly application: { readonly uid: string; readonly secret: string };
  readonly connectionId: string;
  readonly logLines: readonly string[];
  close(): Promise<void>;
}

export async function startGitLabSignInWorld(
  options: { readonly addApplication?: boolean } = {},
): Promise<GitLabSignInWorld> {
  const logs = logSink();
  const twin = await startGitLabTwin(scenario());
  let application: { uid: string; secret: string } | undefined;
  const world = await startServiceWorld(
    (publicUrl) => {
      application = twin.registerOAuthApplication({
        name: 'scm-connect',
        redirectUris: [`${publicUrl}/auth/gitlab/callback`],
        scopes: ['read_user'],
      });
      return { SCM_CONNECT_GITLAB_URL: twin.url };
    },
    { logger: logs.logger },
  );
  const close = async () => {
    await world.service.close();
    await twin.close();
  };
  try {
    let gitLabAppId = '';
    if (options.addApplication ?? true) {
      const app = await world.admin.post<{ id: string }>('/api/v1/instance/gitlab-oauth-apps', {
        webUrl: twin.url,
        applicationId: application!.uid,
        secret: application!.secret,
      });
      if (app.status !== 201) throw new Error(`GitLab application: ${app.status} ${app.text}`);
      gitLabAppId = app.body.id;
    }
    const connection = await connectOk(world.admin, world.accountId, {
      kind: 'gitlab',
      group: 'acme',
      token: ownerToken,
    });
    await waitForFirstSync(world.admin, world.accountId, connection.id);
    await setMembershipSource(world.admin, world.accountId, connection.id, '100');
    return {
      ...world,
      twin,
      gitLabAppId,
      application: application!,
      connectionId: connection.id,
      logLines: logs.lines,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** A browser of one person on the GitLab twin. */
export class GitLabBrowser extends Browser {
  constructor(world: Pick<GitLabSignInWorld, 'twin' | 'service'>) {
    super(world.service.url, new FormClient(world.twin.webUrl));
  }

  /** GitLab's authorize page as `who`: signs in when asked, then Authorize (or Deny) when it is shown. */
  authorizeOnGitLab(
    url: string,
    who: { username: string; password: string },
    button: 'Authorize' | 'Deny' = 'Authorize',
  ): Promise<URL> {
    return this.onScm(
      url,
      (page: WebPage) =>
        this.scm.submit(page, 'Sign in', {
          fill: { 'Username or primary email': who.username, Password: who.password },
        }),
      button,
    );
  }

  /** Sign in with GitLab from the login page; resolves with where scm-connect sends the browser at the end. */
  async signInWithGitLab(who: { username: string; password: string }, start: string): Promise<string> {
    const back = await this.authorizeOnGitLab(await this.redirectOf(start), who);
    return this.redirectOf(back);
  }
}
