import { afterAll, expect, it } from 'vitest';
import { findApiToken } from '../../src/db/api-tokens.js';
import { ciBranch } from '../../src/onboarding/ci-template.js';
import { startKit, type TwinKit } from '../helpers/twin-kits.js';
import type { GitLabTwin } from '../twins/gitlab/index.js';
import { restartableService } from './restartable-service.js';
import { kitServiceEnv, runKitAcrossRestart } from './run-across-restart.js';

const generated = 300;

/*
 * A run over 300 GitLab projects, the service stopped while the job is half-way and started again on the same
 * database: the job is taken up again and each project gets exactly one merge request, one token, one variable.
 */
let kit: TwinKit | undefined;
let service: ReturnType<typeof restartableService> | undefined;
afterAll(async () => {
  await service?.dispose();
  await kit?.close();
});

it(`finishes each of ${generated} repositories exactly once across a restart in the middle`, async () => {
  kit = await startKit('gitlab', { generatedRepositories: generated });
  const twin = kit.twin as GitLabTwin;
  // The kit's generated projects have a branch without files, which GitLab reports as an empty repository.
  for (let n = 1; n <= generated; n += 1) {
    await twin.push(`acme/bulk-${String(n).padStart(5, '0')}`, 'main', 'Initial commit', {
      'README.md': '# bulk\n',
    });
  }
  service = restartableService(kitServiceEnv(kit));
  const { db, accountId, eligible, steps, tokens } = await runKitAcrossRestart(kit, service);
  expect(eligible).toBeGreaterThanOrEqual(generated);
  // One token per repository, none left over from the interrupted one.
  expect(tokens).toHaveLength(eligible);
  expect(new Set(tokens.map((token) => token.name)).size).toBe(eligible);
  const seen = new Set<string>();
  for (const step of steps) {
    const project = twin.project(step.fullName);
    const open = [...project.mergeRequests.values()].filter(
      (mr) => mr.sourceBranch === ciBranch && mr.state === 'opened',
    );
    expect(open, step.fullName).toHaveLength(1);
    expect(step.pullRequestUrl).toContain(`/merge_requests/${open[0]!.iid}`);
    const variable = twin.ciVariable(step.fullName, 'SCM_CONNECT_API_TOKEN');
    const token = await findApiToken(db, variable!.value);
    expect(token, step.fullName).toMatchObject({ accountId, role: 'scan-upload' });
    seen.add(token!.id);
  }
  expect(seen.size).toBe(eligible);
}, 600_000);
