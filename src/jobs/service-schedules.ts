import type { Db } from '../db/database.js';
import { redeliverEveryMs, redeliverJobKind } from '../connections/github/redeliver-failed.js';
import { housekeepingEveryMs, housekeepingJobKind } from './housekeeping.js';
import { scheduleEvery } from './schedules.js';

/** The instance jobs of the service's own schedules; each fans out to one job per connection or account. */
export const scheduleJobKinds = {
  syncConnections: 'schedule.sync-connections',
  checkTokenExpiry: 'schedule.check-token-expiry',
  checkWebhookHealth: 'schedule.check-webhook-health',
  reconcileMembership: 'schedule.reconcile-membership',
} as const;

const hourMs = 3_600_000;

/** The schedule that reconciles every account's membership source. */
export const membershipScheduleName = 'membership.reconcile';
export const tokenExpiryEveryMs = 24 * hourMs;
export const webhookHealthEveryMs = hourMs;

export interface ServiceScheduleOptions {
  /** How often every connection is synced (SCM_CONNECT_SYNC_EVERY). */
  readonly syncEveryMs: number;
  /** How often accounts whose membership GitHub or GitLab manages are reconciled (SCM_CONNECT_MEMBERSHIP_EVERY). */
  readonly membershipEveryMs?: number;
}

/**
 * Stores the service's recurring schedules (each process does at start-up; the last one's settings win):
 * housekeeping, webhook health and the recovery of GitHub App deliveries hourly, token expiry daily, repository
 * sync every `syncEveryMs`, membership sources every `membershipEveryMs` (hourly by default). Slots are
 * aligned to the Unix epoch, and each slot enqueues one job whatever the number of workers.
 */
export async function registerServiceSchedules(db: Db, options: ServiceScheduleOptions): Promise<void> {
  await scheduleEvery(db, { name: 'housekeeping', kind: housekeepingJobKind, everyMs: housekeepingEveryMs });
  await scheduleEvery(db, {
    name: 'connections.sync',
    kind: scheduleJobKinds.syncConnections,
    everyMs: options.syncEveryMs,
  });
  await scheduleEvery(db, {
    name: 'connections.token-expiry',
    kind: scheduleJobKinds.checkTokenExpiry,
    everyMs: tokenExpiryEveryMs,
  });
  await scheduleEvery(db, {
    name: 'connections.webhook-health',
    kind: scheduleJobKinds.checkWebhookHealth,
    everyMs: webhookHealthEveryMs,
  });
  await scheduleEvery(db, {
    name: membershipScheduleName,
    kind: scheduleJobKinds.reconcileMembership,
    everyMs: options.membershipEveryMs ?? hourMs,
  });
  await scheduleEvery(db, {
    name: 'github.redeliver-failed',
    kind: redeliverJobKind,
    everyMs: redeliverEveryMs,
  });
}
