import { startTwinServer, type TwinServer, type TwinServerOptions } from '../server/twin-server.js';
import { AdoRouter } from './access.js';
import { addCoreRoutes } from './routes-core.js';
import { addGitRoutes } from './routes-git.js';
import { addGraphRoutes } from './routes-graph.js';
import type { AzureDevOpsScenario } from './scenario.js';
import { createAzureDevOpsState, type AzureDevOpsState } from './state.js';

export * from './scenario.js';
export type { AzureDevOpsState } from './state.js';

/** One service-hook delivery the twin made. */
export interface AzureDevOpsDelivery {
  readonly subscriptionId: string;
  readonly url: string;
  readonly status: number | 'error';
}

/** A running Azure DevOps stand-in serving every organization under `${url}/{org}/…`. */
export interface AzureDevOpsTwin extends TwinServer {
  readonly state: AzureDevOpsState;
  /** `${url}/${org}`: what `new WebApi(orgUrl, handler)` takes (also stands in for vssps/vsaex hosts). */
  orgUrl(org: string): string;
  /**
   * POSTs an event to every subscription of `org` for `eventType`, with the subscription's basic-auth
   * credentials and `httpHeaders`. Azure DevOps signs nothing, so neither does the twin.
   */
  deliver(org: string, eventType: string, resource: unknown): Promise<AzureDevOpsDelivery[]>;
}

/** Starts the twin on loopback. */
export async function startAzureDevOpsTwin(
  scenario: AzureDevOpsScenario,
  options: TwinServerOptions = {},
): Promise<AzureDevOpsTwin> {
  const state = createAzureDevOpsState(scenario);
  const router = new AdoRouter();
  addCoreRoutes(state, router);
  addGitRoutes(state, router);
  addGraphRoutes(state, router);
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

  const deliver: AzureDevOpsTwin['deliver'] = async (orgName, eventType, resource) => {
    const org = state.organizations.get(orgName.toLowerCase());
    if (!org) throw new Error(`unknown organization ${orgName}`);
    const deliveries: AzureDevOpsDelivery[] = [];
    for (const hook of org.hooks.filter((h) => h.eventType === eventType)) {
      const inputs = hook.consumerInputs;
      const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
      for (const line of (inputs.httpHeaders ?? '').split(/\r?\n/)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      if (inputs.basicAuthUsername || inputs.basicAuthPassword) {
        const pair = `${inputs.basicAuthUsername ?? ''}:${inputs.basicAuthPassword ?? ''}`;
        headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
      }
      const body = JSON.stringify({
        subscriptionId: hook.id,
        notificationId: deliveries.length + 1,
        id: crypto.randomUUID(),
        eventType,
        publisherId: hook.publisherId,
        message: { text: eventType },
        detailedMessage: { text: eventType },
        resource,
        resourceVersion: hook.resourceVersion,
        resourceContainers: { collection: { id: org.id }, account: { id: org.id } },
        createdDate: state.now(),
      });
      const status = await fetch(inputs.url!, { method: 'POST', headers, body }).then(
        (r) => r.status,
        () => 'error' as const,
      );
      deliveries.push({ subscriptionId: hook.id, url: inputs.url!, status });
    }
    return deliveries;
  };

  return { ...server, state, orgUrl: (org) => `${server.url}/${org}`, deliver };
}
