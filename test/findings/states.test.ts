import { afterEach, beforeEach, expect, it } from 'vitest';
import { processScan } from '../../src/findings/process-scan.js';
import { createTestDatabase, describeEachEngine, type TestDatabase } from '../helpers/database.js';
import {
  eventsOf,
  FakeFiles,
  findingsOf,
  scanAndProcess,
  sarifLog,
  seedRepository,
  sha,
  storeScan,
  type Seeded,
} from './fixtures.js';

/** An ESLint-like run without fingerprints: `no-eval` at each of `lines` of app.js. */
const evalRun = (lines: number[], extraRules: string[] = []) => ({
  tool: {
    driver: {
      name: 'eslint',
      rules: [{ id: 'no-eval' }, ...extraRules.map((id) => ({ id }))],
    },
  },
  results: lines.map((line) => ({
    ruleId: 'no-eval',
    level: 'error',
    message: { text: 'eval can be harmful.' },
    locations: [{ physicalLocation: { artifactLocation: { uri: 'app.js' }, region: { startLine: line } } }],
  })),
});

/** A run with scanner fingerprints: one result per id. */
const fingerprinted = (ids: string[], rules = ['rule-a']) => ({
  tool: { driver: { name: 'semgrep', rules: rules.map((id) => ({ id })) } },
  results: ids.map((id) => ({
    ruleId: 'rule-a',
    message: { text: `finding ${id}` },
    locations: [
      { physicalLocation: { artifactLocation: { uri: `src/${id}.py` }, region: { startLine: 1 } } },
    ],
    fingerprints: { 'matchBasedId/v1': id },
  })),
});

describeEachEngine('finding identity and states', (engine) => {
  let database: TestDatabase;
  let seeded: Seeded;
  let files: FakeFiles;
  beforeEach(async () => {
    database = await createTestDatabase(engine);
    seeded = await seedRepository(database.db);
    files = new FakeFiles();
  });
  afterEach(() => database.close());

  it('a line shift keeps the identity: code inserted above the finding', async () => {
    const before = sha('before');
    const after = sha('after');
    files.set(before, { 'app.js': 'function run(input) {\n  eval(input);\n}\n' });
    files.set(after, { 'app.js': '// a comment\n// another\nfunction run(input) {\n    eval(input);\n}\n' });
    await scanAndProcess(database.db, seeded, { commitSha: before, log: sarifLog(evalRun([2])) }, files);
    const [first] = await findingsOf(database.db, seeded);
    const { summary } = await scanAndProcess(
      database.db,
      seeded,
      { commitSha: after, log: sarifLog(evalRun([4])) },
      files,
    );
    expect(summary).toMatchObject({ new: 0, fixed: 0, open: 1 });
    expect(summary.runs[0]!.identity).toMatchObject({ content: 1, message: 0 });
    const findings = await findingsOf(database.db, seeded);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ id: first!.id, start_line: 4, commit_sha: after, state: 'open' });
    expect(await eventsOf(database.db, first!.id)).toEqual(['opened']);
  });

  it('identical snippets are told apart by their occurrence, in order of position', async () => {
    const at = sha('twins');
    files.set(at, { 'app.js': 'eval(input);\neval(input);\n' });
    const { summary } = await scanAndProcess(
      database.db,
      seeded,
      { commitSha: at, log: sarifLog(evalRun([2, 1])) },
      files,
    );
    expect(summary.open).toBe(2);
  });

  it('fixed by a later complete scan of the branch, reopened as the same finding when reintroduced', async () => {
    const one = sha('one');
    const two = sha('two');
    const three = sha('three');
    files.set(one, { 'app.js': 'eval(input);\n' });
    files.set(two, { 'app.js': 'safe(input);\n' });
    files.set(three, { 'app.js': '\n\neval(input);\n' });
    await scanAndProcess(database.db, seeded, { commitSha: one, log: sarifLog(evalRun([1])) }, files);
    const [finding] = await findingsOf(database.db, seeded);
    const fixedScan = await scanAndProcess(
      database.db,
      seeded,
      { commitSha: two, log: sarifLog(evalRun([])) },
      files,
    );
    expect(fixedScan.summary).toMatchObject({ fixed: 1, removed: 0 });
    expect((await findingsOf(database.db, seeded))[0]).toMatchObject({
      state: 'fixed',
      fixed_in_scan_id: fixedScan.scanId,
    });
    const back = await scanAndProcess(
      database.db,
      seeded,
      { commitSha: three, log: sarifLog(evalRun([3])) },
      files,
    );
    expect(back.summary).toMatchObject({ new: 0, reopened: 1 });
    const [again] = await findingsOf(database.db, seeded);
    expect(again).toMatchObject({
      id: finding!.id,
      state: 'open',
      fixed_in_scan_id: null,
      fixed_at: null,
      start_line: 3,
    });
    expect(await eventsOf(database.db, finding!.id)).toEqual(['opened', 'fixed', 'reopened']);
  });

  it('removed when its rule is gone from the run, or its file from the commit', async () => {
    await scanAndProcess(database.db, seeded, {
      commitSha: sha('r1'),
      log: sarifLog(fingerprinted(['x', 'y', 'z'], ['rule-a'])),
    });
    files.set(sha('r2'), { 'src/x.py': 'print(1)\n' });
    // The rule set no longer has rule-a: x, y, z are removed.
    const gone = await scanAndProcess(
      database.db,
      seeded,
      { commitSha: sha('r2'), log: sarifLog(fingerprinted([], ['rule-b'])) },
      files,
    );
    expect(gone.summary).toMatchObject({ removed: 3, fixed: 0 });

    const other = await seedRepository(database.db, { name: 'Other' });
    await scanAndProcess(database.db, other, {
      commitSha: sha('f1'),
      log: sarifLog(fingerprinted(['x', 'y'])),
    });
    files.set(sha('f2'), { 'src/x.py': 'print(1)\n' });
    // y's file is gone at f2: removed; x's file is there: fixed.
    const fileGone = await scanAndProcess(
      database.db,
      other,
      { commitSha: sha('f2'), log: sarifLog(fingerprinted([])) },
      files,
    );
    expect(fileGone.summary).toMatchObject({ fixed: 1, removed: 1 });
    const states = Object.fromEntries(
      (await findingsOf(database.db, other)).map((f) => [f.message, f.state]),
    );
    expect(states).toEqual({ 'finding x': 'fixed', 'finding y': 'removed' });
  });

  it('fixed, not removed, when the tool lists only the rules that reported (Trivy)', async () => {
    const trivy = (cves: string[]) => ({
      tool: { driver: { name: 'Trivy', rules: cves.map((id) => ({ id })) } },
      results: cves.map((id) => ({ ruleId: id, message: { text: `Package with ${id}` } })),
    });
    await scanAndProcess(database.db, seeded, {
      commitSha: sha('v1'),
      log: sarifLog(trivy(['CVE-1', 'CVE-2'])),
    });
    const { summary } = await scanAndProcess(database.db, seeded, {
      commitSha: sha('v2'),
      log: sarifLog(trivy(['CVE-1'])),
    });
    expect(summary).toMatchObject({ fixed: 1, removed: 0, open: 1 });
  });

  it('triage is kept across scans and states', async () => {
    await scanAndProcess(database.db, seeded, { commitSha: sha('t1'), log: sarifLog(fingerprinted(['x'])) });
    await database.db
      .updateTable('findings')
      .set({
        ignored_reason: 'false_positive',
        ignored_note: 'test code',
        ignored_at: new Date().toISOString(),
      })
      .execute();
    await scanAndProcess(database.db, seeded, { commitSha: sha('t2'), log: sarifLog(fingerprinted([])) });
    await scanAndProcess(database.db, seeded, { commitSha: sha('t3'), log: sarifLog(fingerprinted(['x'])) });
    const [finding] = await findingsOf(database.db, seeded);
    expect(finding).toMatchObject({
      state: 'open',
      ignored_reason: 'false_positive',
      ignored_note: 'test code',
    });
  });

  it('new in a pull request: absent from the base branch’s latest scan, or baselineState new', async () => {
    await scanAndProcess(database.db, seeded, {
      commitSha: sha('main-1'),
      log: sarifLog(fingerprinted(['old', 'gone'])),
    });
    await scanAndProcess(database.db, seeded, {
      commitSha: sha('main-2'),
      log: sarifLog(fingerprinted(['old'])),
    });
    const run = fingerprinted(['old', 'gone', 'fresh', 'flagged']);
    (run.results[3] as Record<string, unknown>).baselineState = 'new';
    (run.results[0] as Record<string, unknown>).baselineState = 'unchanged';
    const pr = await scanAndProcess(database.db, seeded, {
      commitSha: sha('pr'),
      branch: 'feature/x',
      pullRequestNumber: 7,
      baseBranch: 'main',
      log: sarifLog(run),
    });
    expect(pr.summary).toMatchObject({ newInPullRequest: 3, open: 4 });
    const newOnes = await database.db
      .selectFrom('scan_findings as sf')
      .innerJoin('findings as f', 'f.id', 'sf.finding_id')
      .select(['f.message', 'sf.new_in_pull_request'])
      .where('sf.scan_id', '=', pr.scanId)
      .orderBy('f.message')
      .execute();
    expect(newOnes.map((row) => [row.message, Number(row.new_in_pull_request)])).toEqual([
      ['finding flagged', 1],
      ['finding fresh', 1],
      ['finding gone', 1],
      ['finding old', 0],
    ]);
    // The findings of the pull request live on its branch, apart from main's.
    expect(await findingsOf(database.db, seeded, 'feature/x')).toHaveLength(4);
    expect(await findingsOf(database.db, seeded, 'main')).toHaveLength(2);
  });

  it('without a base branch scan only baselineState marks findings new; the default branch is the base', async () => {
    const run = fingerprinted(['a', 'b']);
    (run.results[1] as Record<string, unknown>).baselineState = 'new';
    const pr = await scanAndProcess(database.db, seeded, {
      commitSha: sha('pr-nobase'),
      branch: null,
      pullRequestNumber: 9,
      log: sarifLog(run),
    });
    expect(pr.summary).toMatchObject({ newInPullRequest: 1, branch: 'pull-request:9' });
    expect(pr.summary.runs[0]!.baseScanId).toBeNull();
  });

  it('a scan of a bare commit records what it found and moves no state', async () => {
    await scanAndProcess(database.db, seeded, {
      commitSha: sha('c1'),
      branch: null,
      log: sarifLog(fingerprinted(['a'])),
    });
    const second = await scanAndProcess(database.db, seeded, {
      commitSha: sha('c2'),
      branch: null,
      log: sarifLog(fingerprinted([])),
    });
    expect(second.summary).toMatchObject({ fixed: 0, branch: `commit:${sha('c2')}` });
    expect(second.summary.runs[0]!.outcome).toBe('not-tracked');
    expect(await findingsOf(database.db, seeded, `commit:${sha('c1')}`)).toMatchObject([{ state: 'open' }]);
  });

  it('a run the tool says failed closes nothing', async () => {
    await scanAndProcess(database.db, seeded, { commitSha: sha('i1'), log: sarifLog(fingerprinted(['a'])) });
    const failedRun = { ...fingerprinted([]), invocations: [{ executionSuccessful: false }] };
    const { summary } = await scanAndProcess(database.db, seeded, {
      commitSha: sha('i2'),
      log: sarifLog(failedRun),
    });
    expect(summary).toMatchObject({ fixed: 0 });
    expect(summary.runs[0]!.outcome).toBe('incomplete');
  });

  it('an older scan processed after a newer one changes nothing', async () => {
    const older = await storeScan(database.db, seeded, {
      commitSha: sha('o1'),
      log: sarifLog(fingerprinted(['a'])),
    });
    await scanAndProcess(database.db, seeded, { commitSha: sha('o2'), log: sarifLog(fingerprinted(['b'])) });
    const summary = await processScan(
      { db: database.db, withFiles: (_scope, use) => use(undefined, 'none') },
      seeded.accountId,
      older,
    );
    expect(summary).toMatchObject({ open: 0, runs: [{ outcome: 'stale' }] });
    expect((await findingsOf(database.db, seeded)).map((f) => f.message)).toEqual(['finding b']);
  });

  it('processing twice adds nothing; the log is dropped once processed', async () => {
    const scanId = await storeScan(database.db, seeded, {
      commitSha: sha('twice'),
      log: sarifLog(fingerprinted(['a'])),
    });
    const deps = {
      db: database.db,
      withFiles: <T>(_s: unknown, use: (r: undefined, why: string) => Promise<T>) => use(undefined, 'none'),
    };
    const first = await processScan(deps, seeded.accountId, scanId);
    const second = await processScan(deps, seeded.accountId, scanId);
    expect(second).toEqual(first);
    const scan = await database.db
      .selectFrom('scans')
      .selectAll()
      .where('id', '=', scanId)
      .executeTakeFirstOrThrow();
    expect(scan).toMatchObject({ status: 'processed', log_gzip_base64: null });
    expect(scan.processed_at).not.toBeNull();
    const [finding] = await findingsOf(database.db, seeded);
    expect(await eventsOf(database.db, finding!.id)).toEqual(['opened']);
  });

  it('a log that is not SARIF fails with a code and a message', async () => {
    const scanId = await storeScan(database.db, seeded, {
      commitSha: sha('bad'),
      log: { version: '2.0.0', runs: [] },
    });
    const deps = {
      db: database.db,
      withFiles: <T>(_s: unknown, use: (r: undefined, why: string) => Promise<T>) => use(undefined, 'none'),
    };
    await expect(processScan(deps, seeded.accountId, scanId)).rejects.toMatchObject({ code: 'invalid_log' });
  });
});
