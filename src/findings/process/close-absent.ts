import type { Db } from '../../db/database.js';
import type { FindingEventKind } from '../../db/schema.js';
import { forEachLimited } from './identity.js';
import type { Namespace } from './namespace.js';
import { insertEvents, type ExistingFinding, type ScanStamp } from './store-findings.js';

/** Files checked for existence per run at most; past that, absent findings are taken as fixed. */
const maxFileChecks = 1_000;
const batchSize = 500;

export interface CloseInput {
  /** Open findings of the namespace that this complete scan did not report. */
  readonly absent: readonly ExistingFinding[];
  /** Every rule the tool ran; undefined when the run does not tell (then no rule can be said to be gone). */
  readonly ruleIds: ReadonlySet<string> | undefined;
  /** Whether a file exists at the scanned commit; undefined when that cannot be told. */
  readonly fileExists: (path: string) => Promise<boolean | undefined>;
}

/**
 * Closes what a complete scan no longer reports: `removed` when its rule is gone from the run's rules or its file
 * from the commit, else `fixed` (with `fixed_in_scan_id`). Only open findings move; triage stays as it is.
 */
export async function closeAbsent(
  db: Db,
  ns: Namespace,
  stamp: ScanStamp,
  input: CloseInput,
): Promise<{ fixed: number; removed: number }> {
  const paths = [
    ...new Set(
      input.absent
        .filter((finding) => finding.path !== null && (!input.ruleIds || input.ruleIds.has(finding.ruleId)))
        .map((finding) => finding.path!),
    ),
  ].slice(0, maxFileChecks);
  const gone = new Set<string>();
  await forEachLimited(paths, 8, async (path) => {
    if ((await input.fileExists(path)) === false) gone.add(path);
  });
  const removedIds: string[] = [];
  const fixedIds: string[] = [];
  for (const finding of input.absent) {
    const ruleGone = input.ruleIds !== undefined && !input.ruleIds.has(finding.ruleId);
    const fileGone = finding.path !== null && gone.has(finding.path);
    (ruleGone || fileGone ? removedIds : fixedIds).push(finding.id);
  }
  await mark(db, ns, stamp, fixedIds, 'fixed');
  await mark(db, ns, stamp, removedIds, 'removed');
  return { fixed: fixedIds.length, removed: removedIds.length };
}

async function mark(
  db: Db,
  ns: Namespace,
  stamp: ScanStamp,
  ids: readonly string[],
  state: 'fixed' | 'removed',
): Promise<void> {
  for (let at = 0; at < ids.length; at += batchSize) {
    const chunk = ids.slice(at, at + batchSize);
    await db.transaction().execute(async (trx) => {
      const moved = await trx
        .updateTable('findings')
        .set({ state, fixed_in_scan_id: stamp.scanId, fixed_at: stamp.at, updated_at: stamp.at })
        .where('account_id', '=', ns.accountId)
        .where('id', 'in', chunk)
        .where('state', '=', 'open')
        .returning('id')
        .execute();
      const kind: FindingEventKind = state;
      await insertEvents(
        trx,
        ns.accountId,
        stamp.scanId,
        stamp.at,
        moved.map((row) => ({ findingId: row.id, kind })),
      );
    });
  }
}
