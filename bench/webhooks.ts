/**
 * bench/webhooks: signed GitHub-style deliveries per second at `POST /webhooks/github/{hookId}` (route, verify the
 * X-Hub-Signature-256 over the raw body, store the delivery and queue its `webhook.process` job in one transaction,
 * answer 202), each request with its own random X-GitHub-Delivery GUID as GitHub sends, next to a bare Fastify POST route that answers a
 * constant, in the same run. The load comes from a child process (an undici Pool, one sender per connection, so
 * `--connections` senders keep one request each in flight); the two loads alternate over rounds and the medians are
 * reported. The service runs without its built-in worker: what is measured is the receiver, and the queued jobs are
 * left for `scm-connect worker` processes. SQLite by default; PostgreSQL with TEST_DATABASE_URL or `--pg URL`.
 *
 *   npm run bench:webhooks
 *   npx tsx bench/webhooks.ts [--seconds 5] [--rounds 5] [--connections 50] [--body-bytes 2048] [--pg URL]
 *   bash scripts/with-postgres.sh npm run bench:webhooks
 */
import { fork } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { Pool } from 'undici';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    'body-bytes': { type: 'string', default: '2048' },
    pg: { type: 'string' },
    load: { type: 'boolean', default: false },
  },
});

/** What the parent asks the load process to send for one round. */
interface LoadOrder {
  readonly origin: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  /** The header that gets a fresh id on every request, if any. */
  readonly idHeader?: string;
  readonly body: string;
  readonly seconds: number;
  readonly connections: number;
}

interface LoadResult {
  readonly requests: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly errors: number;
}

const percentile = (sorted: Float64Array, p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;

/** Runs in the child: `connections` senders, each sending one request after the other for `seconds`. */
async function runLoad(order: LoadOrder): Promise<LoadResult> {
  const pool = new Pool(order.origin, { connections: order.connections, pipelining: 1 });
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const started = performance.now();
  const ends = started + order.seconds * 1000;
  const sender = async () => {
    while (performance.now() < ends) {
      const headers = order.idHeader ? { ...order.headers, [order.idHeader]: randomUUID() } : order.headers;
      const at = performance.now();
      try {
        const answer = await pool.request({ method: 'POST', path: order.path, headers, body: order.body });
        await answer.body.dump();
        if (answer.statusCode < 200 || answer.statusCode > 299) non2xx += 1;
        latencies.push(performance.now() - at);
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: order.connections }, sender));
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    perSecond: latencies.length / elapsed,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    non2xx,
    errors,
  };
}

if (values.load) {
  process.on('message', (order: LoadOrder) => {
    void runLoad(order).then((result) => process.send!(result));
  });
} else {
  await main();
}

async function main(): Promise<void> {
  if (values.pg) process.env.TEST_DATABASE_URL = values.pg;
  // Imported here so the load process loads none of the service.
  const { setUpAdmin } = await import('../test/helpers/api-client.js');
  const { startTestService } = await import('../test/helpers/service.js');
  const { insertConnection } = await import('../src/db/connections.js');
  const { createWebhookEndpoint, webhookPath } = await import('../src/webhooks/endpoints.js');
  const { createLiveSecretBox } = await import('../src/secrets/live-secret-box.js');

  const service = await startTestService({ SCM_CONNECT_WORKER: 'false' });
  const { session } = await setUpAdmin(service);
  const accountId = session.currentAccountId!;
  const connectionId = randomUUID();
  await insertConnection(service.database.db, {
    id: connectionId,
    accountId,
    kind: 'github',
    name: 'bench',
    baseUrl: 'https://github.invalid',
    target: 'bench',
    settings: {},
    tokenEncrypted: 'unused',
    caPem: null,
  });
  const secret = randomUUID();
  const box = createLiveSecretBox({ envValue: undefined, dataDir: service.dataDir });
  const hookId = await createWebhookEndpoint(service.database.db, box, {
    accountId,
    connectionId,
    kind: 'github',
    secret,
  });

  const body = JSON.stringify({
    zen: 'Keep it logically awesome.',
    hook_id: 1,
    padding: 'x'.repeat(Math.max(0, Number(values['body-bytes']) - 60)),
  });
  const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

  const bare = Fastify();
  bare.post('/constant', async (_request, reply) => reply.status(202).send({ status: 'accepted' }));
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const bareAddress = bare.server.address();
  const bareOrigin = `http://127.0.0.1:${typeof bareAddress === 'object' && bareAddress ? bareAddress.port : 0}`;

  const loader = fork(fileURLToPath(import.meta.url), ['--load'], { stdio: 'inherit' });
  const load = (order: Omit<LoadOrder, 'seconds' | 'connections'>, seconds = Number(values.seconds)) =>
    new Promise<LoadResult>((resolve) => {
      loader.once('message', (result: LoadResult) => resolve(result));
      loader.send({ ...order, seconds, connections: Number(values.connections) } satisfies LoadOrder);
    });
  const contentType = { 'content-type': 'application/json' };
  const bareOrder = { origin: bareOrigin, path: '/constant', headers: contentType, body };
  const hookOrder = {
    origin: service.url,
    path: webhookPath('github', hookId),
    headers: { ...contentType, 'x-github-event': 'ping', 'x-hub-signature-256': signature },
    idHeader: 'x-github-delivery',
    body,
  };

  // Warm-up of the load process and both servers.
  await load(bareOrder, 2);
  await load(hookOrder, 2);
  const rounds: { bare: LoadResult; hook: LoadResult; stallP99: number; stallMax: number }[] = [];
  for (let i = 0; i < Number(values.rounds); i++) {
    const bareResult = await load(bareOrder);
    // How long the service's event loop was held up while it received deliveries.
    const stalls = monitorEventLoopDelay({ resolution: 5 });
    stalls.enable();
    const hookResult = await load(hookOrder);
    stalls.disable();
    rounds.push({
      bare: bareResult,
      hook: hookResult,
      stallP99: stalls.percentile(99) / 1e6,
      stallMax: stalls.max / 1e6,
    });
  }
  loader.kill();

  const accepted = rounds.reduce((sum, r) => sum + r.hook.requests - r.hook.non2xx, 0);
  const stored = await service.database.db
    .selectFrom('webhook_deliveries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const jobs = await service.database.db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('kind', '=', 'webhook.process')
    .executeTakeFirstOrThrow();

  const median = (pick: (round: (typeof rounds)[number]) => LoadResult) => {
    const results = rounds.map(pick).sort((a, b) => a.perSecond - b.perSecond);
    return results[Math.floor(results.length / 2)]!;
  };
  const middleOf = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)]!;
  const report = (label: string, pick: (round: (typeof rounds)[number]) => LoadResult) => {
    const middle = median(pick);
    const problems = rounds.reduce((sum, r) => sum + pick(r).non2xx + pick(r).errors, 0);
    console.log(
      `${label}: median ${middle.perSecond.toFixed(0)} req/s; p50 ${middle.p50.toFixed(2)} ms, p99 ${middle.p99.toFixed(2)} ms ` +
        `in that round; median p99 of the rounds ${middleOf(rounds.map((r) => pick(r).p99)).toFixed(2)} ms; ` +
        `non-2xx or errors ${problems}`,
    );
  };

  console.log(
    `engine: ${service.database.engine}; ${values.connections} concurrent senders; ${rounds.length} rounds of ` +
      `${values.seconds} s each, alternating; body ${Buffer.byteLength(body)} bytes`,
  );
  report('bare Fastify POST route', (r) => r.bare);
  report('POST /webhooks/github/{hookId} (verify, store, enqueue, 202)', (r) => r.hook);
  console.log(
    `per round, deliveries/s: ${rounds.map((r) => r.hook.perSecond.toFixed(0)).join(' ')}; ` +
      `p99 ms: ${rounds.map((r) => r.hook.p99.toFixed(1)).join(' ')}; ` +
      `event-loop delay p99 / max ms: ${rounds.map((r) => `${r.stallP99.toFixed(1)}/${r.stallMax.toFixed(0)}`).join(' ')}`,
  );
  const warmUpAccepted = Number(stored.n) - accepted;
  console.log(
    `stored deliveries ${Number(stored.n)}, webhook.process jobs ${Number(jobs.n)} ` +
      `(2xx answers in the rounds ${accepted}, plus ${warmUpAccepted} in the warm-up)`,
  );
  if (Number(stored.n) !== Number(jobs.n)) {
    console.log('MISMATCH: every stored delivery should have exactly one job');
    process.exitCode = 1;
  }
  console.log('target on SQLite: >= 5000 deliveries/s with p99 < 20 ms');
  await bare.close();
  await service.close();
}
