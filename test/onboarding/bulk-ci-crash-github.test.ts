import { afterAll, expect, it } from 'vitest';
import { findApiToken } from '../../src/db/api-tokens.js';
import { ciBranch } from '../../src/onboarding/ci-template.js';
import { loopbackEnv } from '../api/connections/connections-api.js';
import { freePort, instanceAppEnv, octoAdmin, Person, waitFor } from '../api/github/github-world.js';
import { setUpAdmin } from '../helpers/api-client.js';
import type { TestService } from '../helpers/service.js';
import { startGitHubTwin, type GitHubTwin } from '../twins/github/index.js';
import { testPrivateKey } from '../twins/github/test-keys.js';
import { testGitHubScenario } from '../twins/github/test-scenario.js';
import { restartableService } from './restartable-service.js';
import { runAcrossRestart, signInAs } from './run-across-restart.js';

const generated = 300;
const secretName = 'SCM_CONNECT_API_TOKEN';
/*
 * Content creation paced far above what 300 repositories need, on both sides: the service's pacing and the
 * twin's secondary limits agree, so the run never waits and the twin never refuses.
 */
const contentLimits = '100000/1s,1000000/1h';
const twinLimits = { perMinute: 100_000, minuteMs: 1_000, perHour: 1_000_000, hourMs: 3_600_000 } as const;

/*
 * A run over 300 repositories of `acme` through the instance's GitHub App, the service stopped while the job is
 * half-way and started again on the same database and port (the app's setup and webhook URLs point there): the
 * job is taken up again and each repository gets exactly one pull request, one token, one Actions secret.
 */
let twin: GitHubTwin | undefined;
let service: ReturnType<typeof restartableService> | undefined;
afterAll(async () => {
  await service?.dispose();
  await twin?.close();
});

/** Signs the first admin in (linking to GitHub and a restart both end their sessions). */
const signIn = (running: TestService) => signInAs(running, 'admin@acme.test');

it(`finishes each of ${generated} GitHub repositories exactly once across a restart in the middle`, async () => {
  const key = testPrivateKey();
  twin = await startGitHubTwin(
    testGitHubScenario(key, {
      installations: [],
      secondaryLimits: twinLimits,
      // The primary limit (5,000 an hour per installation) is not what this test is about.
      rateLimit: { limit: 1_000_000 },
    }),
  );
  const acme = twin.state.orgByLogin('acme')!;
  const names = Array.from({ length: generated }, (_, n) => `acme/bulk-${String(n + 1).padStart(5, '0')}`);
  // Each with a first commit (a README on main).
  for (const name of names) twin.state.addRepo(acme, { name: name.split('/')[1]! });

  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  service = restartableService({
    ...loopbackEnv,
    SCM_CONNECT_PORT: String(port),
    SCM_CONNECT_PUBLIC_URL: publicUrl,
    SCM_CONNECT_GITHUB_CONTENT_LIMITS: contentLimits,
    ...instanceAppEnv(twin, key, publicUrl),
  });
  const running = await service.start();
  const { client, session } = await setUpAdmin(running, { email: 'admin@acme.test' });
  const accountId = session.currentAccountId!;
  const base = `/api/v1/accounts/${accountId}`;
  const person = new Person({ twin }, client);
  const back = await person.installOnGitHub(await person.startInstall(accountId), octoAdmin, 'acme');
  expect((await person.visit(back)).status).toBe(303);
  const api = await signIn(running);
  const connection = await waitFor(async () => {
    const answer = await api.get<{ items: { id: string; kind: string; lastSyncedAt: string | null }[] }>(
      `${base}/connections`,
    );
    return answer.body.items.find((c) => c.kind === 'github' && c.lastSyncedAt !== null);
  }, 60_000);

  const { db, eligible, steps, tokens } = await runAcrossRestart({
    service,
    client: api,
    accountId,
    filter: { connectionId: connection.id, q: 'acme/bulk-' },
    twinRequests: () => twin!.log.length,
    signIn: async (restarted) => {
      // Same database and port: the app's setup and webhook URLs still point at it.
      expect(restarted.url).toBe(publicUrl);
      return signIn(restarted);
    },
  });
  expect(eligible).toBe(generated);
  expect(steps.map((step) => step.fullName).sort()).toEqual(names);
  // One token per repository, none left over from the interrupted one.
  expect(tokens.map((token) => token.name).sort()).toEqual(names.map((name) => `CI: ${name}`));

  const seen = new Set<string>();
  for (const step of steps) {
    const repo = twin.state.requireRepo(step.fullName);
    const open = [...twin.state.pulls.values()].filter(
      (pull) => pull.repoId === repo.id && pull.head === ciBranch && pull.state === 'open',
    );
    expect(open, step.fullName).toHaveLength(1);
    expect(step.pullRequestUrl).toBe(`${twin.webUrl}/${step.fullName}/pull/${open[0]!.number}`);
    expect([...(twin.state.actionsSecrets.get(repo.id)?.secrets.keys() ?? [])], step.fullName).toEqual([
      secretName,
    ]);
    const token = await findApiToken(db, twin.actionsSecret(step.fullName, secretName)!);
    expect(token, step.fullName).toMatchObject({ accountId, role: 'scan-upload' });
    seen.add(token!.id);
  }
  expect(seen.size).toBe(generated);
  expect(twin.secondaryLimitRefusals()).toBe(0);
}, 600_000);
