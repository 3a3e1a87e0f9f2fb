import type { Db } from '../db/database.js';
import { listSteps } from '../db/bulk-ci.js';
import { csvLine } from '../findings/export-csv.js';

export const runCsvHeader = [
  'repository',
  'system',
  'status',
  'outcome',
  'pull_request_url',
  'commit_url',
  'reason',
  'message',
  'fix',
] as const;

/** A run's report as CSV: a header row, then one row per repository in the order they were worked on. */
export async function bulkCiRunCsv(db: Db, accountId: string, runId: string): Promise<string> {
  let text = csvLine(runCsvHeader);
  let afterPosition: number | undefined;
  for (;;) {
    const page = await listSteps(db, accountId, runId, { limit: 500, afterPosition });
    for (const step of page.items) {
      text += csvLine([
        step.full_name,
        step.system,
        step.status,
        step.outcome,
        step.pull_request_url,
        step.commit_url,
        step.reason,
        step.message,
        step.fix,
      ]);
    }
    if (page.nextAfter === null) return text;
    afterPosition = page.nextAfter;
  }
}
