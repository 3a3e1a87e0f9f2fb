import type { Db } from '../db/database.js';
import { readCiJobSettingsRow, writeCiJobSettings } from '../db/bulk-ci.js';
import { ciJobSettingsSchema, defaultCiJobSettings, type CiJobSettings } from './ci-settings.js';

export interface StoredCiJobSettings {
  readonly settings: CiJobSettings;
  /** When an admin last saved them; null while the defaults apply. */
  readonly updatedAt: string | null;
}

/** Stored settings that no longer pass the schema (a later version tightened it) read as the defaults. */
export function parseCiJobSettings(value: unknown): CiJobSettings {
  const parsed = ciJobSettingsSchema.safeParse(value);
  return parsed.success ? parsed.data : defaultCiJobSettings;
}

/** The account's CI job settings: the defaults until an admin saves others. */
export async function readCiJobSettings(db: Db, accountId: string): Promise<StoredCiJobSettings> {
  const row = await readCiJobSettingsRow(db, accountId);
  if (!row) return { settings: defaultCiJobSettings, updatedAt: null };
  return { settings: parseCiJobSettings(row.settings), updatedAt: row.updatedAt };
}

/** Saves the account's settings whole (checked by the caller against `ciJobSettingsSchema`). */
export async function saveCiJobSettings(
  db: Db,
  accountId: string,
  settings: CiJobSettings,
  actorUserId: string | null,
): Promise<StoredCiJobSettings> {
  await writeCiJobSettings(db, accountId, settings, actorUserId);
  return readCiJobSettings(db, accountId);
}
