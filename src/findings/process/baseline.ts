import type { Db } from '../../db/database.js';

/**
 * The fingerprints that the latest processed scan of the base branch reported for this tool and category;
 * undefined when the base branch has no processed scan of them (then only `baselineState: new` marks a finding
 * as new in the pull request).
 */
export async function baseBranchFingerprints(
  db: Db,
  input: {
    readonly accountId: string;
    readonly repositoryId: string;
    readonly baseBranch: string;
    readonly toolName: string;
    readonly category: string;
  },
): Promise<{ scanId: string; fingerprints: Set<string> } | undefined> {
  const latest = await db
    .selectFrom('scans as s')
    .innerJoin('scan_runs as r', 'r.scan_id', 's.id')
    .select(['s.id'])
    .where('s.account_id', '=', input.accountId)
    .where('s.repository_id', '=', input.repositoryId)
    .where('s.branch', '=', input.baseBranch)
    .where('s.pull_request_number', 'is', null)
    .where('s.status', '=', 'processed')
    .where('r.tool_name', '=', input.toolName)
    .where('r.category', '=', input.category)
    .orderBy('s.created_at', 'desc')
    .orderBy('s.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!latest) return undefined;
  const rows = await db
    .selectFrom('scan_findings as sf')
    .innerJoin('findings as f', 'f.id', 'sf.finding_id')
    .select('f.fingerprint')
    .where('sf.scan_id', '=', latest.id)
    .where('sf.account_id', '=', input.accountId)
    .where('f.branch', '=', input.baseBranch)
    .where('f.tool_name', '=', input.toolName)
    .where('f.category', '=', input.category)
    .execute();
  return { scanId: latest.id, fingerprints: new Set(rows.map((row) => row.fingerprint)) };
}

/** Whether a newer scan of the same branch, tool and category was processed already (this one is then stale). */
export async function newerScanProcessed(
  db: Db,
  input: {
    readonly accountId: string;
    readonly repositoryId: string;
    readonly scanId: string;
    readonly createdAt: string;
    readonly branch: string | null;
    readonly pullRequestNumber: number | null;
    readonly toolName: string;
    readonly category: string;
  },
): Promise<boolean> {
  let query = db
    .selectFrom('scans as s')
    .innerJoin('scan_runs as r', 'r.scan_id', 's.id')
    .select('s.id')
    .where('s.account_id', '=', input.accountId)
    .where('s.repository_id', '=', input.repositoryId)
    .where('s.id', '!=', input.scanId)
    .where('s.status', '=', 'processed')
    .where('s.created_at', '>', input.createdAt)
    .where('r.tool_name', '=', input.toolName)
    .where('r.category', '=', input.category);
  if (input.branch !== null && input.branch !== '') {
    query = query.where('s.branch', '=', input.branch);
  } else if (input.pullRequestNumber !== null) {
    query = query.where('s.branch', 'is', null).where('s.pull_request_number', '=', input.pullRequestNumber);
  } else {
    return false;
  }
  return (await query.limit(1).executeTakeFirst()) !== undefined;
}
