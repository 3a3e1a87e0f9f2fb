import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startTestService } from '../helpers/service.js';

describe('closing the service', () => {
  it('ends even when a request never finishes sending its body', async () => {
    const service = await startTestService({}, { shutdownGraceMs: 300 });
    const { hostname, port } = new URL(service.url);
    const socket = connect(Number(port), hostname);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const cut = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    // Promises 1,000 bytes and sends 10: the request stays in flight until the connection is ended.
    socket.write(
      'POST /api/v1/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"email":',
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Before closing was bounded this waited for the body, which never comes, and the test timed out.
    await service.close();
    await cut;
    expect(socket.destroyed).toBe(true);
  });
});
