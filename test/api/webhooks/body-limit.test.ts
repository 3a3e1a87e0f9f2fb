import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookBodyLimit } from '../../../src/api/webhooks/raw-delivery.js';
import {
  expectProblem,
  signedDelivery,
  startWebhookService,
  type Answer,
  type Endpoint,
  type WebhookService,
} from './webhook-fixture.js';

/**
 * Sends `total` bytes in 1 MB chunks on a raw socket, announced in Content-Length or chunked without it, and stops
 * writing once the server answers (it may close the connection while we still write: that is the refusal, not a
 * failure). Returns the answer and how many body bytes were written before it came.
 */
function sendLarge(
  url: string,
  headers: Record<string, string>,
  total: number,
  mode: 'content-length' | 'chunked',
): Promise<Answer & { written: number }> {
  const { hostname, port, pathname } = new URL(url);
  const head = [
    `POST ${pathname} HTTP/1.1`,
    `Host: ${hostname}:${port}`,
    'Content-Type: application/json',
    'Connection: close',
    mode === 'content-length' ? `Content-Length: ${total}` : 'Transfer-Encoding: chunked',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    '',
    '',
  ].join('\r\n');
  return new Promise((resolve, reject) => {
    let written = 0;
    const received: Buffer[] = [];
    const socket = net.connect(Number(port), hostname);
    socket.setTimeout(20_000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', () => {
      // EPIPE / ECONNRESET once the server refuses: what it answered was read before
    });
    socket.on('close', () => {
      const text = Buffer.concat(received).toString('utf8');
      const [statusLine = '', ...rest] = text.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? 0);
      if (status === 0) return reject(new Error(`no answer after ${written} bytes`));
      const bodyText = rest.join('\r\n\r\n');
      let body: unknown = bodyText;
      try {
        body = JSON.parse(bodyText);
      } catch {
        // the assertion shows the text
      }
      resolve({ status, text: bodyText, body, written });
    });
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const frame = (data: Buffer) =>
      mode === 'chunked'
        ? Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n')])
        : data;
    const writeMore = () => {
      while (received.length === 0 && written < total && !socket.destroyed) {
        const size = Math.min(chunk.length, total - written);
        written += size;
        if (!socket.write(frame(chunk.subarray(0, size)))) {
          socket.once('drain', writeMore);
          return;
        }
      }
      if (received.length === 0 && !socket.destroyed && mode === 'chunked') socket.write('0\r\n\r\n');
      // Half-close: the server answers and then closes.
      if (!socket.destroyed) socket.end();
    };
    socket.once('connect', () => {
      socket.write(head);
      writeMore();
    });
  });
}

let hooks: WebhookService;
let endpoint: Endpoint;
beforeAll(async () => {
  hooks = await startWebhookService();
  endpoint = await hooks.addEndpoint('github');
});
afterAll(() => hooks.close());

describe('POST /webhooks/{kind}/{hookId}: 25 MB body limit', () => {
  const headers = () => signedDelivery('github', endpoint.secret).headers as Record<string, string>;

  it('refuses a Content-Length over 25 MB with 413 before reading the body', async () => {
    const answer = await sendLarge(
      `${hooks.service.url}${endpoint.path}`,
      headers(),
      webhookBodyLimit + 1,
      'content-length',
    );
    expectProblem(answer, 413, 'body_too_large');
    // Answered from the header: far less than the body was sent when the answer came.
    expect(answer.written).toBeLessThan(webhookBodyLimit);
    expect(await hooks.deliveries(endpoint.hookId)).toHaveLength(0);
  });

  it('refuses a chunked body without Content-Length once it passes 25 MB, with 413', async () => {
    const answer = await sendLarge(
      `${hooks.service.url}${endpoint.path}`,
      headers(),
      40 * 1024 * 1024,
      'chunked',
    );
    expectProblem(answer, 413, 'body_too_large');
    expect(answer.written).toBeLessThan(40 * 1024 * 1024);
    expect(await hooks.deliveries(endpoint.hookId)).toHaveLength(0);
  });

  it('accepts a signed body of exactly 25 MB', async () => {
    const head = '{"zen":"';
    const body = Buffer.alloc(webhookBodyLimit, 'a');
    body.write(head, 0);
    body.write('"}', webhookBodyLimit - 2);
    const answer = await hooks.send(endpoint.path, signedDelivery('github', endpoint.secret, { body }));
    expect(answer.status).toBe(202);
    const [row] = await hooks.deliveries(endpoint.hookId);
    expect(row!.body_bytes).toBe(webhookBodyLimit);
  });

  it('answers 404, not 413, for an oversize body to an unknown hook', async () => {
    const answer = await sendLarge(
      `${hooks.service.url}/webhooks/github/${'A'.repeat(43)}`,
      headers(),
      webhookBodyLimit + 1,
      'content-length',
    );
    expectProblem(answer, 404, 'not_found');
  });
});
