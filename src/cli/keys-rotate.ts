import type { Config } from '../config/config.js';
import { migrateToLatest, openDatabase, type Db } from '../db/database.js';
import { rewrapSecrets } from '../db/secret-columns.js';
import { addKeyToFile, createSecretBox, loadKeyring, removeKeyFromFile } from '../secrets/index.js';

export interface RotateOptions {
  readonly removeOld: boolean;
  readonly say?: (line: string) => void;
}

/**
 * With the key file: adds a new primary key, re-encrypts every secret under it, and with `removeOld` drops
 * the old keys once no value uses them. With SCM_CONNECT_MASTER_KEY: the operator puts the new key first in
 * the list; this re-encrypts under it.
 */
export async function rotateKeys(
  db: Db,
  config: Pick<Config, 'masterKey' | 'dataDir'>,
  options: RotateOptions,
): Promise<number> {
  const say = options.say ?? ((line: string) => process.stdout.write(`${line}\n`));
  const fromFile = config.masterKey === undefined;
  if (fromFile) say(`New primary key ${addKeyToFile(config.dataDir).kid} added to the key file.`);
  const keyring = loadKeyring({
    envValue: config.masterKey,
    dataDir: config.dataDir,
    createIfMissing: false,
  });
  const box = createSecretBox(keyring);
  let result = await rewrapSecrets(db, box);
  let rewrapped = result.rewrapped;
  // Values written under an old key while a pass ran are caught by the next one.
  while (result.remaining > 0) {
    result = await rewrapSecrets(db, box);
    rewrapped += result.rewrapped;
  }
  say(`Re-encrypted ${rewrapped} of ${result.checked} secrets under key ${box.primaryKid}.`);
  if (!options.removeOld) return 0;
  if (!fromFile) {
    say('Every secret now uses the first key of SCM_CONNECT_MASTER_KEY: remove the old ones from it.');
    return 0;
  }
  const check = await rewrapSecrets(db, box);
  if (check.rewrapped > 0 || check.remaining > 0) {
    say('Secrets were written under an old key meanwhile; run the command again.');
    return 1;
  }
  for (const key of keyring.keys.filter((k) => k.kid !== box.primaryKid)) {
    removeKeyFromFile(config.dataDir, key.kid);
    say(`Removed old key ${key.kid}.`);
  }
  return 0;
}

export async function runKeysRotate(config: Config, options: RotateOptions): Promise<number> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(database);
    return await rotateKeys(database.db, config, options);
  } finally {
    await database.close();
  }
}
