/**
 * bench/membership: how long someone removed from the GitHub organization or GitLab group that manages an account
 * keeps access there. Each round removes a person who works in the account (a session switched to it, an API token
 * they created) on the twin, then asks scm-connect every 5 ms with that session and that token until both answer
 * 401; the figures are milliseconds from the removal on the SCM's side.
 *
 * - webhook path: the twin removes the member and delivers the signed webhook (GitHub `organization`
 *   member_removed, GitLab `Member Hook` user_remove_from_group), as the SCM does;
 * - schedule path: the twin removes the member and delivers nothing; the schedule's job (the slot's fan-out) is
 *   queued at once, so the figure leaves out the wait for the slot itself (up to SCM_CONNECT_MEMBERSHIP_EVERY,
 *   1 h by default).
 *
 * The service runs with its built-in worker polling as in production (`--poll-ms`, 500 by default) and keeps its
 * data on the engine the environment selects: SQLite, or PostgreSQL with TEST_DATABASE_URL.
 *
 *   npm run bench:membership
 *   bash scripts/with-postgres.sh npm run bench:membership
 *   npx tsx bench/membership.ts [--rounds 5] [--poll-ms 500]
 */
import { parseArgs } from 'node:util';
import { enqueueJob } from '../src/jobs/jobs.js';
import { scheduleJobKinds } from '../src/jobs/service-schedules.js';
import { ApiClient, adminPassword } from '../test/helpers/api-client.js';
import { testPostgresUrl } from '../test/helpers/database.js';
import {
  eventually,
  memberTable,
  reconcileNow,
  setSource,
  startMembershipWorld,
  statusIn,
  type MembershipWorld,
  type Person,
} from '../test/membership/membership-world.js';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    'poll-ms': { type: 'string', default: '500' },
  },
});
const rounds = Number(args.rounds);
const pollMs = Number(args['poll-ms']);
if (![rounds, pollMs].every((value) => Number.isInteger(value) && value > 0)) {
  throw new Error('--rounds and --poll-ms take positive whole numbers.');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One SCM as the bench drives it: who is removed, how, and how they come back for the next round. */
interface Subject {
  readonly scm: 'GitHub' | 'GitLab';
  readonly accountId: string;
  readonly person: Person;
  readonly email: string;
  /** Removes the person on the SCM and delivers its webhook. */
  removeWithWebhook(): Promise<unknown>;
  /** Removes the person on the SCM without any delivery. */
  removeSilently(): void;
  /** Makes them a member again (its webhook admits them). */
  restore(): Promise<unknown>;
}

/** Admits the person (again), switches their session to the account and gives them a fresh API token. */
async function atWork(world: MembershipWorld, subject: Subject): Promise<ApiClient> {
  await reconcileNow(world.admin, subject.accountId);
  await eventually(
    () => memberTable(world.admin, subject.accountId),
    (table) => table[subject.email] !== undefined,
    `${subject.email} admitted`,
  );
  const { client } = subject.person;
  if ((await statusIn(client, subject.accountId)) === 401) {
    const signedIn = await client.post('/api/v1/session', {
      email: subject.email,
      password: adminPassword,
    });
    if (signedIn.status !== 200) throw new Error(`sign-in: ${signedIn.status} ${signedIn.text}`);
  }
  const switched = await client.put('/api/v1/session/account', { accountId: subject.accountId });
  if (switched.status !== 200) throw new Error(`switch: ${switched.status} ${switched.text}`);
  const created = await client.post<{ secret: string }>(`/api/v1/accounts/${subject.accountId}/tokens`, {
    name: `bench ${Date.now()}`,
  });
  if (created.status !== 201) throw new Error(`token: ${created.status} ${created.text}`);
  const script = new ApiClient(world.service.url);
  script.bearer = created.body.secret;
  if ((await statusIn(script, subject.accountId)) !== 200) throw new Error('the token does not work');
  return script;
}

interface Figures {
  readonly session: number;
  readonly token: number;
}

/** Milliseconds from `remove` until the session and the token each answer 401. */
async function measure(
  subject: Subject,
  script: ApiClient,
  remove: () => Promise<unknown>,
): Promise<Figures> {
  const started = performance.now();
  await remove();
  let session: number | undefined;
  let token: number | undefined;
  const deadline = started + 120_000;
  while (session === undefined || token === undefined) {
    const [sessionStatus, tokenStatus] = await Promise.all([
      session === undefined ? statusIn(subject.person.client, subject.accountId) : 401,
      token === undefined ? statusIn(script, subject.accountId) : 401,
    ]);
    const now = performance.now();
    if (session === undefined && sessionStatus === 401) session = now - started;
    if (token === undefined && tokenStatus === 401) token = now - started;
    if (now > deadline) throw new Error(`${subject.scm}: access not revoked within 120 s`);
    await sleep(5);
  }
  return { session, token };
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const ms = (value: number) => `${Math.round(value)} ms`.padStart(9);

async function main(): Promise<void> {
  const engine = testPostgresUrl() ? 'PostgreSQL' : 'SQLite';
  const world = await startMembershipWorld({ workerPollMs: pollMs });
  try {
    await setSource(world.admin, world.githubAccount, {
      connectionId: world.githubConnection,
      organizationExternalId: '5001',
      roleMapping: { owner: 'admin', member: 'admin' },
    });
    await setSource(world.admin, world.gitlabAccount, {
      connectionId: world.gitlabConnection,
      organizationExternalId: '100',
      roleMapping: { owner: 'admin', maintainer: 'admin', developer: 'admin' },
    });
    const dana = await world.person('dana@acme.test', {
      provider: 'github',
      subject: '1002',
      login: 'dev-dana',
    });
    const bob = await world.person('bob@acme.test', { provider: 'gitlab', subject: '12', login: 'bob' });
    const acme = world.twin.state.orgByLogin('acme')!;
    const group = world.gitlab.state.group('acme')!;
    const subjects: Subject[] = [
      {
        scm: 'GitHub',
        accountId: world.githubAccount,
        person: dana,
        email: 'dana@acme.test',
        removeWithWebhook: () => world.twin.removeOrgMember('acme', 'dev-dana'),
        removeSilently: () => void acme.members.delete(1002),
        restore: async () => {
          if (!acme.members.has(1002)) await world.twin.addOrgMember('acme', 'dev-dana');
        },
      },
      {
        scm: 'GitLab',
        accountId: world.gitlabAccount,
        person: bob,
        email: 'bob@acme.test',
        removeWithWebhook: () => world.gitlab.removeGroupMember('acme', 'bob'),
        removeSilently: () => void group.members.delete(12),
        restore: async () => {
          if (!group.members.has(12)) await world.gitlab.addGroupMember('acme', 'bob', 30);
        },
      },
    ];
    const rows: { path: string; scm: string; figures: Figures[] }[] = [];
    for (const path of ['webhook', 'schedule'] as const) {
      for (const subject of subjects) {
        const figures: Figures[] = [];
        for (let round = 0; round < rounds; round += 1) {
          await subject.restore();
          const script = await atWork(world, subject);
          figures.push(
            await measure(subject, script, async () => {
              if (path === 'webhook') return subject.removeWithWebhook();
              subject.removeSilently();
              // The schedule's slot: its instance job fans out one reconciliation per account with a source.
              return enqueueJob(world.service.database.db, {
                accountId: null,
                kind: scheduleJobKinds.reconcileMembership,
                payload: null,
              });
            }),
          );
        }
        rows.push({ path, scm: subject.scm, figures });
      }
    }
    console.log(
      `removal → revoked access, ${engine}, worker polling every ${pollMs} ms, ${rounds} rounds (median, min–max)`,
    );
    console.log('path      SCM      session 401              API token 401');
    for (const { path, scm, figures } of rows) {
      const describe = (values: number[]) =>
        `${ms(median(values))} (${Math.round(Math.min(...values))}–${Math.round(Math.max(...values))})`.padEnd(
          25,
        );
      console.log(
        `${path.padEnd(9)} ${scm.padEnd(8)} ${describe(figures.map((f) => f.session))}${describe(figures.map((f) => f.token))}`.trimEnd(),
      );
    }
    console.log(
      'schedule: from the slot’s job being queued; the slot itself comes every SCM_CONNECT_MEMBERSHIP_EVERY.',
    );
  } finally {
    await world.close();
  }
}

await main();
