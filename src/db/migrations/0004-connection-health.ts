import type { Kysely, Migration } from 'kysely';

interface OldRow {
  readonly id: string;
  readonly status: string;
  readonly last_test: string | null;
  readonly sync_error: string | null;
  readonly updated_at: string;
}

type Health = Kysely<{
  connections: OldRow & {
    status_reason_code: string | null;
    status_reason_message: string | null;
    status_reason_at: string | null;
    status_reason_source: string | null;
    sync_error_code: string | null;
    sync_error_at: string | null;
  };
}>;

/**
 * A connection's health: `needs_attention` with the reason (code, message, when, and whether a sync or a test
 * found it) in place of the bare `error` status, and the machine-readable code of the last sync failure. Old rows
 * keep what they said: `error` becomes `needs_attention` with the failing line of the stored report, and a
 * stored sync error gets the code `sync_failed` (its real code was never kept).
 */
export const connectionHealth: Migration = {
  async up(db: Kysely<unknown>) {
    for (const column of [
      'status_reason_code',
      'status_reason_message',
      'status_reason_at',
      'status_reason_source',
      'sync_error_code',
      'sync_error_at',
    ]) {
      await db.schema.alterTable('connections').addColumn(column, 'text').execute();
    }
    const typed = db as unknown as Health;
    const rows = await typed
      .selectFrom('connections')
      .select(['id', 'status', 'last_test', 'sync_error', 'updated_at'])
      .where((eb) => eb.or([eb('status', '=', 'error'), eb('sync_error', 'is not', null)]))
      .execute();
    for (const row of rows) {
      const syncError = row.sync_error
        ? { sync_error_code: 'sync_failed', sync_error_at: row.updated_at }
        : {};
      const reason =
        row.status === 'error'
          ? {
              status_reason_source: 'test',
              status_reason_code: 'connection_test_failed',
              status_reason_message: failingLine(row.last_test),
              status_reason_at: checkedAt(row.last_test) ?? row.updated_at,
            }
          : row.sync_error && row.status === 'connected'
            ? {
                status_reason_source: 'sync',
                status_reason_code: 'sync_failed',
                status_reason_message: row.sync_error,
                status_reason_at: row.updated_at,
              }
            : undefined;
      await typed
        .updateTable('connections')
        .set({ ...syncError, ...(reason ? { ...reason, status: 'needs_attention' } : {}) })
        .where('id', '=', row.id)
        .execute();
    }
  },
};

// Kept here rather than imported, so this migration does what it did when it shipped.
interface StoredLine {
  readonly status?: unknown;
  readonly message?: unknown;
  readonly fix?: unknown;
}

function parseReport(text: string | null): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function checkedAt(text: string | null): string | undefined {
  const at = parseReport(text)?.checkedAt;
  return typeof at === 'string' ? at : undefined;
}

function failingLine(text: string | null): string {
  const report = parseReport(text);
  const capabilities = Array.isArray(report?.capabilities) ? (report.capabilities as StoredLine[]) : [];
  const lines = [report?.reachable, report?.target, ...capabilities] as (StoredLine | undefined)[];
  const failed = lines.find((line) => line?.status === 'fail' && typeof line.message === 'string');
  if (!failed) return 'The last connection test failed: run Test connection again for the details.';
  return typeof failed.fix === 'string' ? `${String(failed.message)} ${failed.fix}` : String(failed.message);
}
