import { Migrator } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from '../../src/db/database.js';
import { migrationProvider } from '../../src/db/migrations.js';
import { dropSchema, testPostgresUrl, uniqueSchema } from '../helpers/database.js';

const url = testPostgresUrl();

describe.runIf(url)('migrations in parallel PostgreSQL schemas', () => {
  it('migrates a schema while another schema already holds migration bookkeeping', async () => {
    const first = await openDatabase({ databaseUrl: url, dataDir: '.', schema: uniqueSchema() });
    const second = await openDatabase({ databaseUrl: url, dataDir: '.', schema: uniqueSchema() });
    try {
      await migrateToLatest(first);
      // Without naming the schema, Kysely finds the first schema's bookkeeping tables and skips its own.
      const unnamed = await new Migrator({ db: second.db, provider: migrationProvider }).migrateToLatest();
      expect(String(unnamed.error)).toContain('kysely_migration');
      expect(await migrateToLatest(second)).toContain('0001_foundation');
      const tables = await second.db.introspection.getTables();
      expect(tables.filter((t) => t.schema === second.schema).map((t) => t.name)).toContain('connections');
    } finally {
      await first.close();
      await second.close();
      await dropSchema(url!, first.schema!);
      await dropSchema(url!, second.schema!);
    }
  });
});
