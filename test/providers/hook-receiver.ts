import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { headersOf } from '../../src/api/webhooks/raw-delivery.js';
import { expect } from 'vitest';
import type {
  DeliveryIdentity,
  IncomingDelivery,
  ParsedDelivery,
  WebhookReceiver,
} from '../../src/scm/webhook-receiver.js';

/** One POST the receiver got, as the webhook route hands it to a kind's receiver: headers, exact bytes. */
export type ReceivedHook = IncomingDelivery;

/** A loopback endpoint that records what SCM twins deliver to it and answers 202. */
export interface HookReceiver {
  readonly url: string;
  readonly received: readonly ReceivedHook[];
  close(): Promise<void>;
}

export interface HookReceiverOptions {
  /** Serve https with the twins' test certificate (Azure DevOps refuses basic auth over http). Default http. */
  readonly tls?: boolean;
  readonly path?: string;
}

const tlsDir = new URL('../twins/tls/', import.meta.url);

export async function startHookReceiver(options: HookReceiverOptions = {}): Promise<HookReceiver> {
  const received: ReceivedHook[] = [];
  const secure = options.tls ?? false;
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        headers: headersOf(request.rawHeaders),
        rawBody: Buffer.concat(chunks),
        secure,
        now: new Date(),
      });
      response.writeHead(202).end();
    });
  };
  const server = secure
    ? createHttpsServer(
        {
          cert: readFileSync(new URL('server.pem', tlsDir)),
          key: readFileSync(new URL('server-key.pem', tlsDir)),
        },
        handle,
      )
    : createHttpServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${secure ? 'https' : 'http'}://127.0.0.1:${port}${options.path ?? '/webhooks/test/1'}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Checks that `delivery` verifies with `secret` and with no other, then returns what the kind's receiver reads
 * from it: its identity and its parsed events.
 */
export function readVerified(
  receiver: WebhookReceiver,
  delivery: ReceivedHook,
  secret: string,
  otherSecret = 'other',
): DeliveryIdentity & ParsedDelivery {
  expect(receiver.verify(delivery, { secret, signingSecret: null })).toEqual({ ok: true });
  expect(receiver.verify(delivery, { secret: otherSecret, signingSecret: null })).toMatchObject({
    ok: false,
    failure: 'signature-mismatch',
  });
  const identity = receiver.identify(delivery);
  return {
    ...identity,
    ...receiver.parse({ event: identity.event, body: delivery.rawBody.toString('utf8') }),
  };
}
