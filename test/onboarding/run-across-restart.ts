import { expect } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { loopbackEnv } from '../api/connections/connections-api.js';
import { waitFor } from '../api/github/github-world.js';
import { adminPassword, ApiClient, setUpAdmin } from '../helpers/api-client.js';
import type { TestService } from '../helpers/service.js';
import type { TwinKit } from '../helpers/twin-kits.js';
import type { BulkRun, BulkStep } from './bulk-ci-world.js';
import type { restartableService } from './restartable-service.js';

/** What a run across a restart left: the done steps and the account's tokens, read on the restarted service. */
export interface RunAfterRestart {
  readonly db: Db;
  readonly eligible: number;
  readonly steps: BulkStep[];
  readonly tokens: { id: string; name: string }[];
}

/**
 * Starts a pull-request run over the repositories `filter` matches, stops the service once 100 pull requests are
 * open (the run still going), starts it again on the same database, signs in again and waits for the run to end.
 * Checks what holds for every SCM: the run went on after the restart, nothing failed or is pending, every eligible
 * repository is done once (the one in flight at the stop may find its pull request already open), and no token
 * is left pending.
 */
export async function runAcrossRestart(input: {
  readonly service: ReturnType<typeof restartableService>;
  readonly client: ApiClient;
  readonly accountId: string;
  readonly filter: Readonly<Record<string, unknown>>;
  /** How many requests the twin has answered so far. */
  readonly twinRequests: () => number;
  /** Signs the first admin in on a service (a restart ends their sessions). */
  readonly signIn: (running: TestService) => Promise<ApiClient>;
}): Promise<RunAfterRestart> {
  const { service, client, accountId } = input;
  const base = `/api/v1/accounts/${accountId}`;
  const run = await client.post<BulkRun>(`${base}/ci-jobs`, {
    all: true,
    filter: input.filter,
    mode: 'pull-request',
  });
  expect(run.status, run.text).toBe(202);
  const runId = run.body.id;
  const eligible = run.body.total - run.body.counts.skipped;

  const atStop = await waitFor(async () => {
    const now = (await client.get<BulkRun>(`${base}/ci-jobs/${runId}`)).body;
    return now.counts.opened >= 100 ? now : undefined;
  }, 120_000);
  await service.stop();
  expect(atStop.status).toBe('running');
  expect(atStop.counts.pending).toBeGreaterThan(0);
  const beforeRestart = input.twinRequests();

  const running = await service.start();
  const again = await input.signIn(running);
  const ended = await waitFor(async () => {
    const now = (await again.get<BulkRun>(`${base}/ci-jobs/${runId}`)).body;
    return ['succeeded', 'failed', 'cancelled'].includes(now.status) ? now : undefined;
  }, 240_000);
  expect(ended.status).toBe('succeeded');
  expect(input.twinRequests()).toBeGreaterThan(beforeRestart);
  expect(ended.counts).toMatchObject({ pending: 0, failed: 0 });
  expect(ended.counts.opened + ended.counts.updated + ended.counts.present).toBe(eligible);
  expect(ended.counts.opened).toBeGreaterThanOrEqual(eligible - 1);

  const steps = (
    await again.get<{ items: BulkStep[] }>(`${base}/ci-jobs/${runId}/repositories?status=done&limit=500`)
  ).body.items;
  expect(steps).toHaveLength(eligible);
  const db = running.database.db;
  const pending = await db
    .selectFrom('ci_secrets')
    .select('scope_key')
    .where('pending_api_token_id', 'is not', null)
    .execute();
  expect(pending).toEqual([]);
  const tokens = await db
    .selectFrom('api_tokens')
    .select(['id', 'name'])
    .where('account_id', '=', accountId)
    .execute();
  return { db, eligible, steps, tokens };
}

/** Signs `email` in with the test password on a (restarted) service. */
export async function signInAs(running: TestService, email: string): Promise<ApiClient> {
  const client = new ApiClient(running.url);
  const answer = await client.post('/api/v1/session', { email, password: adminPassword });
  expect(answer.status, answer.text).toBe(200);
  return client;
}

/**
 * {@link runAcrossRestart} on a token connection to the kit's twin: sets up the first admin, connects (with
 * `token` when given), waits for the sync, and runs over every repository of the connection that is not archived.
 */
export async function runKitAcrossRestart(
  kit: TwinKit,
  service: ReturnType<typeof restartableService>,
  token?: string,
): Promise<RunAfterRestart & { readonly accountId: string }> {
  const running = await service.start();
  const { client, session } = await setUpAdmin(running);
  const accountId = session.currentAccountId!;
  const base = `/api/v1/accounts/${accountId}`;
  const connected = await client.post<{ id: string }>(
    `${base}/connections`,
    kit.connectBody(token === undefined ? {} : { token }),
  );
  expect(connected.status, connected.text).toBe(201);
  const connectionId = connected.body.id;
  await waitFor(async () => {
    const answer = await client.get<{ items: { id: string; lastSyncedAt: string | null }[] }>(
      `${base}/connections`,
    );
    return answer.body.items.find((c) => c.id === connectionId && c.lastSyncedAt !== null);
  }, 60_000);
  const after = await runAcrossRestart({
    service,
    client,
    accountId,
    filter: { connectionId, archived: 'false' },
    twinRequests: () => kit.twin.log.length,
    signIn: (restarted) => signInAs(restarted, session.user.email),
  });
  return { ...after, accountId };
}

/** The environment a restartable service needs to reach the kit's twin over loopback. */
export const kitServiceEnv = (kit: TwinKit): Record<string, string> => ({ ...loopbackEnv, ...kit.env });
