/**
 * bench/bulk-ci: one bulk CI run (pull-request mode) through the service, per SCM, against its twin.
 *
 * - GitHub: `--repos` repositories (default 1,000, the most one run takes) of one organization with the
 *   instance's app installed. The twin enforces GitHub's content-creation secondary limits with the windows
 *   scaled down (80 per 6 s and 500 per 36 s instead of a minute and an hour) and the service runs with
 *   SCM_CONNECT_GITHUB_CONTENT_LIMITS set to the same. Printed: the content-creating writes made, the least time
 *   a sender that never exceeds either window needs for that many (the floor), the wall time from the request
 *   that starts the run to its end, their ratio, and the secondary-limit refusals the twin answered.
 * - GitLab, Bitbucket Cloud, Azure DevOps: `--others` repositories each (default 200) through a token
 *   connection. Printed: wall time, repositories per second, requests and writes made, and the documented limit
 *   of that SCM which applies to these calls with the floor it sets (computed: these twins do not enforce it).
 *
 * The service keeps its data on the engine the environment selects: SQLite, or PostgreSQL with TEST_DATABASE_URL.
 *
 *   npm run bench:bulk-ci
 *   bash scripts/with-postgres.sh npm run bench:bulk-ci -- --repos 300 --others 100
 *   npx tsx bench/bulk-ci.ts [--repos 1000] [--others 200]
 */
import { parseArgs } from 'node:util';
import { loopbackEnv } from '../test/api/connections/connections-api.js';
import {
  octoAdmin,
  Person,
  signInAgain,
  startGitHubWorld,
  waitFor,
} from '../test/api/github/github-world.js';
import { setUpAdmin, type ApiClient } from '../test/helpers/api-client.js';
import { testPostgresUrl } from '../test/helpers/database.js';
import { startTestService } from '../test/helpers/service.js';
import { startKit, type TokenKind, type TwinKit } from '../test/helpers/twin-kits.js';
import type { BulkRun, BulkStep } from '../test/onboarding/github-bulk-world.js';
import type { BitbucketCloudTwin } from '../test/twins/bitbucket-cloud/index.js';
import type { GitLabTwin } from '../test/twins/gitlab/index.js';
import type { LoggedRequest } from '../test/twins/server/twin-server.js';
import { ciAccessScopes } from '../test/twins/bitbucket-cloud/scenario.js';

const { values: args } = parseArgs({
  options: {
    repos: { type: 'string', default: '1000' },
    others: { type: 'string', default: '200' },
  },
});
const repos = Number(args.repos);
const others = Number(args.others);
if (![repos, others].every((n) => Number.isInteger(n) && n >= 1 && n <= 1000)) {
  throw new Error('--repos and --others take whole numbers from 1 to 1000 (the most one run takes).');
}

/** The scaled-down secondary limits: GitHub's counts, over 6 s instead of a minute and 36 s instead of an hour. */
const limits = { perMinute: 80, minuteMs: 6_000, perHour: 500, hourMs: 36_000 } as const;
const limitsSetting = `${limits.perMinute}/${limits.minuteMs / 1000}s,${limits.perHour}/${limits.hourMs / 1000}s`;

/** The least time `writes` take when no `count` of them may fall within `windowMs`: (ceil(N/C) - 1) × W. */
const floorMs = (writes: number, count: number, windowMs: number) =>
  Math.max(0, Math.ceil(writes / count) - 1) * windowMs;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const writeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const succeeded = (entry: LoggedRequest) => entry.status < 400;

/** Starts a run over every repository of `connectionId` whose name holds `q`; resolves with it once ended. */
async function runAll(
  api: ApiClient,
  accountId: string,
  connectionId: string,
  q: string,
  expected: number,
): Promise<{ run: BulkRun; wallMs: number }> {
  const base = `/api/v1/accounts/${accountId}`;
  const startedAt = Date.now();
  const started = await api.post<BulkRun>(`${base}/ci-jobs`, {
    all: true,
    filter: { connectionId, q },
    mode: 'pull-request',
  });
  if (started.status !== 202) throw new Error(`start: ${started.status} ${started.text}`);
  if (started.body.total !== expected)
    throw new Error(`the run holds ${started.body.total}, not ${expected}`);
  const run = await waitFor(async () => {
    const current = (
      await api.get<BulkRun & { finishedAt: string | null }>(`${base}/ci-jobs/${started.body.id}`)
    ).body;
    return current.finishedAt ? { ...current, finishedAt: current.finishedAt } : undefined;
  }, 3_600_000);
  return { run, wallMs: Date.parse(run.finishedAt) - startedAt };
}

/** Each reason repositories failed for, with how many and one message: a run with failures says why. */
async function failuresOf(api: ApiClient, accountId: string, runId: string): Promise<string[]> {
  const answer = await api.get<{ items: BulkStep[] }>(
    `/api/v1/accounts/${accountId}/ci-jobs/${runId}/repositories?status=failed&limit=500`,
  );
  const byReason = new Map<string, { count: number; message: string | null }>();
  for (const step of answer.body.items) {
    const key = step.reason ?? 'unknown';
    const seen = byReason.get(key) ?? { count: 0, message: step.message };
    byReason.set(key, { ...seen, count: seen.count + 1 });
  }
  return [...byReason].map(([reason, { count, message }]) => `${count} × ${reason}: ${message ?? ''}`);
}

const countsOf = (run: BulkRun) =>
  Object.entries(run.counts)
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');

async function benchGitHub(): Promise<void> {
  const world = await startGitHubWorld(
    {
      secondaryLimits: limits,
      // The primary limit (12,500 an hour for an installation on 1,000 repositories) is not scaled with the
      // windows, so it is lifted: this bench measures the pacing of content creation.
      rateLimit: { limit: 1_000_000 },
    },
    { SCM_CONNECT_GITHUB_CONTENT_LIMITS: limitsSetting },
  );
  try {
    const acme = world.twin.state.orgByLogin('acme')!;
    for (let n = 1; n <= repos; n += 1)
      world.twin.state.addRepo(acme, { name: `bench-${String(n).padStart(5, '0')}` });
    const person = new Person(world, world.admin);
    const back = await person.installOnGitHub(await person.startInstall(world.accountId), octoAdmin, 'acme');
    const visited = await person.visit(back);
    if (visited.status !== 303) throw new Error(`GitHub setup: ${visited.status}`);
    const api = await signInAgain(world);
    const connection = await waitFor(async () => {
      const answer = await api.get<{ items: { id: string; kind: string; lastSyncedAt: string | null }[] }>(
        `/api/v1/accounts/${world.accountId}/connections`,
      );
      return answer.body.items.find((c) => c.kind === 'github' && c.lastSyncedAt !== null);
    }, 120_000);

    const from = world.twin.log.length;
    const refusedBefore = world.twin.secondaryLimitRefusals();
    const { run, wallMs } = await runAll(api, world.accountId, connection.id, 'acme/bench-', repos);
    const log = world.twin.log.slice(from);
    const creations = log.filter(
      (r) =>
        succeeded(r) &&
        ((r.method === 'POST' && /\/git\/refs$/.test(r.path)) ||
          (r.method === 'PUT' && /\/contents\//.test(r.path)) ||
          (r.method === 'POST' && /\/pulls$/.test(r.path)) ||
          (r.method === 'PUT' && /\/actions\/secrets\/[^/]+$/.test(r.path))),
    ).length;
    const floor = Math.max(
      floorMs(creations, limits.perMinute, limits.minuteMs),
      floorMs(creations, limits.perHour, limits.hourMs),
    );
    console.log(
      `GitHub (twin enforcing ${limits.perMinute} per ${seconds(limits.minuteMs)}, ${limits.perHour} per ${seconds(limits.hourMs)}; SCM_CONNECT_GITHUB_CONTENT_LIMITS=${limitsSetting})`,
    );
    console.log(`  repositories                 ${repos}`);
    console.log(
      `  requests made                ${log.length} (${log.filter((r) => writeMethods.has(r.method)).length} of them writes)`,
    );
    console.log(
      `  content-creating writes      ${creations} (POST git/refs, PUT contents, POST pulls, PUT actions/secrets)`,
    );
    console.log(`  floor for those writes       ${seconds(floor)}`);
    console.log(`  wall time, start to end      ${seconds(wallMs)}`);
    console.log(
      `  wall / floor                 ${floor > 0 ? (wallMs / floor).toFixed(3) : '—'} (target <= 1.10)`,
    );
    console.log(
      `  secondary-limit refusals     ${world.twin.secondaryLimitRefusals() - refusedBefore} (target 0)`,
    );
    console.log(`  run                          ${run.status}: ${countsOf(run)}`);
    for (const line of await failuresOf(api, world.accountId, run.id)) console.log(`    failed: ${line}`);
  } finally {
    await world.close();
  }
}

/** The documented limit of each SCM that applies to the run's calls, and the floor it sets for `requests`. */
interface DocumentedLimit {
  readonly text: string;
  /** The requests the limit counts. */
  readonly counts: (request: LoggedRequest) => boolean;
  readonly floorMs: ((requests: number) => number) | undefined;
}

const documented: Record<'gitlab' | 'bitbucket-cloud' | 'azure-devops', DocumentedLimit> = {
  gitlab: {
    text: 'GitLab.com: 2,000 authenticated API requests a minute per user',
    counts: (request) => request.path.startsWith('/api/v4/'),
    floorMs: (requests) => floorMs(requests, 2_000, 60_000),
  },
  'bitbucket-cloud': {
    text: 'Bitbucket Cloud: 1,000 requests an hour per access token to /2.0/repositories/* (rolling hour; up to 10,000 with paid seats)',
    counts: (request) => request.path.startsWith('/2.0/repositories/'),
    floorMs: (requests) => floorMs(requests, 1_000, 3_600_000),
  },
  'azure-devops': {
    text: "Azure DevOps: no published count; a user is delayed once their TSTUs exceed 200 times a typical user's in a sliding 5-minute window",
    counts: () => true,
    floorMs: undefined,
  },
};

const othersKinds = ['gitlab', 'bitbucket-cloud', 'azure-devops'] as const;
const namesOf: Record<(typeof othersKinds)[number], { label: string; q: string }> = {
  gitlab: { label: 'GitLab', q: 'acme/bulk-' },
  'bitbucket-cloud': { label: 'Bitbucket Cloud', q: 'acme/bulk-' },
  'azure-devops': { label: 'Azure DevOps', q: 'contoso/farm/' },
};

async function benchOther(kind: (typeof othersKinds)[number]): Promise<void> {
  const kit: TwinKit = await startKit(kind as TokenKind, { generatedRepositories: others });
  if (kind === 'gitlab') {
    // GitLab's generated projects have a branch without files, which GitLab reports as an empty repository.
    const twin = kit.twin as GitLabTwin;
    for (let n = 1; n <= others; n += 1) {
      await twin.push(`acme/bulk-${String(n).padStart(5, '0')}`, 'main', 'Initial commit', {
        'README.md': '# bulk\n',
      });
    }
  }
  let token: string | undefined;
  if (kind === 'bitbucket-cloud') {
    // The kit's tokens are for listing and comments; adding the CI job needs the Pipelines scopes as well.
    token = 'bbwat-bench-ci';
    (kit.twin as BitbucketCloudTwin).addAccessToken({
      value: token,
      kind: 'workspace',
      workspace: 'acme',
      scopes: [...ciAccessScopes, 'webhook', 'account'],
    });
  }
  const service = await startTestService({ ...loopbackEnv, ...kit.env }, { workerPollMs: 50 });
  try {
    const { client: api, session } = await setUpAdmin(service);
    const accountId = session.currentAccountId!;
    const base = `/api/v1/accounts/${accountId}`;
    const connected = await api.post<{ id: string }>(
      `${base}/connections`,
      kit.connectBody(token === undefined ? {} : { token }),
    );
    if (connected.status !== 201) throw new Error(`connect: ${connected.status} ${connected.text}`);
    await waitFor(async () => {
      const answer = await api.get<{ items: { id: string; lastSyncedAt: string | null }[] }>(
        `${base}/connections`,
      );
      return answer.body.items.find((c) => c.id === connected.body.id && c.lastSyncedAt !== null);
    }, 120_000);
    const { label, q } = namesOf[kind];
    const from = kit.twin.log.length;
    const { run, wallMs } = await runAll(api, accountId, connected.body.id, q, others);
    const log = kit.twin.log.slice(from);
    const writes = log.filter((r) => succeeded(r) && writeMethods.has(r.method)).length;
    const counted = log.filter(documented[kind].counts).length;
    const limit = documented[kind];
    console.log(`${label}`);
    console.log(`  repositories                 ${others}`);
    console.log(`  wall time, start to end      ${seconds(wallMs)}`);
    console.log(`  repositories per second      ${(others / (wallMs / 1000)).toFixed(1)}`);
    console.log(`  requests made                ${log.length}`);
    console.log(`  writes made                  ${writes}`);
    console.log(`  documented limit             ${limit.text}`);
    if (limit.floorMs) {
      console.log(`  floor for the writes         ${seconds(limit.floorMs(writes))}`);
      console.log(`  floor for what it counts     ${seconds(limit.floorMs(counted))} (${counted} requests)`);
      console.log('                               computed, not enforced: the twin runs without this limit');
    } else {
      console.log(
        '  floor                        none: no count is published to compute it from, and the twin',
      );
      console.log('                               does not throttle');
    }
    console.log(`  run                          ${run.status}: ${countsOf(run)}`);
    for (const line of await failuresOf(api, accountId, run.id)) console.log(`    failed: ${line}`);
  } finally {
    await service.close();
    await kit.close();
  }
}

async function main(): Promise<void> {
  const engine = testPostgresUrl() ? 'PostgreSQL' : 'SQLite';
  console.log(`bulk CI, pull-request mode, ${engine}`);
  await benchGitHub();
  for (const kind of othersKinds) await benchOther(kind);
}

await main();
