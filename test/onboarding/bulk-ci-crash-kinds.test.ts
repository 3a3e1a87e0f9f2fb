import { afterEach, expect, it } from 'vitest';
import { findApiToken } from '../../src/db/api-tokens.js';
import { ciBranch } from '../../src/onboarding/ci-template.js';
import { startKit, type TwinKit } from '../helpers/twin-kits.js';
import type { AzureDevOpsTwin } from '../twins/azure-devops/index.js';
import type { BitbucketCloudTwin } from '../twins/bitbucket-cloud/index.js';
import { restartableService } from './restartable-service.js';
import { kitServiceEnv, runKitAcrossRestart } from './run-across-restart.js';
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
  service = restartableService(kitServiceEnv(kit));
  const { db, accountId, eligible, steps, tokens } = await runKitAcrossRestart(kit, service, token);

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
  service = restartableService(kitServiceEnv(kit));
  const { db, accountId, steps, tokens } = await runKitAcrossRestart(kit, service);

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
