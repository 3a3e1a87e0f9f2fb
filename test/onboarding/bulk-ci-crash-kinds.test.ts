import { afterEach, expect, it } from 'vitest';
import { findApiToken } from '../../src/db/api-tokens.js';
import type { Db } from '../../src/db/database.js';
import { ciBranch } from '../../src/onboarding/ci-template.js';
import { loopbackEnv } from '../api/connections/connections-api.js';
import { waitFor } from '../api/github/github-world.js';
import { adminPassword, ApiClient, setUpAdmin } from '../helpers/api-client.js';
import { startKit, type TwinKit } from '../helpers/twin-kits.js';
import type { AzureDevOpsTwin } from '../twins/azure-devops/index.js';
import type { BitbucketCloudTwin } from '../twins/bitbucket-cloud/index.js';
import type { BulkRun, BulkStep } from './bulk-ci-world.js';
import { restartableService } from './restartable-service.js';
import { ciAccessScopes } from '../twins/bitbucket-cloud/scenario.js';

const generated = 300;
const secretName = 'SCM_CONNECT_API_TOKEN';

let kit: TwinKit | undefined;
let service: ReturnType<typeof restartableService> | undefined;
afterEach(async () => {
  await service?.dispose();
  await kit?.close();
  service = undefined;
  kit = undefined;
});

interface Restarted {
  readonly db: Db;
  readonly accountId: string;
  readonly eligible: number;
  readonly steps: BulkStep[];
  readonly tokens: { id: string; name: string }[];
}

/**
 * Connects the kit's target, starts a pull-request run over all its repositories, stops the service once about
 * a third is done and starts it again on the same database; resolves once the run has ended, with the done steps
 * and the account's tokens. Checks what holds for every kind: nothing failed or pending, every step done, no
 * token left pending.
 */
async function runAcrossRestart(started: TwinKit, token?: string): Promise<Restarted> {
  service = restartableService({ ...loopbackEnv, ...started.env });
  let running = await service.start();
  const { client, session } = await setUpAdmin(running);
  const accountId = session.currentAccountId!;
  const base = `/api/v1/accounts/${accountId}`;
  const connected = await client.post<{ id: string }>(
    `${base}/connections`,
    started.connectBody(token === undefined ? {} : { token }),
  );
  expect(connected.status, connected.text).toBe(201);
  const connectionId = connected.body.id;
  await waitFor(async () => {
    const answer = await client.get<{ items: { id: string; lastSyncedAt: string | null }[] }>(
      `${base}/connections`,
    );
    return answer.body.items.find((c) => c.id === connectionId && c.lastSyncedAt !== null);
  }, 60_000);

  const run = await client.post<BulkRun>(`${base}/ci-jobs`, {
    all: true,
    filter: { connectionId, archived: 'false' },
    mode: 'pull-request',
  });
  expect(run.status, run.text).toBe(202);
  const runId = run.body.id;
  const eligible = run.body.total - run.body.counts.skipped;
  expect(eligible).toBeGreaterThanOrEqual(generated);

  const atStop = await waitFor(async () => {
    const now = (await client.get<BulkRun>(`${base}/ci-jobs/${runId}`)).body;
    return now.counts.opened >= 100 ? now : undefined;
  }, 120_000);
  await service.stop();
  const beforeRestart = started.twin.log.length;
  // Stopped in the middle: the run was still going.
  expect(atStop.status).toBe('running');
  expect(atStop.counts.pending).toBeGreaterThan(0);

  running = await service.start();
  const again = new ApiClient(running.url);
  const signedIn = await again.post('/api/v1/session', {
    email: session.user.email,
    password: adminPassword,
  });
  expect(signedIn.status).toBe(200);
  const ended = await waitFor(async () => {
    const now = (await again.get<BulkRun>(`${base}/ci-jobs/${runId}`)).body;
    return now.status === 'succeeded' ? now : undefined;
  }, 240_000);
  expect(started.twin.log.length).toBeGreaterThan(beforeRestart);
  expect(ended.counts).toMatchObject({ pending: 0, failed: 0 });
  // The one in flight at the stop may have found its pull request already open.
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
  return { db, accountId, eligible, steps, tokens };
}

it(`Bitbucket Cloud: each of ${generated} repositories gets one pull request and one variable across a restart`, async () => {
  kit = await startKit('bitbucket-cloud', { generatedRepositories: generated });
  const twin = kit.twin as BitbucketCloudTwin;
  const token = 'bbwat-bulk-ci-crash';
  twin.addAccessToken({
    value: token,
    kind: 'workspace',
    workspace: 'acme',
    scopes: [...ciAccessScopes, 'account', 'webhook'],
  });
  const { db, accountId, eligible, steps, tokens } = await runAcrossRestart(kit, token);

  // One token per repository, none left over from the interrupted one.
  expect(tokens).toHaveLength(eligible);
  expect(new Set(tokens.map((t) => t.name)).size).toBe(eligible);
  const seen = new Set<string>();
  for (const step of steps) {
    const slug = step.fullName.split('/')[1]!;
    const repo = twin.repository('acme', slug);
    const open = [...repo.pullRequests.values()].filter(
      (pr) => pr.source === ciBranch && pr.state === 'OPEN',
    );
    expect(open, step.fullName).toHaveLength(1);
    expect(step.pullRequestUrl).toContain(`/pull-requests/${open[0]!.id}`);
    expect(
      repo.variables.filter((v) => v.key === secretName),
      step.fullName,
    ).toHaveLength(1);
    const value = twin.pipelineVariable('acme', slug, secretName)!.value;
    const found = await findApiToken(db, value);
    expect(found, step.fullName).toMatchObject({ accountId, role: 'scan-upload' });
    seen.add(found!.id);
  }
  expect(seen.size).toBe(eligible);
}, 600_000);

it(`Azure DevOps: each of ${generated} repositories gets one pull request; the project shares one variable group across a restart`, async () => {
  kit = await startKit('azure-devops', { generatedRepositories: generated });
  const twin = kit.twin as AzureDevOpsTwin;
  const { db, accountId, steps, tokens } = await runAcrossRestart(kit);

  const org = twin.state.organizations.get('contoso')!;
  const projects = new Set(steps.map((step) => step.fullName.split('/')[1]!.toLowerCase()));
  // One token per project: its repositories share the project's variable group.
  expect(tokens).toHaveLength(projects.size);
  const farm = twin.state.findProject(org, 'farm')!;
  const groups = org.variableGroups.filter((group) => group.projects.has(farm.id));
  expect(groups.map((group) => group.name)).toEqual(['scm-connect']);
  const secrets = [...groups[0]!.variables.entries()].filter(
    ([key]) => key.toLowerCase() === secretName.toLowerCase(),
  );
  expect(secrets).toHaveLength(1);
  const value = secrets[0]![1].value;
  expect(await findApiToken(db, value)).toMatchObject({ accountId, role: 'scan-upload' });

  const farmSteps = steps.filter((step) => step.fullName.startsWith('contoso/farm/'));
  expect(farmSteps.length).toBeGreaterThanOrEqual(generated);
  for (const step of steps) {
    const [, projectName, name] = step.fullName.split('/');
    const project = twin.state.findProject(org, projectName!)!;
    const repo = twin.state.findRepo(project, name!)!;
    const open = [...repo.pullRequests.values()].filter(
      (pr) => pr.sourceRefName === `refs/heads/${ciBranch}` && pr.status === 'active',
    );
    expect(open, step.fullName).toHaveLength(1);
    expect(step.pullRequestUrl).toContain(`/pullrequest/${open[0]!.id}`);
    // One pipeline per repository, allowed to read the group: its runs get the secret.
    const pipelines = project.pipelines.filter((p) => p.repositoryId === repo.id);
    expect(pipelines, step.fullName).toHaveLength(1);
    if (project.id === farm.id) {
      expect(twin.pipelineVariables('contoso', projectName!, pipelines[0]!.id)[secretName]).toBe(value);
    }
  }
}, 600_000);
