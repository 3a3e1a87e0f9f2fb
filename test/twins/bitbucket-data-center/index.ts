import { createHmac, randomUUID } from 'node:crypto';
import {
  startTwinServer,
  TwinRouter,
  type TwinServer,
  type TwinServerOptions,
} from '../server/twin-server.js';
import { createRouteContext } from './context.js';
import { addAdminRoutes } from './routes-admin.js';
import { addCoreRoutes } from './routes-core.js';
import { addPullRequestRoutes } from './routes-pull-requests.js';
import type { BitbucketDataCenterScenario } from './scenario.js';
import { createBitbucketDataCenterState, type BitbucketDataCenterState } from './state.js';

export * from './scenario.js';
export type { BitbucketDataCenterState } from './state.js';

/** One webhook delivery the twin made. */
export interface BitbucketDelivery {
  readonly webhookId: number;
  readonly url: string;
  readonly status: number | 'error';
}

/** A running Bitbucket Data Center stand-in. */
export interface BitbucketDataCenterTwin extends TwinServer {
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
}

/** Starts the twin on loopback; the REST API lives under `${baseUrl}/rest/api/{1.0,latest}`. */
export async function startBitbucketDataCenterTwin(
  scenario: BitbucketDataCenterScenario,
  options: TwinServerOptions = {},
): Promise<BitbucketDataCenterTwin> {
  const state = createBitbucketDataCenterState(scenario);
  const router = new TwinRouter();
  const ctx = createRouteContext(state, router);
  addCoreRoutes(ctx);
  addPullRequestRoutes(ctx);
  addAdminRoutes(ctx);
  const server = await startTwinServer(router, {
    ...options,
    notFound: (request) => ({
      status: 404,
      body: { errors: [{ context: null, message: `No resource at ${request.path}`, exceptionName: null }] },
    }),
  });

  const deliver: BitbucketDataCenterTwin['deliver'] = async (eventKey, payload, target) => {
    const project = state.projects.get(target.projectKey);
    if (!project) throw new Error(`unknown project ${target.projectKey}`);
    const repo = target.slug ? state.findRepo(project, target.slug) : undefined;
    const hooks = [...project.webhooks, ...(repo?.webhooks ?? [])].filter(
      (h) => h.active && h.events.includes(eventKey),
    );
    const body = JSON.stringify(payload);
    const deliveries: BitbucketDelivery[] = [];
    for (const hook of hooks) {
      const headers: Record<string, string> = {
        'content-type': 'application/json; charset=utf-8',
        'x-event-key': eventKey,
        'x-request-id': randomUUID(),
      };
      const secret = hook.configuration.secret;
      if (secret)
        headers['x-hub-signature'] = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
      const status = await fetch(hook.url, { method: 'POST', headers, body }).then(
        (r) => r.status,
        () => 'error' as const,
      );
      deliveries.push({ webhookId: hook.id, url: hook.url, status });
    }
    return deliveries;
  };

  return { ...server, state, baseUrl: `${server.url}${state.contextPath}`, deliver };
}
