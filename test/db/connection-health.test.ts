import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Migrator, type Kysely } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  insertConnection,
  listConnections,
  moveBaseUrl,
  recordSyncFailure,
  recordSyncSuccess,
  recordTestOutcome,
} from '../../src/db/connections.js';
import { migrateToLatest, openDatabase, type DatabaseHandle, type Engine } from '../../src/db/database.js';
import { migrationProvider } from '../../src/db/migrations.js';
import {
  createTestDatabase,
  describeEachEngine,
  dropSchema,
  testPostgresUrl,
  uniqueSchema,
  type TestDatabase,
} from '../helpers/database.js';
import { twoAccounts } from '../jobs/fixtures.js';

/** A database of `engine` brought only up to `migration`, as an older release left it. */
async function databaseAt(engine: Engine, migration: string) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'scm-connect-db-'));
  const databaseUrl = engine === 'postgres' ? testPostgresUrl() : undefined;
  const schema = databaseUrl ? uniqueSchema() : undefined;
  const handle: DatabaseHandle = await openDatabase({
    databaseUrl,
    dataDir,
    ...(schema ? { schema } : {}),
  });
  const migrator = new Migrator({
    db: handle.db,
    provider: migrationProvider,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error } = await migrator.migrateTo(migration);
  if (error) throw error;
  return {
    handle,
    close: async () => {
      await handle.close();
      if (databaseUrl && schema) await dropSchema(databaseUrl, schema);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A connection row as release 0003 stored it. */
interface OldConnection {
  id: string;
  account_id: string;
  kind: string;
  name: string;
  base_url: string;
  target: string;
  status: string;
  settings: string;
  token_encrypted: string | null;
  ca_pem: string | null;
  token_updated_at: string | null;
  last_test: string | null;
  created_at: string;
  updated_at: string;
  last_synced_at: string | null;
  sync_error: string | null;
}

const oldRow = (accountId: string, id: string, fields: Partial<OldConnection>): OldConnection => ({
  id,
  account_id: accountId,
  kind: 'gitlab',
  name: id,
  base_url: 'https://gitlab.com',
  target: id,
  status: 'connected',
  settings: '{}',
  token_encrypted: null,
  ca_pem: null,
  token_updated_at: null,
  last_test: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-02T00:00:00.000Z',
  last_synced_at: null,
  sync_error: null,
  ...fields,
});

const failedReport = JSON.stringify({
  ok: false,
  status: 'fail',
  checkedAt: '2026-01-01T12:00:00.000Z',
  reachable: { status: 'ok', message: 'GitLab answered.' },
  target: { status: 'fail', message: 'GitLab refused the token.', fix: 'Create a new token.' },
  capabilities: [],
});

describeEachEngine('connection health', (engine) => {
  it('migrates old rows: error becomes needs_attention with the failing line, a sync error gets a code', async () => {
    const old = await databaseAt(engine, '0003_inventory');
    try {
      const { acme } = await twoAccounts(old.handle.db);
      // The status `error` is what that release wrote.
      const oldDb = old.handle.db as unknown as Kysely<{ connections: OldConnection }>;
      const rows = [
        oldRow(acme, 'tested', { status: 'error', last_test: failedReport }),
        oldRow(acme, 'unsynced', { sync_error: 'GitLab did not answer.' }),
        oldRow(acme, 'fine', {}),
      ];
      for (const row of rows) await oldDb.insertInto('connections').values(row).execute();
      await migrateToLatest(old.handle);
      const views = Object.fromEntries(
        (await listConnections(old.handle.db, acme)).map((view) => [view.id, view]),
      );
      expect(views.tested).toMatchObject({
        status: 'needs_attention',
        statusReason: {
          code: 'connection_test_failed',
          message: 'GitLab refused the token. Create a new token.',
          at: '2026-01-01T12:00:00.000Z',
          source: 'test',
        },
        syncError: null,
      });
      expect(views.unsynced).toMatchObject({
        status: 'needs_attention',
        statusReason: { code: 'sync_failed', message: 'GitLab did not answer.', source: 'sync' },
        syncError: { code: 'sync_failed', message: 'GitLab did not answer.', at: '2026-01-02T00:00:00.000Z' },
      });
      expect(views.fine).toMatchObject({ status: 'connected', statusReason: null, syncError: null });
    } finally {
      await old.close();
    }
  });

  let database: TestDatabase;
  let acme: string;
  const id = '00000000-0000-4000-8000-000000000001';
  beforeEach(async () => {
    database = await createTestDatabase(engine);
    ({ acme } = await twoAccounts(database.db));
    await insertConnection(database.db, {
      id,
      accountId: acme,
      kind: 'gitlab-self-managed',
      name: 'acme',
      baseUrl: 'http://127.0.0.1:8182',
      target: 'acme',
      settings: {},
      tokenEncrypted: 'v1:x:y:z:w',
      caPem: null,
    });
  });
  afterEach(() => database.close());

  const view = async () => (await listConnections(database.db, acme, id))[0]!;
  const problem = { code: 'invalid_credentials', message: 'GitLab refused the token.' };

  it('needs attention after a failed sync, and is connected again after the next one', async () => {
    await recordSyncFailure(database.db, acme, id, problem);
    expect(await view()).toMatchObject({
      status: 'needs_attention',
      statusReason: { ...problem, source: 'sync' },
      syncError: problem,
    });
    await recordSyncSuccess(database.db, acme, id, new Date().toISOString());
    expect(await view()).toMatchObject({ status: 'connected', statusReason: null, syncError: null });
  });

  it('keeps a reason a test found through a sync that works; the next passing test clears it', async () => {
    const report = { checkedAt: '2026-03-01T00:00:00.000Z' };
    const members = { code: 'insufficient_permissions', message: 'Read members: not allowed.' };
    await recordTestOutcome(database.db, acme, id, report, members);
    await recordSyncSuccess(database.db, acme, id, new Date().toISOString());
    expect(await view()).toMatchObject({
      status: 'needs_attention',
      statusReason: { ...members, at: report.checkedAt, source: 'test' },
      syncError: null,
    });
    await recordTestOutcome(database.db, acme, id, report, undefined);
    expect(await view()).toMatchObject({ status: 'connected', statusReason: null });
  });

  it('moves the connections of an instance to its new address', async () => {
    expect(await moveBaseUrl(database.db, 'http://127.0.0.1:8182', 'http://127.0.0.1:40001')).toBe(1);
    expect((await view()).baseUrl).toBe('http://127.0.0.1:40001');
    expect(await moveBaseUrl(database.db, 'http://127.0.0.1:8182', 'http://127.0.0.1:40002')).toBe(0);
  });
});
