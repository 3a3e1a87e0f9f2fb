import pino from 'pino';
import { linkInstallation } from '../../src/connections/github/link-installation.js';
import type { ServiceContext } from '../../src/context.js';
import { createHotQueries } from '../../src/db/hot-queries.js';
import { linkIdentity } from '../../src/db/identities.js';
import { createGitHubApps } from '../../src/github-apps/registry.js';
import { createScmHttpShared } from '../../src/scm/http/index.js';
import { createLiveSecretBox } from '../../src/secrets/live-secret-box.js';
import { ApiClient, addPerson, type ApiAnswer, type SessionBody } from '../helpers/api-client.js';
import { startGitHubWorld, type GitHubWorld } from '../api/github/github-world.js';
import { connectOk, newAccount, waitForJob, type JobView } from '../api/connections/connections-api.js';
import { startGitLabTwin, type GitLabTwin } from '../twins/gitlab/index.js';
import type { GitLabScenario } from '../twins/gitlab/scenario.js';

/*
 * One service with a GitHub twin (organization `acme`, the instance's app installed on it) and a GitLab twin
 * (top-level group `acme`), each connected in an account of its own, and people who signed up with a password
 * and have their GitHub or GitLab identity linked, as Sign in with GitHub / GitLab would link it.
 */

export const gitlabToken = 'glpat-membership-owner';

/**
 * GitLab's side: alice (Owner, the connection's token), bob (Developer), carol (Maintainer), erin (Developer,
 * blocked), frank (Developer, awaiting a seat), dave (a member of one project only: an outside collaborator), and
 * an email invitation not accepted yet.
 */
export function gitlabMembershipScenario(): GitLabScenario {
  return {
    users: [
      { id: 11, username: 'alice', name: 'Alice Owner' },
      { id: 12, username: 'bob', name: 'Bob Developer' },
      { id: 13, username: 'carol', name: 'Carol Maintainer' },
      { id: 14, username: 'dave', name: 'Dave Outsider' },
      { id: 15, username: 'erin', name: 'Erin Blocked', state: 'blocked' },
      { id: 16, username: 'frank', name: 'Frank Awaiting' },
      { id: 17, username: 'gina', name: 'Gina Guest' },
    ],
    tokens: [{ value: gitlabToken, user: 'alice', scopes: ['api'] }],
    groups: [
      {
        id: 100,
        path: 'acme',
        name: 'Acme',
        members: [
          { user: 'alice', accessLevel: 50 },
          { user: 'bob', accessLevel: 30 },
          { user: 'carol', accessLevel: 40 },
          { user: 'erin', accessLevel: 30 },
          { user: 'frank', accessLevel: 30, state: 'awaiting' },
        ],
        invitations: [{ email: 'invitee@acme.test', accessLevel: 30 }],
        projects: [{ id: 1000, path: 'website', members: [{ user: 'dave', accessLevel: 30 }] }],
      },
    ],
  };
}

export interface Person {
  readonly client: ApiClient;
  readonly userId: string;
  readonly session: SessionBody;
}

export interface MembershipWorld extends GitHubWorld {
  readonly gitlab: GitLabTwin;
  /** The GitHub web root, as GitHub identities name their issuer. */
  readonly githubIssuer: string;
  readonly gitlabIssuer: string;
  /** The admin's accounts: one managed by GitHub organization acme, one by GitLab group acme. */
  readonly githubAccount: string;
  readonly gitlabAccount: string;
  readonly githubConnection: string;
  readonly gitlabConnection: string;
  /** Where the people sign up first, so that they are nobody's member in the two accounts until the source says. */
  readonly homeAccount: string;
  /** Someone who signed up (password) with their GitHub or GitLab identity linked. */
  person(
    email: string,
    identity?: { provider: 'github' | 'gitlab'; subject: string; login: string },
  ): Promise<Person>;
  /** The service's context over its own database, for the functions sign-in calls. */
  context(): ServiceContext;
}

const webRoot = (url: string) => new URL(url).href.replace(/\/+$/, '');

/** `options.workerPollMs`: how often the idle worker looks for jobs (the tests' 50 ms unless given). */
export async function startMembershipWorld(
  options: { readonly workerPollMs?: number } = {},
): Promise<MembershipWorld> {
  const gitlab = await startGitLabTwin(gitlabMembershipScenario());
  const world = await startGitHubWorld(
    { installations: [{ id: 4001, app: 'acme-scanner', account: 'acme', repository_selection: 'all' }] },
    { SCM_CONNECT_GITLAB_URL: gitlab.url },
    options.workerPollMs === undefined ? {} : { workerPollMs: options.workerPollMs },
  );
  const { service, admin, accountId: homeAccount } = world;
  const githubIssuer = webRoot(world.twin.webUrl);
  const gitlabIssuer = webRoot(gitlab.url);
  const secrets = createLiveSecretBox({ envValue: undefined, dataDir: service.dataDir });

  const githubAccount = await newAccount(admin, 'Managed by GitHub');
  const linked = await linkInstallation(service.database.db, secrets, {
    accountId: githubAccount,
    userId: world.session.user.id,
    setupAction: 'install',
    now: new Date(),
    installation: {
      app: { webUrl: githubIssuer, appId: '3001' },
      installationId: '4001',
      account: { id: '5001', login: 'acme', type: 'Organization' },
      repositorySelection: 'all',
      suspendedAt: null,
      gitHubUser: { id: '1001', login: 'octo-admin' },
    },
  });
  const gitlabAccount = await newAccount(admin, 'Managed by GitLab');
  const gitlabConnection = await connectOk(admin, gitlabAccount, {
    kind: 'gitlab',
    group: 'acme',
    token: gitlabToken,
  });

  let ctx: ServiceContext | undefined;
  return {
    ...world,
    gitlab,
    githubIssuer,
    gitlabIssuer,
    githubAccount,
    gitlabAccount,
    githubConnection: linked.connectionId,
    gitlabConnection: gitlabConnection.id,
    homeAccount,
    async person(email, identity) {
      const { client, session } = await addPerson(admin, service, homeAccount, email, 'member');
      if (identity) {
        const issuer = identity.provider === 'github' ? githubIssuer : gitlabIssuer;
        await linkIdentity(service.database.db, session.user.id, { ...identity, issuer });
      }
      return { client, userId: session.user.id, session };
    },
    context() {
      ctx ??= {
        config: service.config,
        db: service.database.db,
        engine: service.database.engine,
        secrets,
        logger: pino({ level: 'silent' }),
        queries: createHotQueries(service.database),
        scmShared: createScmHttpShared(),
        githubApps: createGitHubApps({
          config: service.config,
          db: service.database.db,
          secrets,
          scmShared: createScmHttpShared(),
        }),
      };
      return ctx;
    },
    async close() {
      await ctx?.githubApps.close();
      await world.close();
      await gitlab.close();
    },
  };
}

export interface MemberView {
  userId: string;
  email: string;
  role: 'admin' | 'member';
  managed: boolean;
  scmRole: string | null;
}

export const membersOf = async (client: ApiClient, accountId: string): Promise<MemberView[]> => {
  const answer = await client.get<{ items: MemberView[] }>(`/api/v1/accounts/${accountId}/members`);
  if (answer.status !== 200) throw new Error(`members: ${answer.status} ${answer.text}`);
  return answer.body.items;
};

/** Members by email: role, managed, SCM role. */
export const memberTable = async (client: ApiClient, accountId: string) =>
  Object.fromEntries(
    (await membersOf(client, accountId)).map((m) => [m.email, [m.role, m.managed, m.scmRole] as const]),
  );

export const sourcePath = (accountId: string) => `/api/v1/accounts/${accountId}/membership-source`;

export async function setSource(
  admin: ApiClient,
  accountId: string,
  body: { connectionId: string; organizationExternalId: string; roleMapping: Record<string, string> | null },
): Promise<ApiAnswer<MembershipSettingsBody>> {
  const answer = await admin.put<MembershipSettingsBody>(sourcePath(accountId), body);
  if (answer.status !== 200) throw new Error(`membership source: ${answer.status} ${answer.text}`);
  await settled(admin, accountId);
  return answer;
}

/** "Reconcile now", waited for. */
export async function reconcileNow(admin: ApiClient, accountId: string): Promise<JobView> {
  const answer = await admin.post<{ jobId: string }>(`${sourcePath(accountId)}/reconcile`);
  if (answer.status !== 202) throw new Error(`reconcile: ${answer.status} ${answer.text}`);
  return waitForJob(admin, accountId, answer.body.jobId);
}

export interface MembershipSettingsBody {
  source: null | {
    connectionId: string;
    kind: 'github' | 'gitlab';
    host: string;
    organization: { externalId: string; name: string };
    label: string;
    roleMapping: Record<string, string> | null;
    scmRoles: string[];
    lastReconciledAt: string | null;
    lastOutcome: { ok: boolean; added: number; removed: number; updated: number; error?: string } | null;
    nextRunAt: string;
  };
  defaultRole: 'admin' | 'member';
  candidates: {
    connectionId: string;
    kind: 'github' | 'gitlab';
    host: string;
    organization: { externalId: string; name: string };
  }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `read` answers what `done` accepts (within 20 s). */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`not within 20 s: ${what}`);
    await sleep(25);
  }
}

/** Waits until the account has no job queued or running. */
export const settled = (admin: ApiClient, accountId: string) =>
  eventually(
    async () =>
      (await admin.get<{ items: unknown[] }>(`/api/v1/accounts/${accountId}/jobs?status=queued,running`)).body
        .items.length,
    (active) => active === 0,
    'the jobs finished',
  );

/** The status a session or API token gets now from a route of the account. */
export const statusIn = async (client: ApiClient, accountId: string) =>
  (await client.get(`/api/v1/accounts/${accountId}/members`)).status;
