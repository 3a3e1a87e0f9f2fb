import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll } from 'vitest';
import { insertConnection as insertConnectionRow } from '../../../src/db/connections.js';
import type { Db } from '../../../src/db/database.js';
import { setUpAdmin, type ApiAnswer, type ApiClient } from '../../helpers/api-client.js';
import { startTestService, type TestService } from '../../helpers/service.js';
import { startKits, tokenKinds, type TokenKind, type TwinKit } from '../../helpers/twin-kits.js';
import {
  connectOk,
  loopbackEnv,
  waitForFirstSync,
  type ConnectionView,
  type RepositoryView,
} from '../connections/connections-api.js';

/** A scan as the API answers it. */
export interface ScanView {
  id: string;
  status: 'queued' | 'processing' | 'processed' | 'failed';
  repository: { id: string; fullName: string; connectionId: string };
  commitSha: string;
  branch: string | null;
  pullRequestNumber: number | null;
  baseCommitSha: string | null;
  baseBranch: string | null;
  runs: { tool: string; version: string | null; category: string; resultCount: number }[];
  resultCount: number;
  createdAt: string;
  processedAt: string | null;
  summary: unknown;
  error: { code: string; message: string } | null;
  url: string;
}

export interface UploadAnswer {
  scan: ScanView;
  duplicate: boolean;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** A connection written straight into the database, with its repositories (for kinds no twin kit covers). */
export interface InsertedConnection {
  readonly id: string;
  readonly repositories: Record<string, string>;
}

export async function insertConnection(
  db: Db,
  accountId: string,
  input: { kind: string; name: string; baseUrl: string; target: string; repositories: readonly string[] },
): Promise<InsertedConnection> {
  const now = new Date().toISOString();
  const id = randomUUID();
  await insertConnectionRow(db, {
    id,
    accountId,
    kind: input.kind,
    name: input.name,
    baseUrl: input.baseUrl,
    target: input.target,
    settings: {},
    tokenEncrypted: null,
    caPem: null,
  });
  const organizationId = randomUUID();
  await db
    .insertInto('organizations')
    .values({
      id: organizationId,
      account_id: accountId,
      connection_id: id,
      external_id: input.target,
      name: input.target,
      web_url: `${input.baseUrl}/${input.target}`,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const repositories: Record<string, string> = {};
  for (const [i, fullName] of input.repositories.entries()) {
    const repositoryId = randomUUID();
    repositories[fullName] = repositoryId;
    await db
      .insertInto('repositories')
      .values({
        id: repositoryId,
        account_id: accountId,
        connection_id: id,
        organization_id: organizationId,
        external_id: String(i + 1),
        name: fullName.split('/').at(-1)!,
        full_name: fullName,
        default_branch: 'main',
        visibility: 'private',
        archived: 0,
        web_url: `${input.baseUrl}/${fullName}`,
        synced_at: now,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
  return { id, repositories };
}

export interface ScansWorld {
  readonly service: TestService;
  readonly admin: ApiClient;
  readonly accountId: string;
  readonly db: Db;
  /** Twin-synced connections, when the world was started with kits. */
  readonly kits: Record<TokenKind, TwinKit>;
  readonly connections: Record<TokenKind, ConnectionView>;
  /** Every repository of the account, by connection kind and full name. */
  readonly repositories: RepositoryView[];
  readonly github: InsertedConnection;
  readonly enterprise: InsertedConnection;
}

/**
 * The service with an admin, a GitHub and a GitHub Enterprise Server connection written into the database and,
 * with `kits`, a twin-synced connection of each token kind. The worker is stopped once the syncs are done, so
 * uploaded scans stay as the upload left them (processing is tested elsewhere).
 */
export function useScansWorld(options: { kits: boolean }): ScansWorld {
  const world = {} as { -readonly [K in keyof ScansWorld]: ScansWorld[K] };
  let closeKits: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const started = options.kits ? await startKits() : undefined;
    closeKits = started?.close;
    world.service = await startTestService(
      { ...loopbackEnv, ...started?.env, ...(options.kits ? {} : { SCM_CONNECT_WORKER: 'false' }) },
      { workerPollMs: 50 },
    );
    const { client, session } = await setUpAdmin(world.service);
    world.admin = client;
    world.accountId = session.currentAccountId!;
    world.db = world.service.database.db;
    world.connections = {} as Record<TokenKind, ConnectionView>;
    if (started) {
      world.kits = started.kits;
      for (const kind of tokenKinds)
        world.connections[kind] = await connectOk(client, world.accountId, started.kits[kind].connectBody());
      for (const kind of tokenKinds)
        await waitForFirstSync(client, world.accountId, world.connections[kind].id);
      await world.service.background?.stop({ timeoutMs: 5_000 });
    }
    world.github = await insertConnection(world.db, world.accountId, {
      kind: 'github',
      name: 'acme on GitHub',
      baseUrl: 'https://github.com',
      target: 'acme',
      repositories: ['acme/web-shop', 'acme/Payments'],
    });
    world.enterprise = await insertConnection(world.db, world.accountId, {
      kind: 'github-enterprise',
      name: 'acme on GHES',
      baseUrl: 'https://ghe.example.com',
      target: 'acme',
      repositories: ['acme/web-shop', 'acme/ledger'],
    });
    const listed = await client.get<{ items: RepositoryView[] }>(
      `/api/v1/accounts/${world.accountId}/repositories?limit=500`,
    );
    world.repositories = listed.body.items;
  }, 120_000);
  afterAll(async () => {
    await world.service?.close();
    await closeKits?.();
  });
  return world;
}

/** Uploads a log as a CI job does: the raw body, the context in the query string. */
export async function upload(
  client: ApiClient,
  accountId: string,
  log: unknown,
  options: {
    query?: Record<string, string>;
    gzip?: boolean;
    headers?: Record<string, string>;
    body?: Buffer | string;
  } = {},
): Promise<ApiAnswer<UploadAnswer>> {
  const text = typeof log === 'string' ? log : JSON.stringify(log);
  const body = options.body ?? (options.gzip ? gzipSync(text) : text);
  const headers: Record<string, string> = {
    'content-type': 'application/sarif+json',
    ...(options.gzip ? { 'content-encoding': 'gzip' } : {}),
    ...options.headers,
  };
  if (client.bearer) headers.authorization = `Bearer ${client.bearer}`;
  else if (client.cookie) {
    headers.cookie = client.cookie;
    headers.origin = client.baseUrl;
    if (client.csrfToken) headers['x-csrf-token'] = client.csrfToken;
  }
  const query = new URLSearchParams(options.query ?? {}).toString();
  const response = await fetch(
    `${client.baseUrl}/api/v1/accounts/${accountId}/scans${query ? `?${query}` : ''}`,
    {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : new Uint8Array(body),
    },
  );
  const answerText = await response.text();
  let parsed: unknown = answerText;
  try {
    parsed = JSON.parse(answerText);
  } catch {
    // kept as text
  }
  return {
    status: response.status,
    headers: response.headers,
    body: parsed as UploadAnswer,
    text: answerText,
  };
}

/** How many rows each intake table holds for the account: what a refused upload must leave unchanged. */
export async function countIntakeRows(
  db: Db,
  accountId: string,
): Promise<{ scans: number; scanRuns: number; jobs: number }> {
  const n = (row: { n: string | number }) => Number(row.n);
  const scans = await db
    .selectFrom('scans')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  const scanRuns = await db
    .selectFrom('scan_runs')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  const jobs = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('account_id', '=', accountId)
    .where('kind', '=', 'scan.process')
    .executeTakeFirstOrThrow();
  return { scans: n(scans), scanRuns: n(scanRuns), jobs: n(jobs) };
}
