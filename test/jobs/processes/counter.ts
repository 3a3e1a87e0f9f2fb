import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One call the counter received. */
export interface Hit {
  readonly key: string;
  readonly pid: number;
  /** The job's idempotency key: `schedule:{name}:{slot}` for a scheduled job. */
  readonly slot: string | null;
}

/** What the counter does with a call before it answers. */
export type HitDecision = 'answer' | 'hold' | 'drop';

/**
 * An external service the test jobs call over HTTP, standing for any API a job has an effect on. Like an API
 * with idempotency keys, it applies each key once however often it is sent, and it counts every call.
 */
export interface Counter {
  readonly url: string;
  /** Every call, in arrival order. */
  readonly hits: readonly Hit[];
  /** Keys applied: each once, whatever the number of calls. */
  readonly applied: ReadonlySet<string>;
  /** Calls per key. */
  callsFor(key: string): number;
  /** Answers every held call. */
  releaseHeld(): void;
  close(): Promise<void>;
}

/** `decide` may hold a call (answered on `releaseHeld`) or drop it unanswered (the caller is being killed). */
export async function startCounter(
  decide: (hit: Hit, counter: Counter) => HitDecision = () => 'answer',
): Promise<Counter> {
  const hits: Hit[] = [];
  const applied = new Set<string>();
  const calls = new Map<string, number>();
  const held: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const key = String(req.headers['idempotency-key'] ?? '');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { slot?: string | null };
      const hit: Hit = { key, pid: Number(req.headers['x-worker-pid']), slot: body.slot ?? null };
      hits.push(hit);
      calls.set(key, (calls.get(key) ?? 0) + 1);
      applied.add(key);
      const answer = () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      };
      const decision = decide(hit, counter);
      if (decision === 'hold') held.push(answer);
      else if (decision === 'answer') answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const counter: Counter = {
    url: `http://127.0.0.1:${port}`,
    hits,
    applied,
    callsFor: (key) => calls.get(key) ?? 0,
    releaseHeld: () => {
      for (const answer of held.splice(0)) answer();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return counter;
}
