import type { Kysely, Migration } from 'kysely';

interface PayloadRow {
  readonly id: string;
  readonly payload: string;
}

/**
 * What the Activity page shows of a job: the connection it works on, when its current run started and how far
 * it got (`progress_done` of `progress_total`, the total null while unknown). Jobs queued before this migration
 * get their connection from their payload.
 */
export const jobProgress: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('jobs').addColumn('connection_id', 'text').execute();
    await db.schema.alterTable('jobs').addColumn('started_at', 'text').execute();
    await db.schema.alterTable('jobs').addColumn('progress_done', 'integer').execute();
    await db.schema.alterTable('jobs').addColumn('progress_total', 'integer').execute();
    await db.schema
      .createIndex('jobs_connection')
      .on('jobs')
      .columns(['account_id', 'connection_id', 'created_at'])
      .execute();
    const typed = db as unknown as Kysely<{ jobs: PayloadRow & { connection_id: string | null } }>;
    const rows = await typed
      .selectFrom('jobs')
      .select(['id', 'payload'])
      .where('payload', 'like', '%"connectionId"%')
      .execute();
    for (const row of rows) {
      const connectionId = connectionIdOf(JSON.parse(row.payload) as unknown);
      if (connectionId === null) continue;
      await typed.updateTable('jobs').set({ connection_id: connectionId }).where('id', '=', row.id).execute();
    }
  },
};

// Kept here rather than imported, so this migration does what it did when it shipped.
function connectionIdOf(payload: unknown): string | null {
  if (typeof payload !== 'object' || payload === null || !('connectionId' in payload)) return null;
  return typeof payload.connectionId === 'string' ? payload.connectionId : null;
}
