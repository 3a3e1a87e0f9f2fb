import {
  startTwinServer,
  TwinRouter,
  type TwinServer,
  type TwinServerOptions,
} from '../server/twin-server.js';
import { createApi } from './api.js';
import type { GitHubScenario } from './scenario.js';
import { registerAppRoutes, mintInstallationToken } from './routes-app.js';
import { registerContentRoutes } from './routes-contents.js';
import { registerGitRoutes } from './routes-git.js';
import { registerOrgRoutes } from './routes-orgs.js';
import { registerPullRoutes } from './routes-pulls.js';
import { registerReviewRoutes } from './routes-reviews.js';
import { createShapes, type Shapes } from './shapes.js';
import { GitHubState, type AppRecord } from './state.js';
import { registerInstallPages } from './web-install.js';
import { registerManifestPages } from './web-manifest.js';
import { createOAuthBook, mintUserToken, registerOAuthPages } from './web-oauth.js';
import { createSession, registerSessionPages, SESSION_COOKIE } from './web-session.js';
import { createWebhooks, type TwinWebhooks } from './webhooks.js';
import { narrowPermissions } from './auth.js';
import { createOrgMemberActions, type OrgMemberActions } from './org-actions.js';
import { createOwnerActions, type OwnerActions } from './owner-actions.js';
import { createPullRequestActions, type PullRequestActions } from './pull-actions.js';
import { createRepoEvents } from './repo-events.js';
import { registerCheckRoutes } from './routes-checks.js';
import { registerCollaboratorRoutes } from './routes-collaborators.js';
import { registerGraphqlRoutes } from './routes-graphql.js';
import { registerActionsSecretRoutes } from './routes-actions-secrets.js';
import { createCiControls, type CiControls } from './ci-controls.js';

export type { GitHubScenario } from './scenario.js';
export { demoGitHubScenario } from './scenario.js';
export type * from './scenario.js';
export { GitHubState } from './state.js';
export type { TwinWebhooks } from './webhooks.js';
export type { PullRequestActions } from './pull-actions.js';
export type { OrgMemberActions } from './org-actions.js';
export type { CiControls } from './ci-controls.js';
export { pkcePair } from '../server/pkce.js';

export type GitHubFlavor = 'cloud' | 'enterprise';

export interface GitHubTwinOptions extends TwinServerOptions {
  /** `cloud` serves the REST API at the root; `enterprise` under `/api/v3` with `x-github-enterprise-version`. */
  readonly flavor?: GitHubFlavor;
  /** GHES version reported in `x-github-enterprise-version` and `GET /meta` (default `3.19.0`). */
  readonly version?: string;
}

/** A running GitHub (Cloud or Enterprise Server) twin on loopback; owner actions send their webhooks. */
export interface GitHubTwin extends TwinServer, OwnerActions, OrgMemberActions, CiControls {
  /** The live, mutable state (users, orgs, repos, apps, installations, tokens, PRs, comments …). */
  readonly state: GitHubState;
  readonly flavor: GitHubFlavor;
  readonly version: string;
  /** REST base: `url` for cloud, `url + '/api/v3'` for enterprise. */
  readonly apiUrl: string;
  /** Web base (sign-in, install, manifest and OAuth pages): `url`. */
  readonly webUrl: string;
  readonly webhooks: TwinWebhooks;
  /** People on pull requests: open, push, reply, close or merge, with the webhooks GitHub sends for each. */
  readonly pullRequests: PullRequestActions;
  /** The GraphQL endpoint: `url + '/graphql'` for cloud, `url + '/api/graphql'` for enterprise. */
  readonly graphqlUrl: string;
  /** The app's install link (`/apps/{slug}/installations/new` on cloud, `/github-apps/…` on enterprise). */
  installUrl(slug: string, state?: string): string;
  /** Where a manifest form posts: `/settings/apps/new` or `/organizations/{org}/settings/apps/new`. */
  manifestUrl(org?: string, state?: string): string;
  /** The app record by slug; throws when unknown. */
  app(slug: string): AppRecord;
  /** Mint an installation token directly (tests that do not exercise the JWT exchange). */
  createInstallationToken(installationId: number, permissions?: Readonly<Record<string, string>>): string;
  /** Mint a user-to-server token for `login` through the app `slug`. */
  createUserToken(login: string, slug: string): string;
  /** A `Cookie` header value that signs `login` in to the web pages. */
  signInCookie(login: string): string;
  /** Move the twin's clock forward (token, code and rate-limit window expiry). */
  advanceTime(ms: number): void;
}

/** Start a GitHub twin serving `scenario` on 127.0.0.1 (or `options.host`). */
export async function startGitHubTwin(
  scenario: GitHubScenario,
  options: GitHubTwinOptions = {},
): Promise<GitHubTwin> {
  const flavor = options.flavor ?? 'cloud';
  const version = options.version ?? '3.19.0';
  const prefix = flavor === 'enterprise' ? '/api/v3' : '';
  const state = new GitHubState(scenario);
  const router = new TwinRouter();
  const built: { shapes?: Shapes } = {};
  let webUrl = '';
  const getShapes = (): Shapes => built.shapes!;
  const webhooks = createWebhooks(state, flavor, version, () => webUrl);
  const book = createOAuthBook();

  const api = createApi(router, {
    state,
    shapes: getShapes,
    prefix,
    flavor,
    version,
    limit: scenario.rateLimit?.limit ?? 5000,
    limitEnabled: scenario.rateLimit?.enabled ?? true,
    perMinute: scenario.secondaryLimits?.perMinute ?? 80,
    perHour: scenario.secondaryLimits?.perHour ?? 500,
    minuteMs: scenario.secondaryLimits?.minuteMs ?? 60_000,
    hourMs: scenario.secondaryLimits?.hourMs ?? 3_600_000,
  });
  const events = createRepoEvents(state, webhooks, getShapes);
  const graphqlPath = flavor === 'enterprise' ? '/api/graphql' : '/graphql';
  registerAppRoutes(api, state, webhooks);
  registerOrgRoutes(api, state, flavor);
  registerPullRoutes(api, state, events);
  registerReviewRoutes(api, state, events);
  registerCheckRoutes(api, state);
  registerCollaboratorRoutes(api, state);
  registerGraphqlRoutes(api, state, graphqlPath);
  registerGitRoutes(api, state);
  registerContentRoutes(api, state);
  registerActionsSecretRoutes(api, state);
  // GET /meta
  api.route('GET', '/meta', 'any', () => ({
    body: {
      verifiable_password_authentication: false,
      ...(flavor === 'enterprise' ? { installed_version: version } : {}),
    },
  }));
  registerSessionPages(router, state);
  registerOAuthPages(router, state, book);
  registerInstallPages(router, state, { book, webhooks, shapes: getShapes });
  registerManifestPages(router, state);

  const server = await startTwinServer(router, {
    ...options,
    notFound:
      options.notFound ??
      (() => ({
        status: 404,
        headers: api.commonHeaders(),
        body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' },
      })),
  });
  webUrl = server.url;
  const apiUrl = `${server.url}${prefix}`;
  built.shapes = createShapes(state, apiUrl, webUrl, flavor);

  const app = (slug: string): AppRecord => {
    const found = state.appBySlug(slug);
    if (!found) throw new Error(`unknown app ${slug}`);
    return found;
  };

  return Object.assign(server, createOwnerActions(state, webhooks, getShapes), {
    ...createOrgMemberActions(state, webhooks, getShapes),
    ...createCiControls(state),
    state,
    flavor,
    version,
    apiUrl,
    webUrl,
    webhooks,
    pullRequests: createPullRequestActions(state, events, webhooks, getShapes),
    graphqlUrl: `${server.url}${graphqlPath}`,
    installUrl: (slug: string, s?: string) =>
      `${webUrl}/${flavor === 'cloud' ? 'apps' : 'github-apps'}/${slug}/installations/new${s === undefined ? '' : `?state=${encodeURIComponent(s)}`}`,
    manifestUrl: (org?: string, s?: string) =>
      `${webUrl}${org ? `/organizations/${org}` : ''}/settings/apps/new${s === undefined ? '' : `?state=${encodeURIComponent(s)}`}`,
    app,
    createInstallationToken(installationId: number, permissions?: Readonly<Record<string, string>>) {
      const installation = state.installations.get(installationId);
      if (!installation) throw new Error(`unknown installation ${installationId}`);
      const narrowed = permissions ? narrowPermissions(installation.permissions, permissions) : undefined;
      if (permissions && !narrowed) throw new Error('permissions exceed the installation');
      return mintInstallationToken(state, installation, { permissions: narrowed }).token;
    },
    createUserToken: (login: string, slug: string) =>
      mintUserToken(state, app(slug), state.requireUser(login)).token,
    signInCookie: (login: string) => `${SESSION_COOKIE}=${createSession(state, state.requireUser(login))}`,
    advanceTime(ms: number) {
      state.clockOffsetMs += ms;
    },
  });
}
