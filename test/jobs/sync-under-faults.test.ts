import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../helpers/api-client.js';
import type { TestService } from '../helpers/service.js';
import { startKit, type TwinKit } from '../helpers/twin-kits.js';
import type { TwinFault, TwinServer } from '../twins/server/twin-server.js';
import {
  connectOk,
  getConnection,
  loopbackEnv,
  startWithAdmin,
  syncNow,
  waitForFirstSync,
} from '../api/connections/connections-api.js';

/** 30 pages of 100 projects, plus the kit's own. */
const generated = 3_000;
const twinCount = 3;

/**
 * Every tenth request a 5xx (GitLab answers 500 with a JSON message; a proxy in front of it, 502 / 503 pages);
 * two bursts of 429 with `Retry-After: 1`: three in a row, which the HTTP layer's retries absorb, and five in
 * a row, which outlast them, so the job itself waits for `retryAt` and runs again.
 */
const faultPlan = (n: number): TwinFault | undefined => {
  if ((n >= 8 && n <= 10) || (n >= 25 && n <= 29)) return { kind: 'rate-limit', retryAfterSeconds: 1 };
  if (n % 10 !== 0) return undefined;
  const which = (n / 10) % 3;
  if (which === 0) return { kind: 'status', status: 500, body: { message: '500 Internal Server Error' } };
  if (which === 1)
    return { kind: 'status', status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' };
  return { kind: 'status', status: 503, body: '<html><body><h1>503 Service Unavailable</h1></body></html>' };
};

/** Requests that arrived while a 429 told the client to wait: none may exist. */
function requestsInsideRetryAfter(twin: TwinServer): string[] {
  const inside: string[] = [];
  twin.log.forEach((limited, index) => {
    if (limited.status !== 429 || limited.retryAfter === undefined) return;
    const until = limited.at + Number(limited.retryAfter) * 1000;
    for (const later of twin.log.slice(index + 1)) {
      if (later.at < until) inside.push(`${later.method} ${later.path} ${until - later.at} ms early`);
    }
  });
  return inside;
}

describe('syncs against SCMs that fail 10 % of requests and rate-limit in bursts', () => {
  let service: TestService;
  let admin: ApiClient;
  let accountId: string;
  let kits: TwinKit[];
  const connectionIds: string[] = [];

  beforeAll(async () => {
    kits = await Promise.all(
      Array.from({ length: twinCount }, () =>
        startKit('gitlab-self-managed', { generatedRepositories: generated }),
      ),
    );
    ({ service, admin, accountId } = await startWithAdmin({
      ...loopbackEnv,
      SCM_CONNECT_WORKER_CONCURRENCY: String(twinCount),
    }));
    for (const kit of kits) {
      const connection = await connectOk(admin, accountId, kit.connectBody());
      await waitForFirstSync(admin, accountId, connection.id, 120_000);
      connectionIds.push(connection.id);
    }
  }, 180_000);

  afterAll(async () => {
    await service?.close();
    await Promise.all(kits?.map((kit) => kit.close()) ?? []);
  });

  it('completes every sync, and sends nothing inside a Retry-After window', async () => {
    for (const kit of kits) {
      kit.twin.log.length = 0;
      kit.twin.faults.plan(faultPlan);
    }
    // One sync per twin, all at once: each twin sees one client, so the order of its log is the client's.
    const jobs = await Promise.all(connectionIds.map((id) => syncNow(admin, accountId, id, 120_000)));

    expect(jobs.map((job) => job.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    for (const [index, kit] of kits.entries()) {
      const connection = await getConnection(admin, accountId, connectionIds[index]!);
      expect(connection).toMatchObject({ syncError: null, repositoryCount: kit.repositoryCount });
      const statuses = kit.twin.log.map((request) => request.status);
      expect(statuses.filter((status) => status === 429).length).toBe(8);
      expect(statuses.filter((status) => status >= 500).length).toBeGreaterThanOrEqual(2);
      expect(requestsInsideRetryAfter(kit.twin)).toEqual([]);
      // The five-429 burst outlasted the HTTP layer's four tries: the job waited for `retryAt` and the sync
      // started over (its group lookup comes twice), without that pause counting as an attempt.
      expect(kit.twin.log.filter((r) => r.path === '/api/v4/groups/acme' && r.status === 200).length).toBe(2);
    }
    expect(jobs.every((job) => job.attempts === 1)).toBe(true);
  }, 180_000);
});
