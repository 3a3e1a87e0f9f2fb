import {
  startTwinServer,
  TwinRouter,
  type TwinServer,
  type TwinServerOptions,
} from '../server/twin-server.js';
import { createRouteContext } from './context.js';
import { createControl, type BitbucketDataCenterControl } from './control.js';
import { createDeliverer, type BitbucketDelivery } from './deliveries.js';
import { addAdminRoutes } from './routes-admin.js';
import { addBuildRoutes } from './routes-builds.js';
import { addCoreRoutes } from './routes-core.js';
import { addDiffRoutes } from './routes-diff.js';
import { addFileRoutes } from './routes-files.js';
import { addPullRequestRoutes } from './routes-pull-requests.js';
import { addUserSearchRoutes } from './routes-users.js';
import type { BitbucketDataCenterScenario } from './scenario.js';
import { createBitbucketDataCenterState, type BitbucketDataCenterState } from './state.js';

export * from './scenario.js';
export type { BitbucketDataCenterState } from './state.js';

export type { BitbucketDelivery } from './deliveries.js';
export { slugOf } from './control.js';

/**
 * A running Bitbucket Data Center stand-in. Its control methods (`createRepository`, `renameRepository`,
 * `archiveRepository`, `deleteRepository`, `push`) deliver the webhook events Data Center sends for them.
 */
export interface BitbucketDataCenterTwin extends TwinServer, BitbucketDataCenterControl {
  readonly state: BitbucketDataCenterState;
  /** `url` plus the context path: what an admin types as the server's base URL. */
  readonly baseUrl: string;
  /**
   * POSTs `payload` to every active webhook of the project (and of the repository, when given) subscribed to
   * `eventKey`, with `X-Event-Key`, `X-Request-Id` and, when a secret is configured, `X-Hub-Signature: sha256=…`.
   */
  deliver(
    eventKey: string,
    payload: unknown,
    target: { projectKey: string; slug?: string },
  ): Promise<BitbucketDelivery[]>;
  /** Every delivery made so far, in the order they finished. */
  readonly deliveries: readonly BitbucketDelivery[];
  /** Resolves once every delivery started so far has finished. */
  idle(): Promise<void>;
}

/** Starts the twin on loopback; the REST API lives under `${baseUrl}/rest/api/{1.0,latest}`. */
export async function startBitbucketDataCenterTwin(
  scenario: BitbucketDataCenterScenario,
  options: TwinServerOptions = {},
): Promise<BitbucketDataCenterTwin> {
  const state = createBitbucketDataCenterState(scenario);
  const router = new TwinRouter();
  const deliverer = createDeliverer();
  const ctx = createRouteContext(state, router, deliverer);
  addCoreRoutes(ctx);
  addPullRequestRoutes(ctx);
  addAdminRoutes(ctx);
  addFileRoutes(ctx);
  addDiffRoutes(ctx);
  addBuildRoutes(ctx);
  addUserSearchRoutes(ctx);
  const server = await startTwinServer(router, {
    ...options,
    notFound: (request) => ({
      status: 404,
      body: { errors: [{ context: null, message: `No resource at ${request.path}`, exceptionName: null }] },
    }),
  });

  const baseUrl = `${server.url}${state.contextPath}`;
  const deliver: BitbucketDataCenterTwin['deliver'] = (eventKey, payload, target) => {
    const project = state.projects.get(target.projectKey);
    if (!project) throw new Error(`unknown project ${target.projectKey}`);
    const repo = target.slug ? state.findRepo(project, target.slug) : undefined;
    return deliverer.deliver([...project.webhooks, ...(repo?.webhooks ?? [])], eventKey, payload);
  };

  return {
    ...server,
    state,
    baseUrl,
    deliver,
    deliveries: deliverer.deliveries,
    idle: () => deliverer.idle(),
    ...createControl(state, () => baseUrl, deliverer),
  };
}
