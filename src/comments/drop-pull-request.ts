import type { Db } from '../db/database.js';
import { branchKeyOf } from '../findings/process/namespace.js';
import { dropPullRequestComments, type PullRequestScope } from './store.js';

/**
 * A pull request closed without merging: its findings that live only under its scans' namespace
 * (`pull-request:{n}`, or its source branch when no other scan uses that branch) go, and so does its comment state.
 * Answers how many findings were dropped.
 */
export async function dropPullRequest(db: Db, scope: PullRequestScope): Promise<number> {
  const scans = await db
    .selectFrom('scans')
    .select(['branch', 'pull_request_number', 'commit_sha'])
    .where('account_id', '=', scope.accountId)
    .where('repository_id', '=', scope.repositoryId)
    .where('pull_request_number', '=', scope.pullRequestNumber)
    .execute();
  const candidates = [...new Set(scans.map((scan) => branchKeyOf(scan).branch))].filter(
    (branch) => !branch.startsWith('commit:'),
  );
  const branches: string[] = [];
  for (const branch of candidates) {
    if (branch.startsWith('pull-request:')) {
      branches.push(branch);
      continue;
    }
    // A branch also scanned on its own or for another pull request keeps its findings.
    const other = await db
      .selectFrom('scans')
      .select('id')
      .where('account_id', '=', scope.accountId)
      .where('repository_id', '=', scope.repositoryId)
      .where('branch', '=', branch)
      .where((eb) =>
        eb.or([
          eb('pull_request_number', 'is', null),
          eb('pull_request_number', '!=', scope.pullRequestNumber),
        ]),
      )
      .limit(1)
      .executeTakeFirst();
    if (!other) branches.push(branch);
  }
  let dropped = 0;
  if (branches.length > 0) {
    const result = await db
      .deleteFrom('findings')
      .where('account_id', '=', scope.accountId)
      .where('repository_id', '=', scope.repositoryId)
      .where('branch', 'in', branches)
      .executeTakeFirst();
    dropped = Number(result.numDeletedRows);
  }
  await dropPullRequestComments(db, scope);
  return dropped;
}
