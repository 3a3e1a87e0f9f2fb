import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upload } from '../api/scans/scans-world.js';
import { ApiClient } from '../helpers/api-client.js';
import {
  familyKinds,
  startFamilies,
  type FamiliesWorld,
  type Family,
  type FamilyKind,
} from '../findings/scan-families.js';
import type {
  OpenedPullRequest,
  PullRequestKit,
  PullRequestKitFactory,
  TwinThread,
} from './pull-request-kit.js';
import { azureDevOpsPullRequestKit } from './kits/azure-devops.js';
import { bitbucketCloudPullRequestKit } from './kits/bitbucket-cloud.js';
import { bitbucketDataCenterPullRequestKit } from './kits/bitbucket-data-center.js';
import { githubPullRequestKit } from './kits/github.js';
import { gitlabPullRequestKit } from './kits/gitlab.js';

/*
 * Pull request comments end to end, written once over the five comment APIs: scm-connect, connected to each
 * SCM's twin, gets a main-branch scan and then pull request scans through the upload API, and the test reads
 * what the twin holds (threads, statuses, write calls) through each kind's kit.
 */

/** Each kind's kit. */
const kits: Readonly<Record<FamilyKind, PullRequestKitFactory>> = {
  github: githubPullRequestKit,
  gitlab: gitlabPullRequestKit,
  'bitbucket-cloud': bitbucketCloudPullRequestKit,
  'bitbucket-data-center': bitbucketDataCenterPullRequestKit,
  'azure-devops': azureDevOpsPullRequestKit,
};

/**
 * Kinds whose connection cannot ask who may write: a Bitbucket Cloud workspace access token cannot read
 * permissions, so triage by reply is refused there with the reason (an Atlassian API token can; its contract test
 * checks `canWrite`).
 */
const writeAccessUnknown: ReadonlySet<FamilyKind> = new Set(['bitbucket-cloud']);

/** Which kinds take native suggestions. */
const suggests: ReadonlySet<FamilyKind> = new Set(['github', 'gitlab', 'bitbucket-data-center']);

/**
 * The first request the SCM's comment writes go to (a path pattern and which match it is: a listing may share
 * the path): that request is stored by the twin but its answer is cut.
 */
const crashPoints: Readonly<Record<FamilyKind, (pr: number) => { path: RegExp; nth: number }>> = {
  github: (pr) => ({ path: new RegExp(`/pulls/${pr}/reviews$`), nth: 1 }),
  gitlab: (pr) => ({ path: new RegExp(`/merge_requests/${pr}/notes$`), nth: 1 }),
  'bitbucket-cloud': (pr) => ({ path: new RegExp(`/pullrequests/${pr}/comments$`), nth: 3 }),
  'bitbucket-data-center': (pr) => ({ path: new RegExp(`/pull-requests/${pr}/comments$`), nth: 1 }),
  'azure-devops': (pr) => ({ path: new RegExp(`/pullRequests/${pr}/threads$`), nth: 3 }),
};

const lines = (count: number, text: (n: number) => string) =>
  Array.from({ length: count }, (_, i) => text(i + 1)).join('\n') + '\n';

/** main: 40 plain lines in app.js, 10 in other.js. */
const baseFiles = {
  'src/app.js': lines(40, (n) => `const value${n} = ${n};`),
  'src/other.js': lines(10, (n) => `export const other${n} = ${n};`),
};

/** A pull request's app.js: lines `from`–`to` rewritten. */
const changedApp = (from: number, to: number) =>
  lines(40, (n) => (n >= from && n <= to ? `const changed${n} = input${n};` : `const value${n} = ${n};`));

interface Result {
  readonly id: string;
  readonly rule: string;
  readonly path: string;
  readonly line: number;
  readonly message: string;
  readonly level?: 'error' | 'warning' | 'note';
  /** The whole line's replacement, as the log's fix. */
  readonly fix?: string;
}

const rules = [
  { id: 'js/eval', name: 'Eval of input', helpUri: 'https://rules.example/js-eval' },
  { id: 'js/xss', name: 'Cross-site scripting', helpUri: 'https://rules.example/js-xss' },
  { id: 'js/sqli', name: 'SQL injection', helpUri: 'https://rules.example/js-sqli' },
  { id: 'js/path', name: 'Path traversal', helpUri: 'https://rules.example/js-path' },
  { id: 'js/noisy', name: 'Noisy rule', helpUri: 'https://rules.example/js-noisy' },
];

/** A SARIF log of one run (plus empty runs of `extraTools`, which make another upload of the same commit). */
function sarif(results: readonly Result[], extraTools: readonly string[] = []) {
  return {
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'pr-scanner', rules } },
        results: results.map((r) => ({
          ruleId: r.rule,
          level: r.level ?? 'error',
          message: { text: r.message },
          locations: [
            { physicalLocation: { artifactLocation: { uri: r.path }, region: { startLine: r.line } } },
          ],
          fingerprints: { 'test/v1': r.id },
          ...(r.fix
            ? {
                fixes: [
                  {
                    description: { text: 'Use a constant' },
                    artifactChanges: [
                      {
                        artifactLocation: { uri: r.path },
                        replacements: [
                          {
                            deletedRegion: { startLine: r.line, endLine: r.line },
                            insertedContent: { text: `${r.fix}\n` },
                          },
                        ],
                      },
                    ],
                  },
                ],
              }
            : {}),
        })),
      },
      ...extraTools.map((name) => ({ tool: { driver: { name } }, results: [] })),
    ],
  };
}

const A: Result = {
  id: 'A',
  rule: 'js/eval',
  path: 'src/app.js',
  line: 12,
  message: 'Untrusted input reaches eval in A',
  fix: 'const changed12 = 12;',
};
const B: Result = {
  id: 'B',
  rule: 'js/xss',
  path: 'src/app.js',
  line: 14,
  level: 'warning',
  message: 'Input is rendered unescaped in B',
};
const C: Result = {
  id: 'C',
  rule: 'js/sqli',
  path: 'src/app.js',
  line: 16,
  message: 'Input builds a query in C',
};
const outside: Result = {
  id: 'O',
  rule: 'js/path',
  path: 'src/other.js',
  line: 3,
  level: 'warning',
  message: 'A path from input in O',
};
const noisy: Result[] = Array.from({ length: 6 }, (_, i) => ({
  id: `N${i}`,
  rule: 'js/noisy',
  path: 'src/app.js',
  line: 11 + 2 * i,
  level: 'note',
  message: `Noisy finding N${i}`,
}));
/** On main already: reported by the pull request scans too, but not new there. */
const onMain: Result = {
  id: 'MAIN',
  rule: 'js/eval',
  path: 'src/app.js',
  line: 2,
  message: 'Old eval on main',
};

const firstResults = [onMain, A, B, C, outside, ...noisy];

describe('pull request comments, end to end on every comment API', () => {
  let world: FamiliesWorld;
  let ci: ApiClient;

  beforeAll(async () => {
    world = await startFamilies(baseFiles);
    const token = await world.admin.post<{ secret: string }>(`/api/v1/accounts/${world.accountId}/tokens`, {
      name: 'CI scan upload',
      role: 'scan-upload',
    });
    expect(token.status, token.text).toBe(201);
    ci = new ApiClient(world.service.url);
    ci.bearer = token.body.secret;
  }, 180_000);
  afterAll(() => world?.close());

  /** Waits until no scan, comment or webhook job is queued or running. */
  async function settled(timeoutMs = 60_000): Promise<void> {
    const db = world.service.database.db;
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
      const busy = await db
        .selectFrom('jobs')
        .select('id')
        .where('account_id', '=', world.accountId)
        .where('kind', 'in', ['scan.process', 'comments.reconcile', 'webhook.process'])
        .where('status', 'in', ['queued', 'running'])
        .limit(1)
        .executeTakeFirst();
      if (!busy) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('jobs did not settle in time');
  }

  describe.each(familyKinds)('%s', (kind) => {
    let family: Family;
    let kit: PullRequestKit;
    let pr: OpenedPullRequest;
    let head2: string;

    beforeAll(async () => {
      family = world.families[kind];
      kit = await kits[kind](world, family);
      // The base branch's scan: what the pull request is compared with.
      await scan(family.baseCommit, [onMain], { branch: 'main' });
    }, 60_000);

    async function scan(
      commit: string,
      results: readonly Result[],
      context: Record<string, string>,
      extraTools: readonly string[] = [],
    ): Promise<void> {
      const answer = await upload(ci, world.accountId, sarif(results, extraTools), {
        query: { repository: family.ciRepositoryUrl, commit, ...context },
      });
      expect(answer.status, answer.text).toBe(202);
      await settled();
    }

    const prScan = (
      opened: { number: number },
      commit: string,
      results: readonly Result[],
      extra: string[] = [],
    ) => scan(commit, results, { pullRequest: String(opened.number), baseBranch: 'main' }, extra);

    const ours = (threads: readonly TwinThread[]) => threads.filter((t) => t.author === kit.botLogin);
    const inlineOf = (threads: readonly TwinThread[], result: Result) =>
      ours(threads).filter((t) => t.path !== undefined && t.body.includes(result.message));
    const summaryOf = (threads: readonly TwinThread[]) => ours(threads).filter((t) => t.path === undefined);

    async function finding(thread: TwinThread) {
      const id = /\/findings\/([0-9A-Za-z-]+)\)/.exec(thread.body)?.[1];
      expect(id, thread.body).toBeDefined();
      const answer = await world.admin.get<{
        ignored: { reason: string } | null;
        history: { kind: string; via?: { kind: string; login: string; pullRequest: number } }[];
      }>(`/api/v1/accounts/${world.accountId}/findings/${id}`);
      expect(answer.status, answer.text).toBe(200);
      return answer.body;
    }

    it('first scan: a comment on each new finding in the diff, a summary for the rest, a failing status', async () => {
      pr = await kit.openPullRequest(`feature-${kind}`, { 'src/app.js': changedApp(10, 22) });
      await prScan(pr, pr.headSha, firstResults);
      const threads = await kit.threads(pr.number);
      for (const result of [A, B, C]) {
        const found = inlineOf(threads, result);
        expect(found, `${result.id}: ${JSON.stringify(threads, null, 1)}`).toHaveLength(1);
        expect(found[0]).toMatchObject({ path: 'src/app.js', line: result.line, resolved: false });
      }
      // Old findings get no comment; the outside one and the noisy rule's are in the summary only.
      expect(ours(threads).some((t) => t.body.includes(onMain.message))).toBe(false);
      expect(inlineOf(threads, outside)).toEqual([]);
      for (const n of noisy) expect(inlineOf(threads, n)).toEqual([]);
      const summary = summaryOf(threads);
      expect(summary).toHaveLength(1);
      expect(summary[0]!.body).toContain(outside.message);
      expect(summary[0]!.body).toContain(noisy[0]!.message);
      expect(summary[0]!.body).toContain('rule fires often');
      const status = await kit.status(pr.number, pr.headSha);
      expect(status).toMatchObject({ state: 'failure' });
      expect(status!.description).toContain('blocking');
    });

    it(`a fix in the log is ${suggests.has(kind) ? 'a native suggestion' : 'not offered (no suggestions here)'}`, async () => {
      const [a] = inlineOf(await kit.threads(pr.number), A);
      if (suggests.has(kind)) {
        expect(a!.body).toContain('Suggested fix');
        expect(a!.body).toContain(A.fix);
      } else {
        expect(a!.body).not.toContain('Suggested fix');
      }
    });

    it('an unchanged re-scan writes nothing to the SCM', async () => {
      const before = kit.writes();
      const threads = await kit.threads(pr.number);
      // Another upload of the same commit (one more, empty, tool makes it a scan of its own).
      await prScan(pr, pr.headSha, firstResults, ['empty-tool']);
      expect(kit.writes()).toBe(before);
      expect(await kit.threads(pr.number)).toEqual(threads);
    });

    it('a changed finding is edited, a fixed one resolved, and one a person answered stays', async () => {
      const [c] = inlineOf(await kit.threads(pr.number), C);
      await kit.reply(pr.number, c!.id, 'reader', 'Is this reachable at all?');
      await settled();
      head2 = await kit.push(`feature-${kind}`, { 'docs/notes.md': 'Notes\n' });
      const changed = { ...B, message: 'Input is rendered unescaped in B, worded anew' };
      await prScan(pr, head2, [onMain, A, changed, outside, ...noisy]);
      const threads = await kit.threads(pr.number);
      expect(inlineOf(threads, changed)).toHaveLength(1);
      expect(ours(threads).filter((t) => t.path !== undefined)).toHaveLength(3);
      const [fixed] = inlineOf(threads, C);
      expect(fixed!.resolved || fixed!.body.includes('Fixed')).toBe(true);
      expect(fixed!.replies.map((r) => r.body)).toContain('Is this reachable at all?');
      expect(summaryOf(threads)[0]!.body).toContain('Fixed in this pull request');
      expect(await kit.status(pr.number, head2)).toMatchObject({ state: 'failure' });
    });

    it('triage by reply: a writer ignores a finding, a reader cannot', async () => {
      const threads = await kit.threads(pr.number);
      const [a] = inlineOf(threads, A);
      const [b] = ours(threads).filter((t) => t.path !== undefined && t.body.includes('worded anew'));
      await kit.reply(pr.number, a!.id, 'writer', '/fp only reachable from tests');
      await kit.reply(pr.number, b!.id, 'reader', '/ar we accept it');
      await settled();
      const after = await kit.threads(pr.number);
      const replied = (id: string) =>
        after.find((t) => t.id === id)!.replies.filter((r) => r.author === kit.botLogin);
      if (writeAccessUnknown.has(kind)) {
        for (const thread of [a!, b!]) {
          expect(
            replied(thread.id)
              .map((r) => r.body)
              .join('\n'),
          ).toContain('cannot check who may write to this repository');
          expect((await finding(thread)).ignored).toBeNull();
        }
        expect(await kit.status(pr.number, head2)).toMatchObject({ state: 'failure' });
        return;
      }
      expect(
        replied(a!.id)
          .map((r) => r.body)
          .join('\n'),
      ).toContain('Ignored as a false positive');
      expect(
        replied(b!.id)
          .map((r) => r.body)
          .join('\n'),
      ).toContain('only people with write access');
      const ignored = await finding(a!);
      expect(ignored.ignored).toMatchObject({ reason: 'false_positive' });
      expect(ignored.history.at(-1)).toMatchObject({
        kind: 'ignored',
        via: { kind: 'pull-request-comment', pullRequest: pr.number },
      });
      expect((await finding(b!)).ignored).toBeNull();
      // B (medium) is all that is left open: nothing blocks any more.
      expect(await kit.status(pr.number, head2)).toMatchObject({ state: 'success' });
    });

    it('a crash between two writes neither loses nor doubles a comment', async () => {
      const D: Result = {
        id: 'D',
        rule: 'js/eval',
        path: 'src/app.js',
        line: 30,
        message: 'Untrusted input reaches eval in D',
      };
      const E: Result = {
        id: 'E',
        rule: 'js/sqli',
        path: 'src/app.js',
        line: 32,
        message: 'Input builds a query in E',
      };
      const F: Result = {
        id: 'F',
        rule: 'js/path',
        path: 'src/other.js',
        line: 5,
        level: 'warning',
        message: 'A path from input in F',
      };
      const second = await kit.openPullRequest(`crash-${kind}`, { 'src/app.js': changedApp(28, 34) });
      const point = crashPoints[kind](second.number);
      let seen = 0;
      family.twin.faults.plan((_n, path) =>
        point.path.test(path) && ++seen === point.nth ? { kind: 'truncate' } : undefined,
      );
      try {
        await prScan(second, second.headSha, [onMain, D, E, F]);
      } finally {
        family.twin.faults.clear();
      }
      const cut = family.twin.log.filter((request) => request.fault === 'truncate');
      expect(cut.map((r) => `${r.method} ${r.path}`)).toHaveLength(1);
      const matching = family.twin.log
        .filter((r) => point.path.test(r.path))
        .map((r) => `${r.method} ${r.path}`);
      expect(cut[0]!.method, `requests to the comment endpoint: ${matching.join(', ')}`).not.toBe('GET');
      const threads = await kit.threads(second.number);
      // Every write to the comment endpoint, for the message: a retried POST shows as two.
      expect(inlineOf(threads, D), matching.join(', ')).toHaveLength(1);
      expect(inlineOf(threads, E)).toHaveLength(1);
      expect(summaryOf(threads)).toHaveLength(1);
      expect(summaryOf(threads)[0]!.body).toContain(F.message);
      expect(await kit.status(second.number, second.headSha)).toMatchObject({ state: 'failure' });
    });

    it('a pull request closed without merging drops its own findings', async () => {
      const open = async () => {
        const answer = await world.admin.get<{ items: unknown[] }>(
          `/api/v1/accounts/${world.accountId}/findings?repositoryId=${family.repository.id}&branch=${encodeURIComponent(`pull-request:${pr.number}`)}&limit=200`,
        );
        expect(answer.status, answer.text).toBe(200);
        return answer.body.items.length;
      };
      expect(await open()).toBeGreaterThan(0);
      await kit.close(pr.number, false);
      await settled();
      expect(await open()).toBe(0);
    });
  });
});
