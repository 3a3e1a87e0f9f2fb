import { afterEach, expect, it } from 'vitest';
import { enqueueJob } from '../../../src/jobs/index.js';
import {
  octoAdmin,
  Person,
  signInAgain,
  startGitHubWorld,
  waitFor,
  type GitHubWorld,
} from './github-world.js';

let world: GitHubWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** Runs the hourly recovery now, through the service's own worker; answers its result. */
async function recover(world: GitHubWorld): Promise<{ redelivered: number; events: number; failed: number }> {
  const db = world.service.database.db;
  const job = await enqueueJob(db, { accountId: null, kind: 'github.redeliver-failed', payload: {} });
  const done = await waitFor(async () => {
    const row = await db
      .selectFrom('jobs')
      .select(['status', 'result'])
      .where('id', '=', job.id)
      .executeTakeFirst();
    return row?.status === 'succeeded' ? row : undefined;
  });
  return JSON.parse(done.result!) as { redelivered: number; events: number; failed: number };
}

it('asks GitHub again for what it could not deliver while scm-connect was unreachable, once', async () => {
  world = await startGitHubWorld();
  const person = new Person(world, world.admin);
  await person.visit(
    await person.installOnGitHub(await person.startInstall(world.accountId), octoAdmin, 'acme'),
  );
  const admin = await signInAgain(world);
  const db = world.service.database.db;
  await waitFor(
    async () =>
      (await db.selectFrom('connections').select('last_synced_at').executeTakeFirst())?.last_synced_at ??
      undefined,
  );
  await world.twin.webhooks.idle();

  // scm-connect is unreachable while the owner narrows the selection on GitHub.
  const app = world.twin.app('acme-scanner');
  const address = app.webhookUrl;
  app.webhookUrl = 'http://127.0.0.1:9/webhooks/github';
  const owner = new Person(world, admin);
  await owner.installOnGitHub(world.twin.installUrl('acme-scanner'), octoAdmin, 'acme (installed)', {
    repositories: ['web-shop'],
  });
  await world.twin.webhooks.idle();
  const failed = [...world.twin.state.deliveries.values()].filter(
    (d) => d.event === 'installation_repositories',
  );
  expect(failed.map((d) => d.statusCode)).toEqual([0]);
  app.webhookUrl = address;

  expect(await recover(world)).toMatchObject({ redelivered: 1, failed: 0 });
  await world.twin.webhooks.idle();
  const attempts = [...world.twin.state.deliveries.values()].filter((d) => d.guid === failed[0]!.guid);
  expect(attempts.map((d) => [d.redelivery, d.statusCode])).toEqual([
    [false, 0],
    [true, 202],
  ]);
  const stored = await db.selectFrom('webhook_deliveries').select('delivery_id').execute();
  expect(stored.map((row) => row.delivery_id)).toContain(failed[0]!.guid);
  await waitFor(async () => {
    const { items } = (
      await admin.get<{ items: unknown[] }>(`/api/v1/accounts/${world!.accountId}/repositories`)
    ).body;
    return items.length === 1 ? items : undefined;
  });

  // Delivered now: the next run asks for nothing.
  expect(await recover(world)).toMatchObject({ redelivered: 0, failed: 0 });
});
