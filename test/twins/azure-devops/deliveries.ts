import { randomUUID } from 'node:crypto';
import { createDeliveryFetch } from '../server/delivery-fetch.js';
import type { AdoOrganization, AzureDevOpsState } from './state.js';
import { createInFlight } from '../server/in-flight.js';

/** One service-hook delivery the twin made. */
export interface AzureDevOpsDelivery {
  readonly subscriptionId: string;
  readonly url: string;
  readonly eventType: string;
  /** The exact bytes sent. */
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly status: number | 'error';
}

export interface AzureDevOpsDeliveries {
  /** Every delivery made so far, in the order they finished. */
  readonly log: readonly AzureDevOpsDelivery[];
  /**
   * POSTs the event to every `webHooks` subscription of `org` for `eventType` (and, when the subscription names
   * a `projectId`, for that project), with its basic-auth credentials and `httpHeaders`. One event `id` for
   * all of them; `notificationId` per subscription.
   */
  deliver(
    org: AdoOrganization,
    eventType: string,
    resource: unknown,
    projectId?: string,
  ): Promise<AzureDevOpsDelivery[]>;
  /** Resolves once every delivery started so far has finished. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** A resource whose shape depends on the subscription's `resourceVersion`. */
export class VersionedResource {
  constructor(readonly forVersion: (resourceVersion: string) => unknown) {}
}

export function createAzureDevOpsDeliveries(
  state: AzureDevOpsState,
  origin: () => string,
): AzureDevOpsDeliveries {
  const log: AzureDevOpsDelivery[] = [];
  const inFlight = createInFlight();
  let notificationId = 0;
  const outgoing = createDeliveryFetch();

  async function send(
    org: AdoOrganization,
    hook: AdoOrganization['hooks'][number],
    eventType: string,
    eventId: string,
    resource: unknown,
    projectId: string | undefined,
  ): Promise<AzureDevOpsDelivery> {
    const inputs = hook.consumerInputs;
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    for (const line of (inputs.httpHeaders ?? '').split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    if (inputs.basicAuthUsername || inputs.basicAuthPassword) {
      const pair = `${inputs.basicAuthUsername ?? ''}:${inputs.basicAuthPassword ?? ''}`;
      headers.authorization = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
    }
    const containers: Record<string, { id: string; baseUrl?: string }> = {
      collection: { id: org.id, baseUrl: `${origin()}/${org.name}/` },
      account: { id: org.id, baseUrl: `${origin()}/${org.name}/` },
    };
    if (projectId) containers.project = { id: projectId, baseUrl: `${origin()}/${org.name}/` };
    notificationId += 1;
    const body = JSON.stringify({
      subscriptionId: hook.id,
      notificationId,
      id: eventId,
      eventType,
      publisherId: hook.publisherId,
      message: inputs.messagesToSend === 'none' ? null : { text: eventType },
      detailedMessage: inputs.detailedMessagesToSend === 'none' ? null : { text: eventType },
      resource: resource instanceof VersionedResource ? resource.forVersion(hook.resourceVersion) : resource,
      resourceVersion: hook.resourceVersion,
      resourceContainers: containers,
      createdDate: state.now(),
    });
    const status = await outgoing.send(inputs.url!, headers, body).catch(() => 'error' as const);
    const delivery = { subscriptionId: hook.id, url: inputs.url!, eventType, body, headers, status };
    log.push(delivery);
    return delivery;
  }

  return {
    log,
    deliver(org, eventType, resource, projectId) {
      const eventId = randomUUID();
      const hooks = org.hooks.filter(
        (h) =>
          h.eventType === eventType &&
          h.consumerId === 'webHooks' &&
          (!h.publisherInputs.projectId || h.publisherInputs.projectId === projectId),
      );
      const all = Promise.all(hooks.map((h) => send(org, h, eventType, eventId, resource, projectId)));
      return inFlight.track(all);
    },
    idle: inFlight.idle,
    close: () => outgoing.close(),
  };
}
