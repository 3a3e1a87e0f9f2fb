import { commentsReconcileJobKind, createCommentsReconcileHandler } from '../comments/job.js';
import { createCommentEventHandlers } from '../comments/webhook-events.js';
import { createTokenExpiryHandler, tokenExpiryJobKind } from '../connections/scheduled-checks.js';
import { syncJobKind } from '../connections/service.js';
import { createSyncHandler } from '../connections/sync.js';
import { createInstallationEventHandlers } from '../connections/github/installation-events.js';
import { createRedeliverHandler, redeliverJobKind } from '../connections/github/redeliver-failed.js';
import { createInventoryEventHandlers } from '../connections/webhook-events.js';
import { createMembershipReconcileHandler, membershipReconcileJobKind } from '../membership/job.js';
import { createMembershipEventHandlers } from '../membership/webhook-events.js';
import type { ServiceContext } from '../context.js';
import { bulkCiJobKind, createBulkCiHandler } from '../onboarding/bulk-job.js';
import { createFanOutHandler } from './fan-out.js';
import { scanProcessJobKind } from '../findings/jobs.js';
import { createScanProcessHandler } from '../findings/process-scan.js';
import { createHousekeepingHandler, housekeepingJobKind } from './housekeeping.js';
import { scheduleJobKinds } from './service-schedules.js';
import {
  createWebhookHealthHandler,
  webhookHealthJobKind,
  type WebhookHealthSource,
} from './webhook-health.js';
import type { JobHandlers } from './worker.js';
import { webhookStorageHealth } from '../webhooks/health-source.js';
import {
  createWebhookProcessHandler,
  webhookProcessJobKind,
  type WebhookEventHandlers,
} from '../webhooks/process-job.js';

export interface ServiceHandlerOptions {
  /** Where webhook health is read from; by default the webhook endpoints' rows. */
  readonly webhookHealth?: WebhookHealthSource;
  /** What `webhook.process` does with each kind of event (by default: keep the inventory current); events without a handler are recorded as ignored. */
  readonly webhookEvents?: WebhookEventHandlers;
}

/** Every job kind the service runs, by kind: what `serve` and `scm-connect worker` both register. */
export function createServiceHandlers(ctx: ServiceContext, options: ServiceHandlerOptions = {}): JobHandlers {
  const { db } = ctx;
  return {
    [syncJobKind]: createSyncHandler(ctx),
    [tokenExpiryJobKind]: createTokenExpiryHandler(ctx),
    [webhookHealthJobKind]: createWebhookHealthHandler(db, options.webhookHealth ?? webhookStorageHealth(db)),
    [webhookProcessJobKind]: createWebhookProcessHandler({
      db,
      handlers: options.webhookEvents ?? {
        ...createInventoryEventHandlers(ctx),
        ...createInstallationEventHandlers(ctx),
        ...createCommentEventHandlers(ctx),
        ...createMembershipEventHandlers(ctx),
      },
    }),
    [housekeepingJobKind]: createHousekeepingHandler(db),
    [redeliverJobKind]: createRedeliverHandler(ctx),
    [scanProcessJobKind]: createScanProcessHandler(ctx),
    [commentsReconcileJobKind]: createCommentsReconcileHandler(ctx),
    [membershipReconcileJobKind]: createMembershipReconcileHandler(ctx),
    [bulkCiJobKind]: createBulkCiHandler(ctx),
    [scheduleJobKinds.syncConnections]: createFanOutHandler(db, {
      childKind: syncJobKind,
      per: 'connection',
      maxAttempts: 5,
      skipWhileActive: true,
      payload: { reason: 'scheduled' },
    }),
    [scheduleJobKinds.checkTokenExpiry]: createFanOutHandler(db, {
      childKind: tokenExpiryJobKind,
      per: 'token',
      maxAttempts: 3,
      skipWhileActive: true,
    }),
    [scheduleJobKinds.reconcileMembership]: createFanOutHandler(db, {
      childKind: membershipReconcileJobKind,
      per: 'membership-source',
      maxAttempts: 3,
    }),
    [scheduleJobKinds.checkWebhookHealth]: createFanOutHandler(db, {
      childKind: webhookHealthJobKind,
      per: 'account',
      maxAttempts: 3,
    }),
  };
}
