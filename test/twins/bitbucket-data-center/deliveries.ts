import { createHmac, randomUUID } from 'node:crypto';
import type { BbWebhook } from './state.js';
import { createInFlight } from '../server/in-flight.js';

/** One webhook delivery the twin made. */
export interface BitbucketDelivery {
  readonly webhookId: number;
  readonly url: string;
  readonly eventKey: string;
  /** `X-Request-Id`. */
  readonly requestId: string;
  /** Exactly the bytes sent (UTF-8 JSON, non-ASCII characters as they are). */
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The receiver's status, or `error` when it could not be reached. */
  readonly status: number | 'error';
}

/** Sends signed deliveries and records them; `idle()` waits for those still under way. */
export interface BitbucketDeliverer {
  readonly deliveries: BitbucketDelivery[];
  /**
   * POSTs `payload` to each active hook of `hooks` subscribed to `eventKey`, with `X-Event-Key`, `X-Request-Id`
   * and, when a secret is configured, `X-Hub-Signature: sha256=<hex HMAC of the body>` (Data Center's default
   * algorithm, HMACSha256).
   */
  deliver(hooks: readonly BbWebhook[], eventKey: string, payload: unknown): Promise<BitbucketDelivery[]>;
  idle(): Promise<void>;
}

export function createDeliverer(): BitbucketDeliverer {
  const deliveries: BitbucketDelivery[] = [];
  const inFlight = createInFlight();

  async function send(hook: BbWebhook, eventKey: string, body: string): Promise<BitbucketDelivery> {
    const requestId = randomUUID();
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'x-event-key': eventKey,
      'x-request-id': requestId,
    };
    const secret = hook.configuration.secret;
    if (secret)
      headers['x-hub-signature'] = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    const status = await fetch(hook.url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    }).then(
      async (response) => {
        await response.arrayBuffer();
        return response.status;
      },
      () => 'error' as const,
    );
    const delivery = { webhookId: hook.id, url: hook.url, eventKey, requestId, body, headers, status };
    deliveries.push(delivery);
    return delivery;
  }

  return {
    deliveries,
    deliver(hooks, eventKey, payload) {
      const body = JSON.stringify(payload);
      const subscribed = hooks.filter((hook) => hook.active && hook.events.includes(eventKey));
      const sending = Promise.all(subscribed.map((hook) => send(hook, eventKey, body)));
      return inFlight.track(sending);
    },
    idle: inFlight.idle,
  };
}
