import { createHmac, randomUUID } from 'node:crypto';
import type { BitbucketHook, BitbucketRepository } from './state.js';
import { createInFlight } from '../server/in-flight.js';

/** One webhook delivery the twin made. */
export interface BitbucketHookDelivery {
  readonly hookUuid: string;
  readonly url: string;
  readonly eventKey: string;
  /** `X-Request-UUID`. */
  readonly requestUuid: string;
  /** Exactly the bytes sent. */
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The receiver's status, or 0 when it could not be reached. */
  readonly status: number;
}

/**
 * JSON with every non-ASCII character written as a `\uXXXX` escape, as Python's `json.dumps` writes it by
 * default. Whether Bitbucket Cloud escapes is not documented; the twin does, so receivers are shown to verify
 * the bytes they got rather than a re-serialization.
 */
export const asciiJson = (value: unknown): string =>
  JSON.stringify(value).replace(
    /[\u0080-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

/** Sends signed deliveries to hooks and records them; `idle()` waits for those still under way. */
export interface BitbucketDeliverer {
  readonly deliveries: BitbucketHookDelivery[];
  /**
   * POSTs `payload` to every active hook of the repository and of its workspace subscribed to `eventKey`,
   * with `X-Event-Key`, `X-Hook-UUID`, `X-Request-UUID`, `X-Attempt-Number` and, when the hook has a secret,
   * `X-Hub-Signature: sha256=<hex HMAC of the body>`.
   */
  deliver(repo: BitbucketRepository, eventKey: string, payload: unknown): Promise<BitbucketHookDelivery[]>;
  idle(): Promise<void>;
}

export function createDeliverer(): BitbucketDeliverer {
  const deliveries: BitbucketHookDelivery[] = [];
  const inFlight = createInFlight();

  async function send(hook: BitbucketHook, eventKey: string, body: string): Promise<BitbucketHookDelivery> {
    const requestUuid = randomUUID();
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Bitbucket-Webhooks/2.0',
      'x-event-key': eventKey,
      'x-hook-uuid': hook.uuid.replace(/[{}]/g, ''),
      'x-request-uuid': requestUuid,
      'x-attempt-number': '1',
    };
    if (hook.secret !== undefined && hook.secret !== '')
      headers['x-hub-signature'] = `sha256=${createHmac('sha256', hook.secret).update(body).digest('hex')}`;
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
      () => 0,
    );
    const delivery = { hookUuid: hook.uuid, url: hook.url, eventKey, requestUuid, body, headers, status };
    deliveries.push(delivery);
    return delivery;
  }

  return {
    deliveries,
    deliver(repo, eventKey, payload) {
      const body = asciiJson(payload);
      const hooks = [...repo.hooks, ...repo.workspace.hooks].filter(
        (hook) => hook.active && hook.events.includes(eventKey),
      );
      const sending = Promise.all(hooks.map((hook) => send(hook, eventKey, body)));
      return inFlight.track(sending);
    },
    idle: inFlight.idle,
  };
}
