import { startTwinServer, type TwinServer, type TwinServerOptions } from '../server/twin-server.js';
import { AdoRouter } from './access.js';
import { createAzureDevOpsCiControl, type AzureDevOpsCiControl } from './ci-control.js';
import { createAzureDevOpsControl, type AzureDevOpsControl } from './control.js';
import { createAzureDevOpsDeliveries, type AzureDevOpsDelivery } from './deliveries.js';
import { addCoreRoutes } from './routes-core.js';
import { addGitRoutes } from './routes-git.js';
import { addItemRoutes } from './routes-items.js';
import { addGraphRoutes } from './routes-graph.js';
import { addPipelineRoutes } from './routes-pipelines.js';
import { addPullRequestRoutes } from './routes-pull-requests.js';
import { addSecurityRoutes } from './routes-security.js';
import { addVariableGroupRoutes } from './routes-variable-groups.js';
import { createPullRequestEvents } from './pull-request-events.js';
import type { AzureDevOpsScenario } from './scenario.js';
import { createAzureDevOpsState, type AzureDevOpsState } from './state.js';

export * from './scenario.js';
export type { AzureDevOpsState } from './state.js';

export type { AzureDevOpsDelivery } from './deliveries.js';
export type { TwinMember } from './control.js';
export type { AdoPipeline, AdoVariableGroup } from './pipeline-types.js';
export { gitPermission, gitRepositoriesNamespace } from './routes-security.js';

/** A running Azure DevOps stand-in serving every organization under `${url}/{org}/…`. */
export interface AzureDevOpsTwin extends TwinServer, AzureDevOpsControl, AzureDevOpsCiControl {
  readonly state: AzureDevOpsState;
  /** `${url}/${org}`: what `new WebApi(orgUrl, handler)` takes (also stands in for vssps/vsaex hosts). */
  orgUrl(org: string): string;
  /**
   * POSTs an event to every subscription of `org` for `eventType`, with the subscription's basic-auth
   * credentials and `httpHeaders`. Azure DevOps signs nothing, so neither does the twin.
   */
  deliver(org: string, eventType: string, resource: unknown): Promise<AzureDevOpsDelivery[]>;
  /** Every delivery made so far. */
  readonly deliveries: readonly AzureDevOpsDelivery[];
  /** Resolves once every delivery started so far has finished. */
  idle(): Promise<void>;
}

/** Starts the twin on loopback. */
export async function startAzureDevOpsTwin(
  scenario: AzureDevOpsScenario,
  options: TwinServerOptions = {},
): Promise<AzureDevOpsTwin> {
  const state = createAzureDevOpsState(scenario);
  const router = new AdoRouter();
  // Deliveries read the origin only when they send, after the server has started.
  let origin = '';
  const deliveries = createAzureDevOpsDeliveries(state, () => origin);
  const events = createPullRequestEvents(deliveries);
  addCoreRoutes(state, router);
  addGitRoutes(state, router, events);
  addPullRequestRoutes(state, router, events);
  addItemRoutes(state, router);
  addGraphRoutes(state, router);
  addSecurityRoutes(state, router);
  addPipelineRoutes(state, router);
  addVariableGroupRoutes(state, router);
  const server = await startTwinServer(router, {
    ...options,
    notFound: (request) => ({
      status: 404,
      body: {
        $id: '1',
        innerException: null,
        message: `The resource cannot be found: ${request.path}`,
        typeName: 'System.Web.HttpException, System.Web',
        typeKey: 'HttpException',
        errorCode: 0,
        eventId: 0,
      },
    }),
  });

  origin = server.url;
  const deliver: AzureDevOpsTwin['deliver'] = (orgName, eventType, resource) => {
    const org = state.organizations.get(orgName.toLowerCase());
    if (!org) throw new Error(`unknown organization ${orgName}`);
    return deliveries.deliver(org, eventType, resource);
  };

  return {
    ...server,
    state,
    orgUrl: (org) => `${server.url}/${org}`,
    deliver,
    deliveries: deliveries.log,
    idle: () => deliveries.idle(),
    async close() {
      await deliveries.idle();
      await deliveries.close();
      await server.close();
    },
    ...createAzureDevOpsControl(state, deliveries, () => server.url),
    ...createAzureDevOpsCiControl(state),
  };
}
