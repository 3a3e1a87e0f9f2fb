/**
 * bench/comments: pull request comments on the five comment APIs, each on its twin. For 1, 50 and 500 findings
 * new in one pull request (each on its own added line, one rule each, so every one can go inline), per SCM:
 *
 * - the API calls scm-connect made, reads and writes apart, from the twin's request log (writes as the kit counts
 *   them: POST, PUT, PATCH, DELETE and GraphQL mutations; reads are every other answered request), against the
 *   fewest the vendor's documented endpoints allow (bench/comments-minimums.ts);
 * - the same for an unchanged re-scan: the pull request reconciled again with nothing changed (target: 0 writes);
 * - wall time with 20 ms added to every twin answer (`twin.faults.latencyMs`): from the upload to the
 *   reconciliation's end (queue pick-up and scan processing included), and the reconciliation job alone.
 *
 *   npm run bench:comments
 *   npx tsx bench/comments.ts [--findings 1,50,500] [--kinds github,gitlab] [--latency 20] [--detail]
 *
 * `--detail` lists the calls of each reconciliation by endpoint (ids and shas folded into `{id}`), with the status
 * of the refused ones.
 *   bash scripts/with-postgres.sh npm run bench:comments     # on PostgreSQL
 *
 * The world is `startFamilies` (test/findings/scan-families.ts): one service, the five twin families connected;
 * each family's pull requests are opened and read through its kit (test/comments/kits/<kind>.ts).
 */
import { parseArgs } from 'node:util';
import { commentsReconcileJobKind } from '../src/comments/job.js';
import type { Db } from '../src/db/database.js';
import { enqueueJob } from '../src/jobs/jobs.js';
import type { PullRequestKit } from '../test/comments/pull-request-kit.js';
import {
  familyKinds,
  startFamilies,
  type FamiliesWorld,
  type Family,
  type FamilyKind,
} from '../test/findings/scan-families.js';
import { loadKitFactory } from './comments-kits.js';
import { documentedMinimums, type CallCount } from './comments-minimums.js';
import { benchLog } from './comments-log.js';

const { values: args } = parseArgs({
  options: {
    findings: { type: 'string', default: '1,50,500' },
    kinds: { type: 'string', default: familyKinds.join(',') },
    latency: { type: 'string', default: '20' },
    detail: { type: 'boolean', default: false },
  },
});
const counts = args.findings.split(',').map(Number);
if (counts.some((n) => !Number.isInteger(n) || n < 1 || n > 5000))
  throw new Error('--findings takes whole numbers from 1 to 5000, separated by commas.');
const kinds = args.kinds.split(',') as FamilyKind[];
const unknownKind = kinds.find((kind) => !(familyKinds as readonly string[]).includes(kind));
if (unknownKind) throw new Error(`--kinds: ${unknownKind} is not one of ${familyKinds.join(', ')}.`);
const latencyMs = Number(args.latency);
if (!Number.isInteger(latencyMs) || latencyMs < 0) throw new Error('--latency takes whole milliseconds.');

/** One reconciliation as measured. */
interface Phase {
  readonly calls: CallCount;
  readonly minimum: CallCount;
  /** From the action (upload, or queueing the re-scan) to the reconciliation's end. */
  readonly wallMs: number;
  /** The reconciliation job's own run. */
  readonly jobMs: number;
  /** Of `calls`, how many arrived while the reconciliation job ran (the rest: scan processing, token minting). */
  readonly duringJob: number;
  /** What the job said it did (created, edited, …), or why it did nothing. */
  readonly outcome: string;
  /** Calls by method and endpoint, most first. */
  readonly endpoints: readonly (readonly [string, number])[];
}

interface CaseResult {
  readonly kind: FamilyKind;
  readonly findings: number;
  readonly first: Phase;
  readonly rescan: Phase;
  /** Threads of the pull request afterwards, as the twin holds them. */
  readonly threads: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 600_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** No job of the account queued or running, and the twin quiet for 300 ms: what comes next is ours alone. */
async function settle(db: Db, accountId: string, family: Family): Promise<void> {
  await waitUntil('the queue to empty', async () => {
    const busy = await db
      .selectFrom('jobs')
      .select('id')
      .where('account_id', '=', accountId)
      .where('status', 'in', ['queued', 'running'])
      .executeTakeFirst();
    return busy ? undefined : true;
  });
  let seen = family.twin.log.length;
  await waitUntil('the twin to go quiet', async () => {
    await sleep(300);
    const now = family.twin.log.length;
    if (now === seen) return true;
    seen = now;
    return undefined;
  });
}

/** The reconciliation job of `scanId` (the latest, when it ran twice) once it has finished. */
async function reconciled(db: Db, accountId: string, scanId: string, after: string) {
  return waitUntil(`the comments of scan ${scanId}`, async () => {
    const job = await db
      .selectFrom('jobs')
      .select(['status', 'result', 'last_error', 'started_at', 'finished_at'])
      .where('account_id', '=', accountId)
      .where('kind', '=', commentsReconcileJobKind)
      .where('payload', 'like', `%${scanId}%`)
      .where('created_at', '>=', after)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    if (!job || !['succeeded', 'failed', 'cancelled'].includes(job.status)) return undefined;
    return job;
  });
}

/** Uploads the log as a CI job does (the admin's session stands in for the CI token); answers the scan's id. */
async function upload(
  world: FamiliesWorld,
  family: Family,
  pr: { number: number; headSha: string; baseSha: string },
  branch: string,
  log: string,
): Promise<string> {
  const query = new URLSearchParams({
    repository: family.ciRepositoryUrl,
    commit: pr.headSha,
    branch,
    pullRequest: String(pr.number),
    baseCommit: pr.baseSha,
    baseBranch: 'main',
  });
  const answer = await world.admin.post<{ scan?: { id: string } }>(
    `/api/v1/accounts/${world.accountId}/scans?${query.toString()}`,
    log,
    { 'content-type': 'application/sarif+json' },
  );
  if (answer.status !== 202 || !answer.body.scan) throw new Error(`upload: ${answer.status} ${answer.text}`);
  return answer.body.scan.id;
}

/** A path with its numbers, shas and GUIDs folded, so the calls of one endpoint count together. */
const endpointOf = (path: string): string =>
  path
    .split('/')
    .map((segment) =>
      /^(\d+|[0-9a-f]{7,40}(\.\.[0-9a-f]{7,40})?|[0-9a-f-]{36})$/i.test(segment) ? '{id}' : segment,
    )
    .join('/');

/** The job's result in a few words: what it wrote, or why it did nothing. */
function outcomeOf(result: string | null): string {
  if (result === null) return 'done';
  const parsed = JSON.parse(result) as Record<string, unknown>;
  if (typeof parsed.skipped === 'string') return `skipped: ${parsed.skipped}`;
  const keys = ['created', 'edited', 'resolved', 'deleted', 'folded', 'summary', 'status'];
  return keys
    .filter((key) => key in parsed)
    .map((key) => `${key} ${String(parsed[key])}`)
    .join(', ');
}

/** Runs `act`, then waits for the reconciliation; counts the twin's answers in between. */
async function measure(
  world: FamiliesWorld,
  family: Family,
  kit: PullRequestKit,
  minimum: CallCount,
  act: () => Promise<string>,
): Promise<Phase> {
  const db = world.service.database.db;
  const logBefore = family.twin.log.length;
  const writesBefore = kit.writes();
  const after = new Date(Date.now() - 1).toISOString();
  const started = performance.now();
  const scanId = await act();
  const job = await reconciled(db, world.accountId, scanId, after);
  const wallMs = performance.now() - started;
  const writes = kit.writes() - writesBefore;
  const calls = { reads: family.twin.log.length - logBefore - writes, writes };
  const jobStart = job.started_at ? Date.parse(job.started_at) : Number.NaN;
  const jobEnd = job.finished_at ? Date.parse(job.finished_at) : Number.NaN;
  const jobMs = jobEnd - jobStart;
  const duringJob = family.twin.log
    .slice(logBefore)
    .filter((entry) => entry.at >= jobStart && entry.at <= jobEnd).length;
  const outcome =
    job.status === 'succeeded' ? outcomeOf(job.result) : `${job.status}: ${job.last_error ?? 'no message'}`;
  const endpoints = new Map<string, number>();
  for (const entry of family.twin.log.slice(logBefore)) {
    const refused = entry.status >= 400 || entry.status === 0 ? ` → ${entry.status}` : '';
    const key = `${entry.method} ${endpointOf(entry.path)}${refused}`;
    endpoints.set(key, (endpoints.get(key) ?? 0) + 1);
  }
  const byCount = [...endpoints].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return { calls, minimum, wallMs, jobMs, duringJob, outcome, endpoints: byCount };
}

async function runCase(
  world: FamiliesWorld,
  family: Family,
  kit: PullRequestKit,
  findings: number,
): Promise<CaseResult> {
  const db = world.service.database.db;
  const branch = `bench-comments-${findings}`;
  const path = `src/bench-${findings}.js`;
  const source = Array.from({ length: findings }, (_, i) => `export const value${i} = eval(input${i});`);
  await settle(db, world.accountId, family);
  const pr = await kit.openPullRequest(branch, { [path]: `${source.join('\n')}\n` });
  await settle(db, world.accountId, family);
  const shape = { findings, files: 1, ours: 0 };
  const minimums = documentedMinimums[family.kind];
  family.twin.faults.latencyMs = latencyMs;
  try {
    let scanId = '';
    const first = await measure(world, family, kit, minimums.firstScan(shape), async () => {
      scanId = await upload(world, family, pr, branch, benchLog(path, findings));
      return scanId;
    });
    await settle(db, world.accountId, family);
    // Nothing changed: the same scan of the same head, reconciled again as a new scan of it would be.
    const rescan = await measure(
      world,
      family,
      kit,
      minimums.rescan({ ...shape, ours: findings + 1 }),
      async () => {
        await enqueueJob(db, {
          accountId: world.accountId,
          kind: commentsReconcileJobKind,
          payload: { scanId, connectionId: family.repository.connectionId },
          idempotencyKey: `bench-rescan:${scanId}`,
        });
        return scanId;
      },
    );
    return { kind: family.kind, findings, first, rescan, threads: (await kit.threads(pr.number)).length };
  } finally {
    family.twin.faults.latencyMs = 0;
  }
}

const fmtCalls = (phase: Phase) =>
  `${phase.calls.reads} r / ${phase.calls.writes} w (min ${phase.minimum.reads} r / ${phase.minimum.writes} w; ` +
  `${phase.duringJob} in the job)`;
const fmtMs = (ms: number) => (Number.isNaN(ms) ? '—' : `${Math.round(ms)} ms`);

function report(results: readonly CaseResult[]): void {
  const rows = results.map((r) => [
    r.kind,
    String(r.findings),
    fmtCalls(r.first),
    fmtMs(r.first.wallMs),
    fmtMs(r.first.jobMs),
    fmtCalls(r.rescan),
    fmtMs(r.rescan.wallMs),
    r.rescan.calls.writes === 0 ? 'yes' : 'NO',
    String(r.threads),
  ]);
  const header = [
    'SCM',
    'findings',
    'first scan: calls',
    'wall',
    'job',
    'unchanged re-scan: calls',
    'wall',
    '0 writes',
    'threads',
  ];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
  console.log('\nWhat each reconciliation reported:');
  for (const r of results) {
    console.log(`  ${r.kind} ${r.findings}: first ${r.first.outcome}; re-scan ${r.rescan.outcome}`);
  }
  if (args.detail) {
    console.log('\nCalls by endpoint:');
    for (const r of results) {
      for (const [name, phase] of [
        ['first', r.first],
        ['re-scan', r.rescan],
      ] as const) {
        console.log(`  ${r.kind} ${r.findings} ${name}:`);
        for (const [endpoint, n] of phase.endpoints) console.log(`    ${String(n).padStart(5)}  ${endpoint}`);
      }
    }
  }
  console.log('\nDocumented minimums:');
  for (const kind of new Set(results.map((r) => r.kind))) {
    console.log(`  ${kind}: ${documentedMinimums[kind].basis}`);
  }
}

async function main(): Promise<void> {
  console.log(
    `bench:comments — ${kinds.join(', ')}; ${counts.join(', ')} findings; ${latencyMs} ms added to every twin answer`,
  );
  const started = performance.now();
  const world = await startFamilies({ 'README.md': '# bench\n' });
  console.log(`world ready in ${Math.round(performance.now() - started)} ms\n`);
  const results: CaseResult[] = [];
  const failures: string[] = [];
  try {
    for (const kind of kinds) {
      const family = world.families[kind];
      let kit: PullRequestKit;
      try {
        kit = await (await loadKitFactory(kind))(world, family);
      } catch (error) {
        failures.push(`${kind}: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      for (const findings of counts) {
        try {
          results.push(await runCase(world, family, kit, findings));
        } catch (error) {
          failures.push(`${kind} ${findings}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
  } finally {
    await world.close();
  }
  report(results);
  if (failures.length > 0) {
    console.log('\nNot measured:');
    for (const failure of failures) console.log(`  ${failure}`);
    process.exitCode = 1;
  }
}

await main();
