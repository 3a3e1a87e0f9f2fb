import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

/** One request as a twin handler sees it. */
export interface TwinRequest {
  readonly method: string;
  readonly url: URL;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  /** The body parsed as JSON; `undefined` for an empty body. Throws `TwinHttpError(400)` when malformed. */
  json<T = unknown>(): T;
  /** The twin's own origin, for building absolute links (`next`, `Link`, `html_url`). */
  readonly origin: string;
}

export interface TwinResponse {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string | number | readonly string[]>>;
  /** An object or array is sent as JSON; a string or Buffer as is. */
  readonly body?: unknown;
}

export type TwinHandler = (request: TwinRequest) => TwinResponse | Promise<TwinResponse>;

/** Thrown inside a handler to answer with a status and a body shaped like the real SCM's error. */
export class TwinHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(`twin answered ${status}`);
  }
}

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly handler: TwinHandler;
}

/**
 * Routes `METHOD /path/:param/*rest` patterns. `:name` matches one segment (decoded); `*name` matches the rest
 * of the path including slashes (GitLab's `:id` may be a URL-encoded full path, which is one segment).
 */
export class TwinRouter {
  private readonly routes: Route[] = [];

  add(method: string, path: string, handler: TwinHandler): this {
    const names: string[] = [];
    const source = path
      .split('/')
      .map((segment) => {
        if (segment.startsWith(':')) {
          names.push(segment.slice(1));
          return '([^/]+)';
        }
        if (segment.startsWith('*')) {
          names.push(segment.slice(1));
          return '(.+)';
        }
        return segment.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    this.routes.push({ method: method.toUpperCase(), pattern: new RegExp(`^${source}/?$`), names, handler });
    return this;
  }

  get(path: string, handler: TwinHandler): this {
    return this.add('GET', path, handler);
  }
  post(path: string, handler: TwinHandler): this {
    return this.add('POST', path, handler);
  }
  put(path: string, handler: TwinHandler): this {
    return this.add('PUT', path, handler);
  }
  patch(path: string, handler: TwinHandler): this {
    return this.add('PATCH', path, handler);
  }
  delete(path: string, handler: TwinHandler): this {
    return this.add('DELETE', path, handler);
  }

  match(
    method: string,
    path: string,
  ): { handler: TwinHandler; params: Record<string, string> } | 'method' | undefined {
    let pathMatched = false;
    for (const route of this.routes) {
      const found = route.pattern.exec(path);
      if (!found) continue;
      pathMatched = true;
      if (route.method !== method && !(method === 'HEAD' && route.method === 'GET')) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, index) => {
        params[name] = decodeURIComponent(found[index + 1] ?? '');
      });
      return { handler: route.handler, params };
    }
    return pathMatched ? 'method' : undefined;
  }
}

/** A fault the twin injects instead of (or into) its normal answer. */
export type TwinFault =
  | { readonly kind: 'status'; readonly status: number; readonly body?: unknown }
  /** A redirect elsewhere (the SSRF cases of a host that sends its callers to the metadata address). */
  | { readonly kind: 'redirect'; readonly location: string; readonly status?: 301 | 302 | 307 | 308 }
  | { readonly kind: 'rate-limit'; readonly retryAfterSeconds: number; readonly status?: 429 | 403 }
  | { readonly kind: 'reset' }
  | { readonly kind: 'truncate' }
  | { readonly kind: 'slow-body'; readonly bytesPerSecond: number }
  | { readonly kind: 'delay'; readonly ms: number };

/**
 * Fault injection, deterministic so tests can count: queued faults are applied to the next matching requests
 * in order; `every` applies a fault to every n-th request; a `plan` picks a fault (or none) for each request by
 * its number; `latencyMs` delays every answer.
 */
export class TwinFaults {
  latencyMs = 0;
  private readonly queue: { fault: TwinFault; pathPrefix: string | undefined }[] = [];
  private periodic: { fault: TwinFault; every: number; seen: number } | undefined;
  private planned: { choose: (n: number, path: string) => TwinFault | undefined; seen: number } | undefined;

  /** Apply `fault` to the next `times` requests (optionally only those whose path starts with `pathPrefix`). */
  next(fault: TwinFault, times = 1, pathPrefix?: string): this {
    for (let i = 0; i < times; i++) this.queue.push({ fault, pathPrefix });
    return this;
  }

  /** Apply `fault` to every `n`-th request from now on. */
  every(n: number, fault: TwinFault): this {
    this.periodic = { fault, every: n, seen: 0 };
    return this;
  }

  /** From now on, ask `choose` about each request, numbered from 1, after the queue and `every`. */
  plan(choose: (n: number, path: string) => TwinFault | undefined): this {
    this.planned = { choose, seen: 0 };
    return this;
  }

  clear(): this {
    this.queue.length = 0;
    this.periodic = undefined;
    this.planned = undefined;
    this.latencyMs = 0;
    return this;
  }

  take(path: string): TwinFault | undefined {
    const index = this.queue.findIndex((q) => q.pathPrefix === undefined || path.startsWith(q.pathPrefix));
    if (index >= 0) return this.queue.splice(index, 1)[0]!.fault;
    if (this.periodic) {
      this.periodic.seen += 1;
      if (this.periodic.seen % this.periodic.every === 0) return this.periodic.fault;
    }
    if (this.planned) {
      this.planned.seen += 1;
      return this.planned.choose(this.planned.seen, path);
    }
    return undefined;
  }
}

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly status: number;
  readonly fault: TwinFault['kind'] | undefined;
  /** When the request arrived (`Date.now()`). */
  readonly at: number;
  /** The `Retry-After` the answer carried, when it carried one. */
  readonly retryAfter: string | undefined;
}

export interface TwinServerOptions {
  /** Serve HTTPS with the self-signed test certificate in `test/twins/tls` (CA: `testCaPem()`). */
  readonly tls?: boolean;
  readonly host?: string;
  readonly port?: number;
  /** Answer for an unknown path; defaults to a JSON 404 `{message: 'Not Found'}`. */
  readonly notFound?: (request: TwinRequest) => TwinResponse;
}

export interface TwinServer {
  /** Origin with no trailing slash, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly port: number;
  readonly log: LoggedRequest[];
  readonly faults: TwinFaults;
  /** Requests counted since start (or since `log.length = 0`), optionally for a path prefix. */
  count(pathPrefix?: string, method?: string): number;
  close(): Promise<void>;
}

const tlsDir = new URL('../tls/', import.meta.url);

/** The PEM of the CA that signed the twins' TLS certificate. */
export const testCaPem = (): string => readFileSync(new URL('ca.pem', tlsDir), 'utf8');

/** Start a loopback HTTP(S) server answering through `router`, with a request log and fault injection. */
export async function startTwinServer(
  router: TwinRouter,
  options: TwinServerOptions = {},
): Promise<TwinServer> {
  const log: LoggedRequest[] = [];
  const faults = new TwinFaults();
  const sockets = new Set<Socket>();
  const host = options.host ?? '127.0.0.1';
  const scheme = options.tls ? 'https' : 'http';
  let origin = '';

  const listener: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void answer(req, res, Buffer.concat(chunks));
    });
  };

  async function answer(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    const at = Date.now();
    const url = new URL(req.url ?? '/', origin);
    const method = req.method ?? 'GET';
    const fault = faults.take(url.pathname);
    const record = (status: number, retryAfter?: string) =>
      log.push({
        method,
        path: url.pathname,
        query: url.search,
        headers: req.headers,
        status,
        fault: fault?.kind,
        at,
        retryAfter,
      });
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    if (fault?.kind === 'delay') await sleep(fault.ms);
    if (fault?.kind === 'reset') {
      record(0);
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      record(fault.status);
      return send(res, { status: fault.status, body: fault.body ?? { message: 'Injected failure' } });
    }
    if (fault?.kind === 'redirect') {
      const status = fault.status ?? 302;
      record(status);
      return send(res, { status, headers: { location: fault.location }, body: { message: 'Moved' } });
    }
    if (fault?.kind === 'rate-limit') {
      const status = fault.status ?? 429;
      record(status, String(fault.retryAfterSeconds));
      return send(res, {
        status,
        headers: { 'retry-after': String(fault.retryAfterSeconds) },
        body: { message: 'Rate limit exceeded (injected)' },
      });
    }

    const request = makeRequest(req, url, body, origin);
    let response: TwinResponse;
    try {
      const matched = router.match(method, url.pathname);
      if (matched === undefined) {
        response = options.notFound?.(request) ?? { status: 404, body: { message: 'Not Found' } };
      } else if (matched === 'method') {
        response = { status: 405, body: { message: 'Method Not Allowed' } };
      } else {
        response = await matched.handler({ ...request, params: matched.params });
      }
    } catch (error) {
      response =
        error instanceof TwinHttpError
          ? { status: error.status, headers: error.headers, body: error.body }
          : { status: 500, body: { message: 'Internal twin error', detail: String(error) } };
    }
    const retryAfter = response.headers?.['retry-after'];
    record(response.status ?? 200, retryAfter === undefined ? undefined : String(retryAfter));
    if (fault?.kind === 'truncate') return sendTruncated(res, response);
    if (fault?.kind === 'slow-body') return sendSlowly(res, response, fault.bytesPerSecond);
    send(res, response, method === 'HEAD');
  }

  const server = options.tls
    ? https.createServer(
        {
          cert: readFileSync(new URL('server.pem', tlsDir)),
          key: readFileSync(new URL('server-key.pem', tlsDir)),
        },
        listener,
      )
    : http.createServer(listener);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url: origin,
    port,
    log,
    faults,
    count: (pathPrefix, method) =>
      log.filter((r) => (!pathPrefix || r.path.startsWith(pathPrefix)) && (!method || r.method === method))
        .length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function makeRequest(req: http.IncomingMessage, url: URL, body: Buffer, origin: string): TwinRequest {
  return {
    method: req.method ?? 'GET',
    url,
    path: url.pathname,
    params: {},
    headers: req.headers,
    body,
    origin,
    json<T>(): T {
      if (body.length === 0) return undefined as T;
      try {
        return JSON.parse(body.toString('utf8')) as T;
      } catch {
        throw new TwinHttpError(400, { message: 'Problems parsing JSON' });
      }
    },
  };
}

function encode(response: TwinResponse): {
  headers: Record<string, string | number | readonly string[]>;
  payload: Buffer;
} {
  const headers: Record<string, string | number | readonly string[]> = { ...response.headers };
  const body = response.body;
  let payload: Buffer;
  if (body === undefined || body === null) payload = Buffer.alloc(0);
  else if (Buffer.isBuffer(body)) payload = body;
  else if (typeof body === 'string') {
    payload = Buffer.from(body);
    headers['content-type'] ??= 'text/plain; charset=utf-8';
  } else {
    payload = Buffer.from(JSON.stringify(body));
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  return { headers, payload };
}

function send(res: http.ServerResponse, response: TwinResponse, head = false): void {
  const { headers, payload } = encode(response);
  res.writeHead(response.status ?? 200, { ...headers, 'content-length': payload.length });
  res.end(head ? undefined : payload);
}

function sendTruncated(res: http.ServerResponse, response: TwinResponse): void {
  const { headers, payload } = encode(response);
  res.writeHead(response.status ?? 200, { ...headers, 'content-length': payload.length });
  res.write(payload.subarray(0, Math.floor(payload.length / 2)));
  res.socket?.destroy();
}

function sendSlowly(res: http.ServerResponse, response: TwinResponse, bytesPerSecond: number): void {
  const { headers, payload } = encode(response);
  res.writeHead(response.status ?? 200, { ...headers, 'content-length': payload.length });
  let offset = 0;
  const timer = setInterval(() => {
    if (res.destroyed || offset >= payload.length) {
      clearInterval(timer);
      if (!res.destroyed) res.end();
      return;
    }
    res.write(payload.subarray(offset, offset + bytesPerSecond));
    offset += bytesPerSecond;
  }, 1000);
  res.on('close', () => clearInterval(timer));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
