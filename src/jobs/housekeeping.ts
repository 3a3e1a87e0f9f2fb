import type { Db } from '../db/database.js';
import { deleteExpiredSignInFlows } from '../db/sign-in-flows.js';
import { deleteExpiredSamlAssertions } from '../db/sso-providers.js';
import { pruneJobs } from './jobs.js';
import type { JobHandler } from './worker.js';

export const housekeepingJobKind = 'instance.housekeeping';
export const housekeepingEveryMs = 60 * 60 * 1000;

const day = 24 * 60 * 60 * 1000;

export interface HousekeepingResult {
  readonly sessions: number;
  readonly invitations: number;
  readonly rateLimits: number;
  readonly jobs: number;
  /** GitHub flow states (install, authorize, manifest) and install requests past their life. */
  readonly githubFlows: number;
  /** Redirects to GitHub, GitLab or an identity provider nobody came back from. */
  readonly signInFlows: number;
  /** Ids of SAML assertions past their validity, kept until then so none is accepted twice. */
  readonly samlAssertions: number;
}

/**
 * Deletes what has stopped meaning anything: expired sessions, invitations, GitHub flow states and install
 * requests, sign-in flows, seen SAML assertion ids, rate-limit windows older than a day, and finished jobs older than 30 days. Runs hourly as a schedule, so one process does it.
 */
export async function pruneExpired(db: Db, now: Date): Promise<HousekeepingResult> {
  const at = now.toISOString();
  const sessions = await db.deleteFrom('sessions').where('expires_at', '<=', at).executeTakeFirst();
  const invitations = await db.deleteFrom('invitations').where('expires_at', '<=', at).executeTakeFirst();
  const rateLimits = await db
    .deleteFrom('rate_limits')
    .where('window_start', '<', new Date(now.getTime() - day).toISOString())
    .executeTakeFirst();
  const jobs = await pruneJobs(db, new Date(now.getTime() - 30 * day));
  const flowStates = await db
    .deleteFrom('github_flow_states')
    .where('expires_at', '<=', at)
    .executeTakeFirst();
  const requests = await db
    .deleteFrom('github_install_requests')
    .where('expires_at', '<=', at)
    .executeTakeFirst();
  const [signInFlows] = await deleteExpiredSignInFlows(db, now);
  const samlAssertions = await deleteExpiredSamlAssertions(db, now);
  return {
    sessions: Number(sessions.numDeletedRows),
    invitations: Number(invitations.numDeletedRows),
    rateLimits: Number(rateLimits.numDeletedRows),
    jobs,
    githubFlows: Number(flowStates.numDeletedRows) + Number(requests.numDeletedRows),
    signInFlows: Number(signInFlows?.numDeletedRows ?? 0),
    samlAssertions,
  };
}

export const createHousekeepingHandler =
  (db: Db): JobHandler =>
  () =>
    pruneExpired(db, new Date());
