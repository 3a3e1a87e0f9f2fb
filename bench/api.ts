/**
 * bench/api: requests per second of an authenticated read (GET /api/v1/accounts/{id}/members with a session
 * cookie, 20 members) against a bare Fastify route that returns a constant, in the same run. The load comes
 * from autocannon in a separate process so it does not share the servers' event loop. The two loads alternate
 * over several rounds and the medians are compared, so a burst of load from elsewhere on the machine skews one
 * round rather than one side.
 *
 *   npx tsx bench/api.ts [--seconds 5] [--rounds 5] [--connections 50]
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { parseArgs, promisify } from 'node:util';
import Fastify from 'fastify';
import { setUpAdmin } from '../test/helpers/api-client.js';
import { startTestService } from '../test/helpers/service.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
  },
});

interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}

async function load(url: string, headers: Record<string, string> = {}): Promise<AutocannonResult> {
  const args = ['autocannon', '-j', '-d', values.seconds!, '-c', values.connections!];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}=${value}`);
  args.push(url);
  // Asynchronous, so this process keeps serving while autocannon loads it from another process.
  const { stdout } = await promisify(execFile)('npx', args, {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as AutocannonResult;
}

const service = await startTestService();
const { client, session } = await setUpAdmin(service);
const accountId = session.currentAccountId!;
const now = new Date().toISOString();
for (let i = 1; i < 20; i++) {
  const id = randomUUID();
  await service.database.db
    .insertInto('users')
    .values({ id, email: `member${i}@example.com`, name: `Member ${i}`, password_hash: 'x', created_at: now })
    .execute();
  await service.database.db
    .insertInto('memberships')
    .values({ account_id: accountId, user_id: id, role: 'member', created_at: now })
    .execute();
}
const path = `/api/v1/accounts/${accountId}/members`;
const check = await client.get<{ items: unknown[] }>(path);
if (check.status !== 200 || check.body.items.length !== 20)
  throw new Error(`unexpected answer ${check.status}`);

const bare = Fastify();
bare.get('/constant', async () => ({ items: [] }));
await bare.listen({ port: 0, host: '127.0.0.1' });
const bareAddress = bare.server.address();
const bareUrl = `http://127.0.0.1:${typeof bareAddress === 'object' && bareAddress ? bareAddress.port : 0}/constant`;

const membersUrl = `${service.url}${path}`;
const cookie = { cookie: client.cookie! };
await load(bareUrl); // warm-up of the load generator and both servers
await load(membersUrl, cookie);
const rounds: { bare: AutocannonResult; members: AutocannonResult }[] = [];
for (let i = 0; i < Number(values.rounds); i++) {
  rounds.push({ bare: await load(bareUrl), members: await load(membersUrl, cookie) });
}
const median = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)]!;
const middle = (pick: (round: (typeof rounds)[number]) => AutocannonResult) => {
  const results = rounds.map(pick);
  const rate = median(results.map((r) => r.requests.average));
  return { rate, result: results.find((r) => r.requests.average === rate)! };
};
const baseline = middle((r) => r.bare);
const members = middle((r) => r.members);
const ratio = members.rate / baseline.rate;
const problems = rounds.reduce((sum, r) => sum + r.members.non2xx + r.members.errors, 0);

console.log(
  `engine: ${service.database.engine}; ${values.connections} connections; ${rounds.length} rounds of ${values.seconds} s each, alternating`,
);
console.log(
  `bare Fastify constant route: median ${baseline.rate.toFixed(0)} req/s (p50 ${baseline.result.latency.p50} ms, p99 ${baseline.result.latency.p99} ms)`,
);
console.log(
  `GET ${path.replace(accountId, '{id}')} (session cookie, 20 members): median ${members.rate.toFixed(0)} req/s ` +
    `(p50 ${members.result.latency.p50} ms, p99 ${members.result.latency.p99} ms, non-2xx or errors ${problems})`,
);
console.log(
  `per-round ratios: ${rounds.map((r) => (r.members.requests.average / r.bare.requests.average).toFixed(2)).join(' ')}`,
);
console.log(`ratio of medians: ${ratio.toFixed(2)} (target >= 0.3)`);
await bare.close();
await service.close();
