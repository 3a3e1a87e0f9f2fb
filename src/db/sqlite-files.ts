import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Makes the SQLite database private before SQLite opens it: the data directory is created 0700 and the
 * database file 0600, and SQLite gives the `-wal` and `-shm` files it creates the mode of the database file.
 * What we own is tightened when an earlier run left it looser; a data directory that already exists is the
 * operator's, so a looser one is reported through `warn` rather than changed. Returns the database path.
 */
export function prepareSqliteFile(dataDir: string, file: string, warn: (message: string) => void): string {
  if (mkdirSync(dataDir, { recursive: true, mode: 0o700 }) !== undefined) {
    chmodSync(dataDir, 0o700);
  } else {
    const mode = statSync(dataDir).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      warn(
        `The data directory ${dataDir} can be read by other users (mode ${mode.toString(8)}): ` +
          'run `chmod 700` on it, since it holds the database and the master key.',
      );
    }
  }
  const database = path.join(dataDir, file);
  closeSync(openSync(database, 'a', 0o600));
  for (const owned of [database, `${database}-wal`, `${database}-shm`]) {
    if (!existsSync(owned)) continue;
    const mode = statSync(owned).mode & 0o777;
    if ((mode & 0o077) !== 0) chmodSync(owned, mode & 0o700);
  }
  return database;
}
