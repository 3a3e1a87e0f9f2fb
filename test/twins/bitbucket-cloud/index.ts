import {
  startTwinServer,
  TwinRouter,
  type TwinServer,
  type TwinServerOptions,
} from '../server/twin-server.js';
import { createBitbucketApi } from './api.js';
import { createControl, type BitbucketControl } from './control.js';
import { createPipelinesControl, type BitbucketPipelinesControl } from './control-pipelines.js';
import { createDeliverer, type BitbucketHookDelivery } from './deliveries.js';
import { addPipelineRoutes } from './routes-pipelines.js';
import { addPullRequestRoutes } from './routes-pull-requests.js';
import { addRepositoryRoutes } from './routes-repositories.js';
import { addWorkspaceRoutes } from './routes-workspaces.js';
import type { BitbucketAccessTokenSeed, BitbucketApiTokenSeed, BitbucketCloudScenario } from './scenario.js';
import {
  BitbucketState,
  type BitbucketAccessToken,
  type BitbucketApiToken,
  type BitbucketPullRequest,
  type BitbucketRepository,
  type BitbucketWorkspace,
} from './state.js';
import { BitbucketViews } from './views.js';

export * from './scenario.js';
export type * from './state.js';
export { BitbucketState } from './state.js';

export type { BitbucketHookDelivery } from './deliveries.js';
export { slugOf } from './control.js';

/**
 * A running Bitbucket Cloud twin: API 2.0 on loopback, with its state open to the test. Its control methods
 * (`createRepository`, `renameRepository`, `deleteRepository`, `push`, `openPullRequest`, `closePullRequest`)
 * deliver the matching webhook events.
 */
export interface BitbucketCloudTwin extends TwinServer, BitbucketControl, BitbucketPipelinesControl {
  readonly state: BitbucketState;
  /** `url + '/2.0'`. */
  readonly apiUrl: string;
  workspace(slug: string): BitbucketWorkspace;
  repository(workspace: string, slug: string): BitbucketRepository;
  pullRequest(workspace: string, slug: string, id: number): BitbucketPullRequest;
  addAccessToken(seed: BitbucketAccessTokenSeed): BitbucketAccessToken;
  /** Adds an Atlassian API token after start (its email must be a scenario user's). */
  addApiToken(seed: BitbucketApiTokenSeed): BitbucketApiToken;
  /**
   * Sends `payload` to every active hook of the repository and of its workspace subscribed to `eventKey`
   * (`repo:push`, `pullrequest:created`…), with `X-Event-Key`, `X-Hook-UUID`, `X-Request-UUID`,
   * `X-Attempt-Number` and, when the hook has a secret, `X-Hub-Signature: sha256=<hex>`.
   */
  deliverHook(
    workspace: string,
    slug: string,
    eventKey: string,
    payload: unknown,
  ): Promise<BitbucketHookDelivery[]>;
  /** Every delivery made so far, in the order they finished. */
  readonly deliveries: readonly BitbucketHookDelivery[];
  /** Resolves once every delivery started so far has finished. */
  idle(): Promise<void>;
}

/** Start a Bitbucket Cloud twin seeded from `scenario`. */
export async function startBitbucketCloudTwin(
  scenario: BitbucketCloudScenario,
  options: TwinServerOptions = {},
): Promise<BitbucketCloudTwin> {
  const state = new BitbucketState(scenario);
  let origin = '';
  const views = new BitbucketViews(() => origin);
  const router = new TwinRouter();
  const api = createBitbucketApi(router, state, views);
  const deliverer = createDeliverer();
  addWorkspaceRoutes(api);
  addRepositoryRoutes(api);
  addPullRequestRoutes(api, deliverer);
  addPipelineRoutes(api);
  const server = await startTwinServer(router, {
    ...options,
    notFound:
      options.notFound ??
      (() => ({ status: 404, body: { type: 'error', error: { message: 'Resource not found' } } })),
  });
  origin = server.url;
  const must = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`Bitbucket twin: no ${what}`);
    return value;
  };
  const repository = (workspace: string, slug: string) =>
    must(state.workspace(workspace)?.repositories.get(slug), `repository ${workspace}/${slug}`);

  return {
    ...server,
    state,
    apiUrl: `${server.url}/2.0`,
    workspace: (slug) => must(state.workspace(slug), `workspace ${slug}`),
    repository,
    pullRequest: (workspace, slug, id) =>
      must(repository(workspace, slug).pullRequests.get(id), `pull request ${id}`),
    addAccessToken: (seed) => state.addAccessToken(seed),
    addApiToken: (seed) => state.addApiToken(seed),
    deliverHook: (workspace, slug, eventKey, payload) =>
      deliverer.deliver(repository(workspace, slug), eventKey, payload),
    deliveries: deliverer.deliveries,
    idle: () => deliverer.idle(),
    ...createControl(state, views, deliverer),
    ...createPipelinesControl(state),
  };
}
