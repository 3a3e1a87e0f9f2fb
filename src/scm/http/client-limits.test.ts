import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTwinServer, TwinRouter, type TwinServer } from '../../../test/twins/server/twin-server.js';
import { ScmError } from '../errors.js';
import { parseAllowlist } from './allowlist.js';
import { createScmHttp, createScmHttpShared, type ScmHttp, type ScmHttpOptions } from './client.js';
import { startCanary } from './testing/canary.js';

const shared = createScmHttpShared();
const clients: ScmHttp[] = [];
let twin: TwinServer;
let hostile: { url: string; bytesSent: () => number; close: () => Promise<void> };

function client(baseUrl: string, options: Partial<ScmHttpOptions> = {}) {
  const scm = createScmHttp({
    baseUrl: new URL(baseUrl),
    policy: { allowlist: parseAllowlist('127.0.0.1'), accountId: 'org-a' },
    shared,
    allowHttp: true,
    retry: { attempts: 1 },
    ...options,
  });
  clients.push(scm);
  return scm;
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => {
      if (error instanceof ScmError) return error;
      throw error;
    },
  );

/** A misbehaving SCM: endless bodies (with or without a length) and a body that trickles a byte at a time. */
async function startHostileServer() {
  let sent = 0;
  const server = http.createServer((req, res) => {
    if (req.url === '/trickle') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      const timer = setInterval(() => res.write(' '), 20);
      res.on('close', () => clearInterval(timer));
      return;
    }
    const declared = req.url === '/huge-declared' ? { 'content-length': String(200 * 1024 * 1024) } : {};
    res.writeHead(200, { 'content-type': 'application/json', ...declared });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      while (!res.destroyed && sent < 200 * 1024 * 1024) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bytesSent: () => sent,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

beforeAll(async () => {
  twin = await startTwinServer(new TwinRouter().get('/ok', () => ({ body: { ok: true } })));
  hostile = await startHostileServer();
});
afterAll(async () => {
  await twin.close();
  await hostile.close();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((scm) => scm.close()));
});

describe('timeouts (S16)', () => {
  it('fails upstream_timeout when the headers do not come in time', async () => {
    twin.faults.next({ kind: 'delay', ms: 1000 }, 1, '/ok');
    const error = await failure(client(twin.url, { headersTimeoutMs: 100 }).request({ path: '/ok' }));
    expect([error.kind, error.code]).toEqual(['timeout', 'upstream_timeout']);
  });

  it('fails upstream_timeout when a body trickles past the body timeout, though bytes keep coming', async () => {
    const error = await failure(client(hostile.url, { bodyTimeoutMs: 300 }).request({ path: '/trickle' }));
    expect([error.kind, error.code]).toEqual(['timeout', 'upstream_timeout']);
  });

  it('fails upstream_timeout when the TLS handshake never completes', async () => {
    const silent = await startCanary({ hosts: ['127.0.0.1'] });
    try {
      const scm = client(`https://127.0.0.1:${silent.port}`, { connectTimeoutMs: 200 });
      const error = await failure(scm.request({ path: '/' }));
      expect([error.kind, error.code]).toEqual(['timeout', 'upstream_timeout']);
      expect(silent.connections()).toBe(1);
    } finally {
      await silent.close();
    }
  });
});

describe('response size (S16)', () => {
  it.each(['/huge-declared', '/huge-chunked'])(
    'aborts %s with response_too_large while streaming',
    async (path) => {
      const error = await failure(client(hostile.url, { maxResponseBytes: 1024 * 1024 }).request({ path }));
      expect([error.kind, error.code]).toEqual(['too-large', 'response_too_large']);
      // The 200 MB body was never read to the end: the sender stopped once the socket was closed.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(hostile.bytesSent()).toBeLessThan(50 * 1024 * 1024);
    },
  );

  it('stays healthy after a hostile answer', async () => {
    await failure(client(hostile.url, { maxResponseBytes: 1024 }).request({ path: '/huge-chunked' }));
    await expect(client(twin.url).request({ path: '/ok' })).resolves.toMatchObject({ data: { ok: true } });
  });
});
