import { createHmac, randomUUID } from 'node:crypto';
import type { AppRecord, DeliveryRecord, GitHubState } from './state.js';
import { iso } from './state.js';

export interface DeliveryOptions {
  readonly action?: string;
  readonly installationId?: number;
  readonly repositoryId?: number;
}

/** Sends app webhooks (signed like GitHub's) to the app's webhook URL and records each delivery. */
export interface TwinWebhooks {
  /** Deliver `event` to the app's webhook URL; resolves once the receiver answered (or failed). */
  deliver(
    app: AppRecord,
    event: string,
    payload: Record<string, unknown>,
    options?: DeliveryOptions,
  ): Promise<DeliveryRecord>;
  /** Deliver again with the same GUID, as "Redeliver" does. */
  redeliver(delivery: DeliveryRecord): Promise<DeliveryRecord>;
  /** Wait until every delivery started so far has finished. */
  idle(): Promise<void>;
}

export function createWebhooks(
  state: GitHubState,
  flavor: 'cloud' | 'enterprise',
  version: string,
  webUrl: () => string,
): TwinWebhooks {
  const payloads = new Map<string, { event: string; body: string; options: DeliveryOptions }>();
  const pending = new Set<Promise<unknown>>();

  async function send(app: AppRecord, guid: string, redelivery: boolean): Promise<DeliveryRecord> {
    const stored = payloads.get(guid)!;
    const started = Date.now();
    let statusCode = 0;
    let status = 'Invalid HTTP Response: no webhook URL';
    if (app.webhookUrl && app.webhookActive) {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': 'GitHub-Hookshot/twin',
        'x-github-event': stored.event,
        'x-github-delivery': guid,
        'x-github-hook-id': String(app.id + 1_000_000),
        'x-github-hook-installation-target-type': 'integration',
        'x-github-hook-installation-target-id': String(app.id),
      };
      if (app.webhookSecret) {
        headers['x-hub-signature'] =
          `sha1=${createHmac('sha1', app.webhookSecret).update(stored.body).digest('hex')}`;
        headers['x-hub-signature-256'] =
          `sha256=${createHmac('sha256', app.webhookSecret).update(stored.body).digest('hex')}`;
      }
      if (flavor === 'enterprise') {
        headers['x-github-enterprise-version'] = version;
        headers['x-github-enterprise-host'] = new URL(webUrl()).host;
      }
      try {
        const response = await fetch(app.webhookUrl, {
          method: 'POST',
          headers,
          body: stored.body,
          redirect: 'manual',
          signal: AbortSignal.timeout(10_000),
        });
        await response.arrayBuffer();
        statusCode = response.status;
        status = response.ok ? 'OK' : `Invalid HTTP Response: ${response.status}`;
      } catch (error) {
        status =
          error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'failed to connect to host';
      }
    }
    const record: DeliveryRecord = {
      id: state.newId(),
      guid,
      appId: app.id,
      deliveredAt: iso(state.now()),
      redelivery,
      duration: (Date.now() - started) / 1000,
      status,
      statusCode,
      event: stored.event,
      action: stored.options.action ?? null,
      installationId: stored.options.installationId ?? null,
      repositoryId: stored.options.repositoryId ?? null,
    };
    state.deliveries.set(record.id, record);
    return record;
  }

  const track = <T>(promise: Promise<T>): Promise<T> => {
    pending.add(promise);
    void promise.finally(() => pending.delete(promise));
    return promise;
  };

  return {
    deliver(app, event, payload, options = {}) {
      const guid = randomUUID();
      payloads.set(guid, { event, body: JSON.stringify(payload), options });
      return track(send(app, guid, false));
    },
    redeliver(delivery) {
      const app = state.apps.get(delivery.appId)!;
      return track(send(app, delivery.guid, true));
    },
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
