import { afterEach, beforeEach, expect, it } from 'vitest';
import { prepareQuery } from '../../src/db/prepared.js';
import { createTestDatabase, describeEachEngine, type TestDatabase } from '../helpers/database.js';

describeEachEngine('prepared queries', (engine) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(engine);
    await database.db
      .insertInto('instance_settings')
      .values([
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
        { key: 'c', value: '3' },
      ])
      .execute();
  });
  afterEach(() => database.close());

  it('runs one compiled query with new arguments on every call, in any order of use', async () => {
    const between = prepareQuery<[string, string], { key: string }>(database, 2, (high, low) =>
      database.db
        .selectFrom('instance_settings')
        .select('key')
        .where('key', '>=', low!)
        .where('key', '<=', high!)
        .orderBy('key'),
    );
    expect((await between('b', 'a')).map((r) => r.key)).toEqual(['a', 'b']);
    expect((await between('c', 'b')).map((r) => r.key)).toEqual(['b', 'c']);
    expect(await between('a', 'c')).toEqual([]);
  });

  it('refuses a query that leaves an argument out', () => {
    expect(() =>
      prepareQuery<[string, string], { key: string }>(database, 2, (key) =>
        database.db.selectFrom('instance_settings').select('key').where('key', '=', key!),
      ),
    ).toThrow('every argument');
  });
});
