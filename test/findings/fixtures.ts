import { createHash, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { createAccount } from '../../src/db/accounts.js';
import { insertConnection } from '../../src/db/connections.js';
import type { Db } from '../../src/db/database.js';
import { upsertOrganization, upsertRepositories } from '../../src/db/inventory.js';
import { createUser } from '../../src/db/users.js';
import type { ScanFileReader } from '../../src/findings/process/file-lines.js';
import { processScan, type ScanSummary } from '../../src/findings/process-scan.js';

export interface Seeded {
  readonly accountId: string;
  readonly userId: string;
  readonly connectionId: string;
  readonly repositoryId: string;
  readonly fullName: string;
}

/** An account with a GitLab connection and one repository (`acme/api`, default branch `main`). */
export async function seedRepository(
  db: Db,
  input: {
    name?: string;
    kind?: string;
    baseUrl?: string;
    fullName?: string;
    userId?: string;
    /** An account there already (the test service's); a new one otherwise. */
    accountId?: string;
  } = {},
): Promise<Seeded> {
  const name = input.name ?? 'Acme';
  const userId =
    input.userId ??
    (
      await createUser(db, {
        email: `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.com`,
        name: `${name} Admin`,
        passwordHash: 'scrypt$x',
      })
    ).id;
  const account = input.accountId ? { id: input.accountId } : await createAccount(db, name, userId);
  const connectionId = randomUUID();
  const now = new Date().toISOString();
  await insertConnection(db, {
    id: connectionId,
    accountId: account.id,
    kind: input.kind ?? 'gitlab-self-managed',
    name: 'GitLab',
    baseUrl: input.baseUrl ?? 'https://gitlab.example.com',
    target: 'acme',
    settings: {},
    tokenEncrypted: null,
    caPem: null,
  });
  const scope = { accountId: account.id, connectionId };
  const organizationId = await upsertOrganization(db, scope, {
    externalId: '100',
    name: 'acme',
    webUrl: 'https://gitlab.example.com/acme',
  });
  const fullName = input.fullName ?? 'acme/api';
  await upsertRepositories(db, { ...scope, organizationId, syncedAt: now }, [
    {
      externalId: '1000',
      name: fullName.split('/').pop()!,
      fullName,
      defaultBranch: 'main',
      visibility: 'private',
      archived: false,
      webUrl: `https://gitlab.example.com/${fullName}`,
    },
  ]);
  const repository = await db
    .selectFrom('repositories')
    .select('id')
    .where('account_id', '=', account.id)
    .where('connection_id', '=', connectionId)
    .executeTakeFirstOrThrow();
  return { accountId: account.id, userId, connectionId, repositoryId: repository.id, fullName };
}

export const sha = (seed: string): string => createHash('sha1').update(seed).digest('hex');

export interface ScanInput {
  readonly commitSha: string;
  readonly branch?: string | null;
  readonly pullRequestNumber?: number;
  readonly baseBranch?: string;
  readonly log: unknown;
}

/** Counts scans stored by {@link storeScan}, so that each is newer than the one before. */
let clock = Date.parse('2030-01-01T00:00:00.000Z');

/** Stores a scan (with its runs and its log gzipped, base64) as the upload would. */
export async function storeScan(db: Db, seeded: Seeded, input: ScanInput): Promise<string> {
  const id = randomUUID();
  const text = JSON.stringify(input.log);
  const runs = ((input.log as { runs?: unknown[] }).runs ?? []) as {
    tool?: { driver?: { name?: string; version?: string } };
    automationDetails?: { id?: string };
    results?: unknown[];
  }[];
  clock += 1000;
  await db
    .insertInto('scans')
    .values({
      id,
      account_id: seeded.accountId,
      connection_id: seeded.connectionId,
      repository_id: seeded.repositoryId,
      commit_sha: input.commitSha,
      branch: input.branch === undefined ? 'main' : input.branch,
      pull_request_number: input.pullRequestNumber ?? null,
      base_commit_sha: null,
      base_branch: input.baseBranch ?? null,
      dedupe_key: randomUUID(),
      status: 'queued',
      error_code: null,
      error_message: null,
      log_gzip_base64: gzipSync(text).toString('base64'),
      log_bytes: Buffer.byteLength(text),
      result_count: runs.reduce((sum, run) => sum + (run.results?.length ?? 0), 0),
      summary: null,
      uploaded_by_user_id: null,
      uploaded_by_token_id: null,
      created_at: new Date(clock).toISOString(),
      processed_at: null,
    })
    .execute();
  if (runs.length > 0) {
    await db
      .insertInto('scan_runs')
      .values(
        runs.map((run, index) => {
          const automation = run.automationDetails?.id;
          return {
            id: randomUUID(),
            account_id: seeded.accountId,
            scan_id: id,
            run_index: index,
            tool_name: run.tool?.driver?.name ?? 'unknown',
            tool_version: run.tool?.driver?.version ?? null,
            category: automation ? automation.slice(0, Math.max(0, automation.lastIndexOf('/'))) : '',
            result_count: run.results?.length ?? 0,
          };
        }),
      )
      .execute();
  }
  return id;
}

/** A repository's files by commit, read through `readFile` as a provider's `files` would; reads are counted. */
export class FakeFiles implements ScanFileReader {
  readonly commits = new Map<string, Map<string, string>>();
  reads = 0;

  set(commitSha: string, files: Record<string, string>): void {
    this.commits.set(commitSha, new Map(Object.entries(files)));
  }

  async readFile(
    _repository: { externalId: string; fullName: string },
    commitSha: string,
    path: string,
  ): Promise<{ content: Buffer; blobId: string } | undefined> {
    this.reads += 1;
    const content = this.commits.get(commitSha)?.get(path);
    if (content === undefined) return undefined;
    return {
      content: Buffer.from(content),
      blobId: createHash('sha1').update(`blob ${content}`).digest('hex'),
    };
  }
}

/** Processes a stored scan with `files` as the connection's reader (none: the connection reads no file). */
export async function process(
  db: Db,
  seeded: Seeded,
  scanId: string,
  files?: ScanFileReader,
): Promise<ScanSummary> {
  const summary = await processScan(
    { db, withFiles: (_scope, use) => use(files, files ? '' : 'The test connection cannot read files.') },
    seeded.accountId,
    scanId,
  );
  if ('skipped' in summary) throw new Error(summary.skipped);
  return summary;
}

/** Stores and processes a scan in one step. */
export async function scanAndProcess(
  db: Db,
  seeded: Seeded,
  input: ScanInput,
  files?: ScanFileReader,
): Promise<{ scanId: string; summary: ScanSummary }> {
  const scanId = await storeScan(db, seeded, input);
  return { scanId, summary: await process(db, seeded, scanId, files) };
}

/** The findings of the repository, by rule and path, for assertions. */
export async function findingsOf(db: Db, seeded: Seeded, branch = 'main') {
  return db
    .selectFrom('findings')
    .selectAll()
    .where('account_id', '=', seeded.accountId)
    .where('repository_id', '=', seeded.repositoryId)
    .where('branch', '=', branch)
    .orderBy('rule_id')
    .orderBy('start_line')
    .execute();
}

export async function eventsOf(db: Db, findingId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('finding_events')
    .select(['kind'])
    .where('finding_id', '=', findingId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((row) => row.kind);
}

/** A SARIF log of one or more runs. */
export const sarifLog = (...runs: unknown[]) => ({
  version: '2.1.0',
  $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
  runs,
});
