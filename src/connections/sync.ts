import { z } from 'zod';
import type { Logger } from 'pino';
import type { ServiceContext } from '../context.js';
import { findConnectionRow, recordSyncFailure, recordSyncSuccess } from '../db/connections.js';
import {
  countAddedSince,
  removeUnseen,
  upsertOrganization,
  upsertRepositories,
  type RepositoryInput,
} from '../db/inventory.js';
import type { JobHandler } from '../jobs/index.js';
import { noteUnreportedActivity } from '../webhooks/silence.js';
import { problemOf } from './health.js';
import { withStoredProvider } from './stored-provider.js';

const batchSize = 500;
const payload = z.object({ connectionId: z.string() });

export interface SyncResult {
  readonly organizations: number;
  readonly repositories: number;
  readonly removed: number;
}

/**
 * Brings the stored inventory in line with the SCM: every organization and repository upserted by its stable
 * id (a rename is an update), and what the SCM no longer lists removed — only after a complete listing, so a
 * failed sync never deletes anything. A failure is kept with its code as the sync error and the connection
 * needs attention until a sync (or a test) works again; a sync stopped by shutdown or cancellation is neither.
 */
export async function syncConnection(
  ctx: Pick<ServiceContext, 'db' | 'config' | 'secrets' | 'scmShared' | 'githubApps'>,
  accountId: string,
  connectionId: string,
  options: {
    signal?: AbortSignal;
    logger?: Logger;
    onProgress?: (repositories: number) => Promise<void>;
  } = {},
): Promise<SyncResult> {
  const syncedAt = new Date().toISOString();
  const previousSyncAt = (await findConnectionRow(ctx.db, accountId, connectionId))?.last_synced_at ?? null;
  const organizationIds: string[] = [];
  let repositories = 0;
  try {
    await withStoredProvider(ctx, accountId, connectionId, async (provider) => {
      for await (const org of provider.listOrganizations()) {
        const organizationId = await upsertOrganization(ctx.db, { accountId, connectionId }, org);
        organizationIds.push(organizationId);
        let batch: RepositoryInput[] = [];
        const flush = async () => {
          await upsertRepositories(ctx.db, { accountId, connectionId, organizationId, syncedAt }, batch);
          repositories += batch.length;
          batch = [];
          await options.onProgress?.(repositories);
        };
        for await (const repo of provider.listRepositories(org)) {
          options.signal?.throwIfAborted();
          batch.push(repo);
          if (batch.length >= batchSize) await flush();
        }
        await flush();
      }
    });
  } catch (error) {
    if (!options.signal?.aborted) await recordSyncFailure(ctx.db, accountId, connectionId, problemOf(error));
    throw error;
  }
  const removed = await removeUnseen(ctx.db, { accountId, connectionId, syncedAt, organizationIds });
  await recordSyncSuccess(ctx.db, accountId, connectionId, syncedAt);
  if (previousSyncAt !== null) {
    const added = await countAddedSince(ctx.db, { accountId, connectionId }, syncedAt);
    if (added + removed > 0) {
      await noteUnreportedActivity(ctx.db, { accountId, connectionId, previousSyncAt }, new Date());
    }
  }
  options.logger?.info({ connectionId, repositories, removed }, 'connection synced');
  return { organizations: organizationIds.length, repositories, removed };
}

export const createSyncHandler =
  (ctx: Pick<ServiceContext, 'db' | 'config' | 'secrets' | 'scmShared' | 'githubApps'>): JobHandler =>
  async (job, context) => {
    const { connectionId } = payload.parse(job.payload);
    return syncConnection(ctx, job.accountId!, connectionId, {
      signal: context.signal,
      logger: context.logger,
      onProgress: (repositories) => context.setProgress(repositories),
    });
  };
