/**
 * bench/api: requests per second of an authenticated read (GET /api/v1/accounts/{id}/members with a session
 * cookie, 20 members) against a bare Fastify route that returns a constant, in the same run. The load comes
 * from autocannon in a separate process so it does not share the servers' event loop. The two loads alternate
 * over several rounds and the medians are compared, so a burst of load from elsewhere on the machine skews one
 * round rather than one side.
 *
 *   npx tsx bench/api.ts [--seconds 5] [--rounds 7] [--connections 50]
 */
import { execFile } from 'node:child_process';
import { parseArgs, promisify } from 'node:util';
import { startMembersFixture } from './members-fixture.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '7' },
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

const { service, bareUrl, membersUrl, cookie, accountId, close } = await startMembersFixture();
const path = new URL(membersUrl).pathname;
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
await close();
