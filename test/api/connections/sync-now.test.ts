import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../helpers/api-client.js';
import type { TestService } from '../../helpers/service.js';
import { startKit, type TwinKit } from '../../helpers/twin-kits.js';
import { connectionsPath, connectOk, loopbackEnv, startWithAdmin, type JobView } from './connections-api.js';

/** No worker runs, so a queued sync stays queued. */
let service: TestService;
let admin: ApiClient;
let accountId: string;
let kit: TwinKit;

beforeAll(async () => {
  kit = await startKit('gitlab');
  ({ service, admin, accountId } = await startWithAdmin({
    ...loopbackEnv,
    ...kit.env,
    SCM_CONNECT_WORKER: 'false',
  }));
});

afterAll(async () => {
  await service?.close();
  await kit?.close();
});

describe('Sync now while a sync is still queued', () => {
  it('answers the queued job, also to many presses at once, and queues nothing more', async () => {
    const connection = await connectOk(admin, accountId, kit.connectBody());
    const sync = () => admin.post<{ job: JobView }>(`${connectionsPath(accountId)}/${connection.id}/sync`);
    const first = await sync();
    expect(first.status, first.text).toBe(202);
    expect(first.body.job.status).toBe('queued');
    const presses = await Promise.all(Array.from({ length: 8 }, sync));
    expect(new Set(presses.map((answer) => answer.body.job.id))).toEqual(new Set([first.body.job.id]));
    const jobs = await service.database.db
      .selectFrom('jobs')
      .select('id')
      .where('account_id', '=', accountId)
      .where('kind', '=', 'connection.sync')
      .execute();
    // The one Connect queued is the one Sync now answers.
    expect(jobs.map((job) => job.id)).toEqual([first.body.job.id]);
  });
});
