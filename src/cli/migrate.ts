import type { Config } from '../config/config.js';
import { migrateToLatest, openDatabase } from '../db/database.js';

export async function runMigrate(config: Config): Promise<number> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const applied = await migrateToLatest(database);
    process.stdout.write(
      applied.length ? `Applied: ${applied.join(', ')}\n` : 'The database is up to date.\n',
    );
    return 0;
  } finally {
    await database.close();
  }
}
