import type { Db } from './database.js';

export const getSetting = async (db: Db, key: string): Promise<string | undefined> =>
  (await db.selectFrom('instance_settings').select('value').where('key', '=', key).executeTakeFirst())?.value;

export const putSetting = (db: Db, key: string, value: string) =>
  db
    .insertInto('instance_settings')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();

/** Deletes the setting only when it still holds `value`: true for the one caller that did. */
export async function takeSetting(db: Db, key: string, value: string): Promise<boolean> {
  const result = await db
    .deleteFrom('instance_settings')
    .where('key', '=', key)
    .where('value', '=', value)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
