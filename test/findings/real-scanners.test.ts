import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashLines } from '../../src/findings/process/identity.js';
import { gitBlobId } from '../../src/scm/files.js';
import { upload, type ScanView } from '../api/scans/scans-world.js';
import { ApiClient } from '../helpers/api-client.js';
import { familyKinds, startFamilies, type FamiliesWorld, type Family } from './scan-families.js';
import {
  fixtureFiles,
  repoSteps,
  runScanners,
  type RepoFiles,
  type RepoSteps,
  type ScannerLogs,
} from './scan-repo.js';

/*
 * The end-to-end test with scanners no one here wrote: ESLint (eslint-plugin-security, the Microsoft SARIF
 * formatter) and secretlint (its SARIF formatter) scan a checkout of test/fixtures/scan-repo; their logs, as they
 * wrote them, are uploaded for the commit each twin serves with those files. Neither tool writes fingerprints,
 * so every identity comes from the flagged lines scm-connect reads from the twin at the scanned commit.
 */

type Step = keyof RepoSteps;
const steps: readonly Step[] = ['base', 'shifted', 'fixed', 'reintroduced'];

interface FindingView {
  id: string;
  tool: string;
  ruleId: string;
  state: string;
  severity: string;
  commitSha: string;
  location: {
    path: string | null;
    startLine: number | null;
    endLine: number | null;
    url: string | null;
    defaultBranchUrl: string | null;
    unlinkedReason: string | null;
  } | null;
}

/** A result as the log states it, with its path in the repository. */
interface Reported {
  tool: string;
  ruleId: string;
  path: string;
  startLine: number;
  endLine: number;
  level: string;
  suppressed: boolean;
}

interface SarifResult {
  ruleId: string;
  level: string;
  suppressions?: { kind: string }[];
  locations: {
    physicalLocation: {
      artifactLocation: { uri: string };
      region: { startLine: number; endLine?: number };
    };
  }[];
}

interface SarifRun {
  tool: { driver: { name: string } };
  results: SarifResult[];
}

/** What a log reports: absolute `file:` URIs (ESLint's) read against the checkout, relative ones (secretlint's) as they are. */
function reported(log: string, checkout: string): Reported[] {
  const runs = (JSON.parse(log) as { runs: SarifRun[] }).runs;
  return runs.flatMap((run) =>
    run.results.map((result) => {
      const { artifactLocation, region } = result.locations[0]!.physicalLocation;
      const uri = artifactLocation.uri;
      const path = uri.startsWith('file:')
        ? relative(checkout, fileURLToPath(uri)).split('\\').join('/')
        : uri;
      return {
        tool: run.tool.driver.name,
        ruleId: result.ruleId,
        path,
        startLine: region.startLine,
        endLine: region.endLine ?? region.startLine,
        level: result.level,
        suppressed: (result.suppressions ?? []).length > 0,
      };
    }),
  );
}

/** Neither tool writes `security-severity`: the level decides. */
const severityOfLevel: Readonly<Record<string, string>> = { error: 'high', warning: 'medium' };

const key = (item: { tool: string; ruleId: string; path: string | null; startLine: number | null }) =>
  `${item.tool} ${item.ruleId} ${item.path}:${item.startLine}`;

describe('findings from real scanners, end to end on every twin family', () => {
  let world: FamiliesWorld;
  let files: RepoSteps;
  const logs = {} as Record<Step, ScannerLogs>;
  let ci: ApiClient;

  beforeAll(async () => {
    files = repoSteps(await fixtureFiles());
    // The tools run once per step of the repository; every family gets the same logs.
    const [started] = await Promise.all([
      startFamilies(files.base),
      ...steps.map(async (step) => void (logs[step] = await runScanners(files[step]))),
    ]);
    world = started;
    const token = await world.admin.post<{ secret: string }>(`/api/v1/accounts/${world.accountId}/tokens`, {
      name: 'CI scan upload',
      role: 'scan-upload',
    });
    expect(token.status, token.text).toBe(201);
    ci = new ApiClient(world.service.url);
    ci.bearer = token.body.secret;
  }, 120_000);
  afterAll(() => world?.close());

  it('the scanners wrote what the fixture holds: no fingerprints, ESLint with absolute file URIs', () => {
    const base = [...reported(logs.base.eslint, logs.base.checkout), ...reported(logs.base.secretlint, '')];
    expect(base.map((item) => `${key(item)}-${item.endLine}${item.suppressed ? ' suppressed' : ''}`)).toEqual(
      [
        'ESLint security/detect-non-literal-fs-filename src/files.js:7-10',
        'ESLint security/detect-object-injection src/lookup.js:6-6',
        'ESLint security/detect-object-injection src/lookup.js:11-11 suppressed',
        'ESLint security/detect-eval-with-expression src/run.js:4-4',
        'secretlint @secretlint/secretlint-rule-preset-recommend > @secretlint/secretlint-rule-aws config/deploy.ini:5-5',
        'secretlint @secretlint/secretlint-rule-preset-recommend > @secretlint/secretlint-rule-privatekey config/deploy.ini:8-13',
      ],
    );
    for (const log of [logs.base.eslint, logs.base.secretlint]) {
      expect(log).not.toMatch(/"(partialFingerprints|fingerprints|originalUriBaseIds|workingDirectory)"/);
    }
    expect(logs.base.eslint).toContain(`"uri": "file://${logs.base.checkout}/src/files.js"`);
    expect(logs.base.secretlint).toContain('"uri": "config/deploy.ini"');
  });

  describe.each(familyKinds)('%s', (kind) => {
    let family: Family;
    const commits = {} as Record<Step, string>;
    /** The findings of the first scan, by what they report: the identities every later step must keep. */
    const firstIds = new Map<string, string>();

    beforeAll(() => {
      family = world.families[kind];
    });

    /** Commits the step's files (the base was committed before the first sync), uploads both logs, waits. */
    async function scanStep(step: Step): Promise<ScanView[]> {
      // The base files were committed before the first sync (so that each default branch exists).
      commits[step] = step === 'base' ? family.baseCommit : await family.commit(files[step]);
      const scans: ScanView[] = [];
      for (const log of [logs[step].eslint, logs[step].secretlint]) {
        const answer = await upload(ci, world.accountId, log, {
          query: { repository: family.ciRepositoryUrl, commit: commits[step], branch: 'main' },
        });
        expect(answer.status, answer.text).toBe(202);
        scans.push(await processed(answer.body.scan.id));
      }
      return scans;
    }

    async function processed(scanId: string): Promise<ScanView> {
      for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
        const scan = await ci.get<ScanView>(`/api/v1/accounts/${world.accountId}/scans/${scanId}`);
        expect(scan.status, scan.text).toBe(200);
        if (scan.body.status === 'processed' || scan.body.status === 'failed') return scan.body;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`scan ${scanId} not processed in time`);
    }

    async function findings(): Promise<FindingView[]> {
      const answer = await world.admin.get<{ items: FindingView[] }>(
        `/api/v1/accounts/${world.accountId}/findings?repositoryId=${family.repository.id}&limit=200`,
      );
      expect(answer.status, answer.text).toBe(200);
      return answer.body.items;
    }

    /** The findings, open or not, against what the step's logs report (suppressed results are no findings). */
    async function expectFindingsOf(step: Step): Promise<Map<string, FindingView>> {
      const expected = [
        ...reported(logs[step].eslint, logs[step].checkout),
        ...reported(logs[step].secretlint, ''),
      ].filter((item) => !item.suppressed);
      const open = (await findings()).filter((finding) => finding.state === 'open');
      const byKey = new Map(open.map((finding) => [key({ ...finding, ...finding.location! }), finding]));
      expect([...byKey.keys()].sort()).toEqual(expected.map(key).sort());
      for (const item of expected) {
        const finding = byKey.get(key(item))!;
        expect(finding.commitSha).toBe(commits[step]);
        expect(finding.severity).toBe(severityOfLevel[item.level]);
        expect(finding.location).toMatchObject({
          endLine: item.endLine,
          url: family.fileUrl(commits[step], item.path, item.startLine, item.endLine),
          defaultBranchUrl: family.branchUrl(item.path),
          unlinkedReason: null,
        });
      }
      return byKey;
    }

    /** Each file a finding names was read from the twin at the commit, and its line hashes kept by blob. */
    async function expectLinesReadFromTwin(step: Step, repo: RepoFiles): Promise<void> {
      const paths = [...new Set((await findings()).map((finding) => finding.location!.path!))];
      for (const path of paths) {
        const content = Buffer.from(repo[path]!);
        const served = family.twin.log.filter((request) => {
          const asked = decodeURIComponent(`${request.path}?${request.query}`);
          return request.status === 200 && asked.includes(commits[step]) && asked.includes(path);
        });
        expect(served.length, `${path} at ${commits[step]}`).toBeGreaterThan(0);
        const rows = await world.service.database.db
          .selectFrom('file_line_hashes')
          .select(['blob_id', 'line_hashes'])
          .where('repository_id', '=', family.repository.id)
          .where('blob_id', 'in', [`commit:${commits[step]}:${path}`, gitBlobId(content)])
          .execute();
        const byKey = new Map(rows.map((row) => [row.blob_id, JSON.parse(row.line_hashes) as unknown]));
        expect(byKey.get(`commit:${commits[step]}:${path}`)).toEqual({ blobId: gitBlobId(content) });
        expect(byKey.get(gitBlobId(content))).toEqual(hashLines(content));
      }
    }

    it('links every result to its lines at the scanned commit, with identities from the lines the SCM served', async () => {
      const [eslint, secretlint] = await scanStep('base');
      expect(eslint!.summary).toMatchObject({
        results: 4,
        open: 3,
        new: 3,
        runs: [
          {
            tool: 'ESLint',
            findings: 3,
            skipped: { suppressed: 1 },
            identity: { content: 3, message: 0 },
            notes: [expect.stringContaining(`${logs.base.checkout}/ was taken as the checkout`)],
          },
        ],
      });
      expect(secretlint!.summary).toMatchObject({
        results: 2,
        open: 2,
        runs: [{ tool: 'secretlint', findings: 2, identity: { content: 2, message: 0 }, notes: [] }],
      });
      for (const [id, finding] of await expectFindingsOf('base')) firstIds.set(id, finding.id);
      await expectLinesReadFromTwin('base', files.base);
    });

    it('keeps every identity when a line is inserted above the findings', async () => {
      const scans = await scanStep('shifted');
      expect(scans.map((scan) => scan.summary)).toMatchObject([
        { open: 3, new: 0, reopened: 0, fixed: 0 },
        { open: 2, new: 0, reopened: 0, fixed: 0 },
      ]);
      const now = await expectFindingsOf('shifted');
      expect([...now.values()].map((finding) => finding.id).sort()).toEqual([...firstIds.values()].sort());
      for (const [shiftedKey, finding] of now) {
        expect(finding.id).toBe(
          firstIds.get(shiftedKey.replace(/:(\d+)$/, (_m, line: string) => `:${Number(line) - 1}`)),
        );
      }
      await expectLinesReadFromTwin('shifted', files.shifted);
    });

    it('fixes the finding whose line is removed, keeps the rest open, and reopens it when it comes back', async () => {
      const evalId = firstIds.get('ESLint security/detect-eval-with-expression src/run.js:4')!;
      const fixed = await scanStep('fixed');
      expect(fixed.map((scan) => scan.summary)).toMatchObject([
        { open: 2, new: 0, fixed: 1 },
        { open: 2, new: 0, fixed: 0 },
      ]);
      await expectFindingsOf('fixed');
      const afterFix = await findings();
      expect(afterFix.find((finding) => finding.id === evalId)?.state).toBe('fixed');
      expect(afterFix.filter((finding) => finding.state === 'open')).toHaveLength(4);

      const back = await scanStep('reintroduced');
      expect(back.map((scan) => scan.summary)).toMatchObject([
        { open: 3, new: 0, reopened: 1, fixed: 0 },
        { open: 2, new: 0, reopened: 0, fixed: 0 },
      ]);
      const reopened = await expectFindingsOf('reintroduced');
      expect([...reopened.values()].map((finding) => finding.id).sort()).toEqual(
        [...firstIds.values()].sort(),
      );
      expect(reopened.get('ESLint security/detect-eval-with-expression src/run.js:5')?.id).toBe(evalId);
      const detail = await world.admin.get<{ history: { kind: string }[] }>(
        `/api/v1/accounts/${world.accountId}/findings/${evalId}`,
      );
      expect(detail.body.history.map((event) => event.kind)).toEqual(['opened', 'fixed', 'reopened']);
    });
  });
});
