import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanProcessJobKind } from '../../src/findings/jobs.js';
import { enqueueJob } from '../../src/jobs/index.js';
import {
  connectOk,
  loopbackEnv,
  startWithAdmin,
  syncNow,
  waitForJob,
} from '../api/connections/connections-api.js';
import type { ApiClient } from '../helpers/api-client.js';
import type { TestService } from '../helpers/service.js';
import { startKit, type TwinKit } from '../helpers/twin-kits.js';
import { sarifLog, storeScan, type Seeded } from './fixtures.js';

/** An ESLint-like run without fingerprints: `no-eval` at `line` of app.js. */
const evalRun = (lines: number[]) => ({
  tool: { driver: { name: 'eslint', rules: [{ id: 'no-eval' }] } },
  results: lines.map((line) => ({
    ruleId: 'no-eval',
    level: 'error',
    message: { text: 'eval can be harmful.' },
    locations: [
      { physicalLocation: { artifactLocation: { uri: 'src/app.js' }, region: { startLine: line } } },
    ],
  })),
});

interface FindingView {
  id: string;
  state: string;
  location: { startLine: number; url: string; defaultBranchUrl: string };
}

// End to end on the GitLab Self-Managed twin: the file content comes from GitLab at each scanned commit.
describe('finding identity from the code on GitLab (twin)', () => {
  let kit: TwinKit;
  let service: TestService;
  let admin: ApiClient;
  let accountId: string;
  let seeded: Seeded;

  /** Commits `content` as src/app.js on main (GitLab's commits API); returns the commit id. */
  const commit = async (content: string, action: 'create' | 'update'): Promise<string> => {
    const answer = await fetch(`${kit.baseUrl}/api/v4/projects/1000/repository/commits`, {
      method: 'POST',
      headers: { 'private-token': kit.tokens.good, 'content-type': 'application/json' },
      body: JSON.stringify({
        branch: 'main',
        commit_message: 'change app.js',
        actions: [{ action, file_path: 'src/app.js', content }],
      }),
    });
    expect(answer.status).toBe(201);
    return ((await answer.json()) as { id: string }).id;
  };

  const processAt = async (commitSha: string, lines: number[]) => {
    const scanId = await storeScan(service.database.db, seeded, { commitSha, log: sarifLog(evalRun(lines)) });
    const job = await enqueueJob(service.database.db, {
      accountId,
      kind: scanProcessJobKind,
      payload: { scanId },
    });
    expect((await waitForJob(admin, accountId, job.id)).status).toBe('succeeded');
  };

  const findings = async () =>
    (await admin.get<{ items: FindingView[] }>(`/api/v1/accounts/${accountId}/findings?tool=eslint`)).body
      .items;

  beforeAll(async () => {
    kit = await startKit('gitlab-self-managed');
    ({ service, admin, accountId } = await startWithAdmin({ ...loopbackEnv, ...kit.env }));
    const connection = await connectOk(admin, accountId, kit.connectBody());
    await syncNow(admin, accountId, connection.id);
    const repository = await service.database.db
      .selectFrom('repositories')
      .select(['id'])
      .where('account_id', '=', accountId)
      .where('full_name', '=', 'acme/website')
      .executeTakeFirstOrThrow();
    seeded = {
      accountId,
      userId: '',
      connectionId: connection.id,
      repositoryId: repository.id,
      fullName: 'acme/website',
    };
  });
  afterAll(async () => {
    await service?.close();
    await kit?.close();
  });

  it('keeps the identity across a line shift, fixes it, and reopens it as the same finding', async () => {
    const first = await commit('function run(input) {\n  eval(input);\n}\n', 'create');
    // The project was empty at the first sync (no default branch yet): sync again now that it has one.
    await syncNow(admin, accountId, seeded.connectionId);
    await processAt(first, [2]);
    const [found] = await findings();
    expect(found).toMatchObject({ state: 'open', location: { startLine: 2 } });
    expect(found!.location.url).toBe(`${kit.baseUrl}/acme/website/-/blob/${first}/src/app.js#L2`);
    expect(found!.location.defaultBranchUrl).toBe(`${kit.baseUrl}/acme/website/-/blob/main/src/app.js`);

    const shifted = await commit(
      '// header\n// more\nfunction run(input) {\n    eval(input);\n}\n',
      'update',
    );
    await processAt(shifted, [4]);
    expect(await findings()).toMatchObject([{ id: found!.id, state: 'open', location: { startLine: 4 } }]);

    const fixed = await commit('function run(input) {\n  JSON.parse(input);\n}\n', 'update');
    await processAt(fixed, []);
    expect(await findings()).toMatchObject([{ id: found!.id, state: 'fixed' }]);

    const back = await commit('// again\nfunction run(input) {\n  eval(input);\n}\n', 'update');
    await processAt(back, [3]);
    expect(await findings()).toMatchObject([{ id: found!.id, state: 'open', location: { startLine: 3 } }]);
    const detail = await admin.get<{ history: { kind: string }[] }>(
      `/api/v1/accounts/${accountId}/findings/${found!.id}`,
    );
    expect(detail.body.history.map((event) => event.kind)).toEqual(['opened', 'fixed', 'reopened']);
    // The identity came from the lines GitLab served, not from the message.
    const row = await service.database.db
      .selectFrom('findings')
      .select('details')
      .where('id', '=', found!.id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.details!).identity).toEqual({ source: 'content', note: null });
    const hashes = await service.database.db.selectFrom('file_line_hashes').select('blob_id').execute();
    expect(hashes.length).toBeGreaterThanOrEqual(6);
  });
});
