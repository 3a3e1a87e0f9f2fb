import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** A TCP listener that only counts connections: a blocked request must leave it at zero. */
export interface Canary {
  readonly port: number;
  /** Connections accepted so far, over every address the canary listens on. */
  connections(): number;
  close(): Promise<void>;
}

export interface CanaryOptions {
  /** Loopback addresses to listen on, all with the same port (default 127.0.0.1 and ::1). */
  readonly hosts?: readonly string[];
  /** Optional port; default one picked by the system for the first host. */
  readonly port?: number;
  /** Written to every accepted socket (e.g. an SSH banner for an "open non-HTTP port"). */
  readonly greeting?: string;
}

/** Starts a canary; when the picked port is taken on a later host, tries another port. */
export async function startCanary(options: CanaryOptions = {}): Promise<Canary> {
  const hosts = options.hosts ?? ['127.0.0.1', '::1'];
  for (let tries = 0; tries < 20; tries++) {
    const servers: net.Server[] = [];
    let count = 0;
    const sockets = new Set<net.Socket>();
    const onConnection = (socket: net.Socket) => {
      count += 1;
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
      if (options.greeting) socket.write(options.greeting);
    };
    let port = options.port ?? 0;
    try {
      for (const host of hosts) {
        const server = net.createServer(onConnection);
        servers.push(server);
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, host, () => resolve());
        });
        port = (server.address() as AddressInfo).port;
      }
    } catch (error) {
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
      if (options.port !== undefined) throw error;
      continue;
    }
    return {
      port,
      connections: () => count,
      close: async () => {
        for (const socket of sockets) socket.destroy();
        await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
      },
    };
  }
  throw new Error('Could not find a free port for the canary on every host.');
}

/** A lookup that answers from a table (and records the names asked), or with `answer(name, call)`. */
export function stubLookup(answer: (hostname: string, call: number) => string[] | Promise<string[]>) {
  const asked: string[] = [];
  const lookup = async (hostname: string) => {
    asked.push(hostname);
    const addresses = await answer(hostname, asked.length);
    return addresses.map((address) => ({
      address,
      family: address.includes(':') ? (6 as const) : (4 as const),
    }));
  };
  return { lookup, asked };
}
