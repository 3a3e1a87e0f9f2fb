import { randomUUID } from 'node:crypto';
import { createGitLabCiControl, type GitLabCiControl } from './ci-control.js';
import { createGitLabControl, type GitLabControl } from './control.js';
import { createGitLabDeliveries, type GitLabHookDelivery } from './deliveries.js';
import { createGitLabMemberControl, type GitLabMemberControl } from './member-control.js';
import { registerOAuthRoutes } from './oauth.js';
import type { GitLabOAuthApplication } from './oauth-store.js';
import { createSession, registerSessionPages, SESSION_COOKIE } from './web-session.js';
import {
  startTwinServer,
  TwinHttpError,
  TwinRouter,
  type TwinServer,
  type TwinServerOptions,
} from '../server/twin-server.js';
import { createGitLabApi, type GitLabApi } from './api.js';
import { addGroupRoutes } from './routes-groups.js';
import { createMergeRequestEvents } from './merge-request-events.js';
import { addDiscussionRoutes } from './routes-discussions.js';
import { addMergeRequestDiffRoutes } from './routes-merge-request-diffs.js';
import { addMergeRequestRoutes } from './routes-merge-requests.js';
import { addStatusRoutes } from './routes-statuses.js';
import { addProjectRoutes } from './routes-projects.js';
import { addVariableRoutes } from './routes-variables.js';
import type { GitLabOAuthApplicationSeed, GitLabScenario, GitLabTokenSeed } from './scenario.js';
import {
  GitLabState,
  type GitLabGroup,
  type GitLabMergeRequest,
  type GitLabProject,
  type GitLabToken,
} from './state.js';
import { GitLabViews } from './views.js';

export * from './scenario.js';
export type * from './state.js';
export { GitLabState } from './state.js';

export type { GitLabHookDelivery } from './deliveries.js';
export type { GitLabMemberControl } from './member-control.js';
export type { GitLabCiControl } from './ci-control.js';
export type { GitLabOAuthApplication } from './oauth-store.js';
export { pkcePair } from '../server/pkce.js';

/** A running GitLab twin: `/api/v4` on loopback, with its state open to the test. */
export interface GitLabTwin extends TwinServer, GitLabControl, GitLabMemberControl, GitLabCiControl {
  readonly state: GitLabState;
  /** `url + '/api/v4'`. */
  readonly apiUrl: string;
  /** The web root (`url`): the sign-in page, `/oauth/authorize`, `/oauth/token`. */
  readonly webUrl: string;
  /** Registers an OAuth application after start; returns it with its `uid` (client id) and `secret`. */
  registerOAuthApplication(seed: GitLabOAuthApplicationSeed): GitLabOAuthApplication;
  /** A `Cookie` header value that signs `username` in to the web pages. */
  signInCookie(username: string): string;
  /** Moves the twin's clock forward (OAuth code and access token expiry). */
  advanceTime(ms: number): void;
  /** What `GET /version` reports; endpoints newer than it answer 404 as an older GitLab does. */
  readonly version: string;
  /** A group by full path; throws when absent. */
  group(fullPath: string): GitLabGroup;
  /** A project by `path_with_namespace`; throws when absent. */
  project(pathWithNamespace: string): GitLabProject;
  mergeRequest(pathWithNamespace: string, iid: number): GitLabMergeRequest;
  /** Adds a token after start (for rotation and expiry tests). */
  addToken(seed: GitLabTokenSeed): GitLabToken;
  /**
   * Sends `payload` to every hook of the group (and of its ancestors) subscribed to `event` (`Push Hook`,
   * `Merge Request Hook`, `Note Hook`…) with GitLab's delivery headers, `X-Gitlab-Token` included.
   */
  deliverHook(groupFullPath: string, event: string, payload: unknown): Promise<GitLabHookDelivery[]>;
  /** Every hook delivery made so far. */
  readonly deliveries: readonly GitLabHookDelivery[];
  /** Resolves once every delivery started so far has finished. */
  idle(): Promise<void>;
}

/** Start a GitLab (Cloud or Self-Managed) twin seeded from `scenario`. */
export async function startGitLabTwin(
  scenario: GitLabScenario,
  options: TwinServerOptions & { version?: string } = {},
): Promise<GitLabTwin> {
  const version = options.version ?? '17.6.0-ee';
  const state = new GitLabState(scenario);
  let origin = '';
  const views = new GitLabViews(state, () => origin);
  const router = new TwinRouter();
  const api = createGitLabApi(router, state, views);
  addUserRoutes(api, version);
  addGroupRoutes(api);
  addProjectRoutes(api);
  const deliveries = createGitLabDeliveries(state, version, () => origin);
  const events = createMergeRequestEvents(state, deliveries, () => origin);
  addMergeRequestRoutes(api, events);
  addDiscussionRoutes(api, events);
  addMergeRequestDiffRoutes(api);
  addStatusRoutes(api);
  addVariableRoutes(api);
  registerSessionPages(router, state);
  registerOAuthRoutes(router, state);

  const server = await startTwinServer(router, {
    ...options,
    notFound: options.notFound ?? (() => ({ status: 404, body: { error: '404 Not Found' } })),
  });
  origin = server.url;
  const must = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`GitLab twin: no ${what}`);
    return value;
  };

  return {
    ...server,
    state,
    apiUrl: `${server.url}/api/v4`,
    webUrl: server.url,
    version,
    registerOAuthApplication: (seed) => state.oauth.register(seed),
    signInCookie: (username) => `${SESSION_COOKIE}=${createSession(state, state.requireUser(username))}`,
    advanceTime(ms) {
      state.clockOffsetMs += ms;
    },
    group: (fullPath) => must(state.group(fullPath), `group ${fullPath}`),
    project: (path) => must(state.project(path), `project ${path}`),
    mergeRequest: (path, iid) =>
      must(must(state.project(path), `project ${path}`).mergeRequests.get(iid), `MR !${iid}`),
    addToken: (seed) => state.addToken(seed),
    deliverHook: (groupFullPath, event, payload) =>
      deliveries.deliver(must(state.group(groupFullPath), `group ${groupFullPath}`), event, payload),
    deliveries: deliveries.log,
    idle: () => deliveries.idle(),
    async close() {
      await deliveries.idle();
      await deliveries.close();
      await server.close();
    },
    ...createGitLabControl(state, deliveries, events, () => origin),
    ...createGitLabMemberControl(state, deliveries),
    ...createGitLabCiControl(state),
  };
}

/** `major.minor` of a version string compared with `min` (`"15.5"`). */
function atLeast(version: string, min: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map((part) => parseInt(part, 10));
  const [wantMajor = 0, wantMinor = 0] = min.split('.').map(Number);
  return major > wantMajor || (major === wantMajor && minor >= wantMinor);
}

function addUserRoutes(api: GitLabApi, version: string): void {
  const { state, views } = api;
  const routeMissing = () => new TwinHttpError(404, { error: '404 Not Found' });

  api.get('/version', (_request, caller) => {
    caller.require('user');
    return {
      body: {
        version,
        revision: '6f2b3c1a',
        kas: { enabled: false, externalUrl: null, version: null },
        enterprise: version.endsWith('-ee'),
      },
    };
  });

  api.get('/user', (_request, caller) => {
    caller.require('user');
    return { body: views.user(caller.user!) };
  });

  api.get('/personal_access_tokens/self', (_request, caller) => {
    if (!atLeast(version, '15.5')) throw routeMissing();
    caller.require('any');
    return { body: views.token(caller.token!) };
  });

  api.post('/personal_access_tokens/self/rotate', (request, caller) => {
    if (!atLeast(version, '16.10')) throw routeMissing();
    caller.require('any');
    const old = caller.token!;
    if (!old.scopes.includes('api') && !old.scopes.includes('self_rotate')) {
      throw new TwinHttpError(403, {
        error: 'insufficient_scope',
        error_description: 'The request requires higher privileges than provided by the access token.',
        scope: 'api self_rotate',
      });
    }
    const requested = request.url.searchParams.get('expires_at');
    const weekLater = new Date(Date.parse(state.today) + 7 * 86_400_000).toISOString().slice(0, 10);
    old.revoked = true;
    const value = `glpat-${randomUUID().replace(/-/g, '').slice(0, 20)}`;
    const token: GitLabToken = {
      ...old,
      id: state.newId(),
      value,
      revoked: false,
      expiresAt: requested ?? weekLater,
      createdAt: new Date().toISOString(),
      lastUsedAt: null,
      window: { startedAt: 0, count: 0 },
    };
    state.tokens.set(value, token);
    return { body: { ...views.token(token), token: value } };
  });
}
