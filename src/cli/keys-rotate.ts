import type { Config } from '../config/config.js';
import { migrateToLatest, openDatabase } from '../db/database.js';
import { rewrapSecrets } from '../db/secret-columns.js';
import { addKeyToFile, createSecretBox, loadKeyring, removeKeyFromFile } from '../secrets/index.js';

/**
 * With the key file: adds a new primary key, re-encrypts every secret under it, and with `removeOld` drops
 * the old keys once no value uses them. With SCM_CONNECT_MASTER_KEY: the operator puts the new key first in
 * the list; this re-encrypts under it.
 */
export async function runKeysRotate(config: Config, options: { removeOld: boolean }): Promise<number> {
  const fromFile = config.masterKey === undefined;
  if (fromFile) {
    const { kid } = addKeyToFile(config.dataDir);
    process.stdout.write(`New primary key ${kid} added to the key file.\n`);
  }
  const keyring = loadKeyring({ envValue: config.masterKey, dataDir: config.dataDir, createIfMissing: false });
  const box = createSecretBox(keyring);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(database.db);
    let result = await rewrapSecrets(database.db, box);
    let rewrapped = result.rewrapped;
    // Values written under the old key while the first pass ran are caught by a second one.
    while (result.remaining > 0) {
      result = await rewrapSecrets(database.db, box);
      rewrapped += result.rewrapped;
    }
    process.stdout.write(`Re-encrypted ${rewrapped} of ${result.checked} secrets under key ${box.primaryKid}.\n`);
    if (options.removeOld) {
      if (!fromFile) {
        process.stdout.write('Remove the old key from SCM_CONNECT_MASTER_KEY yourself; every secret now uses the first.\n');
        return 0;
      }
      const check = await rewrapSecrets(database.db, box);
      if (check.rewrapped > 0 || check.remaining > 0) {
        process.stderr.write('Secrets were written under an old key meanwhile; run the command again.\n');
        return 1;
      }
      for (const key of keyring.keys.filter((k) => k.kid !== box.primaryKid)) {
        removeKeyFromFile(config.dataDir, key.kid);
        process.stdout.write(`Removed old key ${key.kid}.\n`);
      }
    }
    return 0;
  } finally {
    await database.close();
  }
}
