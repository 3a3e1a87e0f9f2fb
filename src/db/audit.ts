import { randomUUID } from 'node:crypto';
import type { Db } from './database.js';
import { nowIso } from '../core/tokens.js';

/** Records who did what; details never hold a secret value (a changed token is recorded as changed). */
export const recordAudit = (
  db: Db,
  event: {
    accountId: string | null;
    actorUserId: string | null;
    action: string;
    target?: string;
    details?: object;
  },
) =>
  db
    .insertInto('audit_events')
    .values({
      id: randomUUID(),
      account_id: event.accountId,
      actor_user_id: event.actorUserId,
      action: event.action,
      target: event.target ?? null,
      details: event.details ? JSON.stringify(event.details) : null,
      created_at: nowIso(),
    })
    .execute();
