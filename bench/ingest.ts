/**
 * bench/ingest: a generated SARIF log of 25,000 results (scanner fingerprints, 250 rules, 2,500 files, related
 * locations on a tenth of them) stored as a scan the way the upload stores it (gzip, base64), then processed into
 * findings with states computed. Timed from storing the scan to the scan marked processed; peak RSS is the
 * process's (each engine runs in its own child process, so the figures do not mix). A second scan of the same
 * branch at another commit, a tenth of the results gone and a tenth new, measures the update path (upserts,
 * fixed). Runs on SQLite and, when TEST_DATABASE_URL or `--pg URL` is given, on PostgreSQL.
 *
 *   npm run bench:ingest
 *   bash scripts/with-postgres.sh npm run bench:ingest
 *   npx tsx bench/ingest.ts [--results 25000] [--pg postgres://…]
 *
 * Target on SQLite: ≥ 10,000 results/s and < 400 MB peak RSS.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { createAccount } from '../src/db/accounts.js';
import { migrateToLatest, openDatabase, type Db, type Engine } from '../src/db/database.js';
import { insertConnection } from '../src/db/connections.js';
import { upsertOrganization, upsertRepositories } from '../src/db/inventory.js';
import { createUser } from '../src/db/users.js';
import { processScan } from '../src/findings/process-scan.js';

const { values: args } = parseArgs({
  options: {
    results: { type: 'string', default: '25000' },
    pg: { type: 'string' },
    child: { type: 'string' },
  },
});
const resultCount = Number(args.results);
if (!Number.isInteger(resultCount) || resultCount < 1)
  throw new Error('--results takes a positive whole number.');
const postgresUrl = args.pg ?? process.env.TEST_DATABASE_URL;

/** The generated log: result n is rule n % 250 in file n % 2,500; `shift` renames a tenth of the findings. */
function generateLog(count: number, shift: number): string {
  const rules = Array.from({ length: 250 }, (_, n) => ({
    id: `bench/rule-${n}`,
    name: `BenchRule${n}`,
    shortDescription: { text: `Rule ${n} finds a generated problem` },
    fullDescription: { text: `A longer description of generated rule ${n}.` },
    help: { text: `Fix rule ${n} problems.`, markdown: `**Fix** rule ${n} problems.` },
    defaultConfiguration: { level: n % 3 === 0 ? 'error' : 'warning' },
    properties: { 'security-severity': String((n % 100) / 10 + 0.1), tags: ['security', `cwe-${n}`] },
  }));
  const results = Array.from({ length: count }, (_, n) => {
    const id = n % 10 === 0 && shift > 0 ? `${n}-v${shift}` : String(n);
    const line = 10 + (n % 400) + shift;
    return {
      ruleId: `bench/rule-${n % 250}`,
      ruleIndex: n % 250,
      message: { text: `Generated finding ${id} flows from a source to a sink.` },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: `src/module-${n % 2500}/file.ts`, uriBaseId: '%SRCROOT%' },
            region: { startLine: line, startColumn: 3, endLine: line + 1, endColumn: 20 },
          },
        },
      ],
      fingerprints: { 'matchBasedId/v1': `bench-${id}` },
      ...(n % 10 === 5
        ? {
            relatedLocations: [
              {
                id: 1,
                message: { text: 'the source' },
                physicalLocation: {
                  artifactLocation: { uri: `src/module-${(n + 1) % 2500}/source.ts` },
                  region: { startLine: 4 },
                },
              },
            ],
          }
        : {}),
    };
  });
  return JSON.stringify({
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'BenchScanner', version: '1.0.0', rules } }, results }],
  });
}

async function seed(db: Db): Promise<{ accountId: string; connectionId: string; repositoryId: string }> {
  const user = await createUser(db, { email: 'bench@example.com', name: 'Bench', passwordHash: 'scrypt$x' });
  const account = await createAccount(db, 'Bench', user.id);
  const connectionId = randomUUID();
  const now = new Date().toISOString();
  await insertConnection(db, {
    id: connectionId,
    accountId: account.id,
    kind: 'gitlab-self-managed',
    name: 'GitLab',
    baseUrl: 'https://gitlab.example.com',
    target: 'acme',
    settings: {},
    tokenEncrypted: null,
    caPem: null,
  });
  const scope = { accountId: account.id, connectionId };
  const organizationId = await upsertOrganization(db, scope, {
    externalId: '1',
    name: 'acme',
    webUrl: 'https://gitlab.example.com/acme',
  });
  await upsertRepositories(db, { ...scope, organizationId, syncedAt: now }, [
    {
      externalId: '10',
      name: 'api',
      fullName: 'acme/api',
      defaultBranch: 'main',
      visibility: 'private',
      archived: false,
      webUrl: 'https://gitlab.example.com/acme/api',
    },
  ]);
  const repository = await db.selectFrom('repositories').select('id').executeTakeFirstOrThrow();
  return { ...scope, repositoryId: repository.id };
}

/** Stores the log as the upload does (gzip, base64, one row per run) and processes it; milliseconds. */
async function ingest(
  db: Db,
  scope: { accountId: string; connectionId: string; repositoryId: string },
  commit: string,
  shift: number,
): Promise<{ ms: number; summary: unknown }> {
  let text: string | undefined = generateLog(resultCount, shift);
  const started = performance.now();
  const scanId = randomUUID();
  const logBytes = Buffer.byteLength(text);
  const stored = gzipSync(text).toString('base64');
  text = undefined;
  await db
    .insertInto('scans')
    .values({
      id: scanId,
      account_id: scope.accountId,
      connection_id: scope.connectionId,
      repository_id: scope.repositoryId,
      commit_sha: commit,
      branch: 'main',
      pull_request_number: null,
      base_commit_sha: null,
      base_branch: null,
      dedupe_key: commit,
      status: 'queued',
      error_code: null,
      error_message: null,
      log_gzip_base64: stored,
      log_bytes: logBytes,
      result_count: resultCount,
      summary: null,
      uploaded_by_user_id: null,
      uploaded_by_token_id: null,
      created_at: new Date().toISOString(),
      processed_at: null,
    })
    .execute();
  await db
    .insertInto('scan_runs')
    .values({
      id: randomUUID(),
      account_id: scope.accountId,
      scan_id: scanId,
      run_index: 0,
      tool_name: 'BenchScanner',
      tool_version: '1.0.0',
      category: '',
      result_count: resultCount,
    })
    .execute();
  const summary = await processScan(
    { db, withFiles: (_scope, use) => use(undefined, 'The bench reads no file.') },
    scope.accountId,
    scanId,
  );
  return { ms: performance.now() - started, summary };
}

interface ChildLine {
  readonly engine: Engine;
  readonly firstMs: number;
  readonly secondMs: number;
  readonly peakRssMb: number;
  readonly first: unknown;
  readonly second: unknown;
}

async function runChild(engine: Engine): Promise<ChildLine> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'scm-connect-bench-ingest-'));
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  const handle =
    engine === 'postgres'
      ? await openDatabase({ databaseUrl: postgresUrl!, dataDir, schema })
      : await openDatabase({ dataDir });
  try {
    await migrateToLatest(handle);
    const scope = await seed(handle.db);
    const first = await ingest(handle.db, scope, 'a'.repeat(40), 0);
    const second = await ingest(handle.db, scope, 'b'.repeat(40), 1);
    return {
      engine,
      firstMs: first.ms,
      secondMs: second.ms,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      first: first.summary,
      second: second.summary,
    };
  } finally {
    await handle.close();
    if (engine === 'postgres') {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`).finally(() => client.end());
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (args.child === 'sqlite' || args.child === 'postgres') {
  console.log(JSON.stringify(await runChild(args.child)));
} else {
  const engines: Engine[] = ['sqlite', ...(postgresUrl ? (['postgres'] as const) : [])];
  console.log(
    `bench/ingest: ${resultCount.toLocaleString('en-US')} results (scanner fingerprints), stored as a scan and ` +
      'processed; then a second scan of the branch (a tenth gone, a tenth new). Each engine in its own process.',
  );
  if (!postgresUrl) console.log('PostgreSQL skipped: set TEST_DATABASE_URL or pass --pg URL');
  console.log('');
  console.log(
    `${'engine'.padEnd(10)}${'1st results/s'.padStart(15)}${'2nd results/s'.padStart(15)}${'peak RSS MB'.padStart(13)}`,
  );
  let failed = false;
  for (const engine of engines) {
    const child = spawnSync(
      process.execPath,
      [
        ...process.execArgv,
        fileURLToPath(import.meta.url),
        '--child',
        engine,
        '--results',
        String(resultCount),
      ],
      {
        encoding: 'utf8',
        env: { ...process.env, ...(postgresUrl ? { TEST_DATABASE_URL: postgresUrl } : {}) },
      },
    );
    const last = child.stdout.trim().split('\n').at(-1);
    if (child.status !== 0 || !last) {
      failed = true;
      console.log(`${engine.padEnd(10)}failed: ${child.stderr.trim().split('\n').slice(-5).join(' | ')}`);
      continue;
    }
    const line = JSON.parse(last) as ChildLine;
    const rate = (ms: number) => Math.round((resultCount / ms) * 1000).toLocaleString('en-US');
    console.log(
      `${engine.padEnd(10)}${rate(line.firstMs).padStart(15)}${rate(line.secondMs).padStart(15)}` +
        `${Math.round(line.peakRssMb).toLocaleString('en-US').padStart(13)}`,
    );
    const second = line.second as { new?: number; fixed?: number; open?: number };
    console.log(`${''.padEnd(10)}second scan: ${second.open} open, ${second.new} new, ${second.fixed} fixed`);
  }
  process.exitCode = failed ? 1 : 0;
}
