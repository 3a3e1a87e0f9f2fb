import { timeOrderedId } from '../core/ids.js';
import { conflict } from '../core/errors.js';
import { recordAudit } from '../db/audit.js';
import type { Db } from '../db/database.js';
import type { FindingEventVia, IgnoreReason } from '../db/schema.js';

export type TriageAction =
  | { readonly action: 'ignore'; readonly reason: IgnoreReason; readonly note?: string | undefined }
  | { readonly action: 'reopen'; readonly note?: string | undefined };

/**
 * Ignores a finding with a reason (again: the new reason and note replace the old), or reopens an ignored one.
 * The finding keeps its identity, so an ignore holds for every later scan that reports it. Each change adds a
 * `finding_events` row and an audit event naming who did it (null for an API token, and for a person on the
 * SCM, whom `via` names). Returns false when the finding is not the account's.
 */
export async function triageFinding(
  db: Db,
  input: {
    accountId: string;
    findingId: string;
    userId: string | null;
    action: TriageAction;
    /** Where the triage came from when not from scm-connect (a reply on a pull request). */
    via?: FindingEventVia | undefined;
  },
): Promise<boolean> {
  const { accountId, findingId, userId, action, via } = input;
  const at = new Date().toISOString();
  return db.transaction().execute(async (trx) => {
    const finding = await trx
      .selectFrom('findings')
      .select(['id', 'ignored_reason', 'rule_id', 'repository_id'])
      .where('account_id', '=', accountId)
      .where('id', '=', findingId)
      .executeTakeFirst();
    if (!finding) return false;
    const note = action.note?.trim() ? action.note.trim() : null;
    if (action.action === 'ignore') {
      await trx
        .updateTable('findings')
        .set({
          ignored_reason: action.reason,
          ignored_note: note,
          ignored_by_user_id: userId,
          ignored_at: at,
          updated_at: at,
        })
        .where('account_id', '=', accountId)
        .where('id', '=', findingId)
        .execute();
    } else {
      if (finding.ignored_reason === null) {
        throw conflict('not_ignored', 'The finding is not ignored, so there is nothing to reopen.');
      }
      await trx
        .updateTable('findings')
        .set({
          ignored_reason: null,
          ignored_note: null,
          ignored_by_user_id: null,
          ignored_at: null,
          updated_at: at,
        })
        .where('account_id', '=', accountId)
        .where('id', '=', findingId)
        .execute();
    }
    await trx
      .insertInto('finding_events')
      .values({
        id: timeOrderedId(),
        account_id: accountId,
        finding_id: findingId,
        kind: action.action === 'ignore' ? 'ignored' : 'unignored',
        scan_id: null,
        user_id: userId,
        reason: action.action === 'ignore' ? action.reason : null,
        note,
        at,
        via: via ? JSON.stringify(via) : null,
      })
      .execute();
    await recordAudit(trx, {
      accountId,
      actorUserId: userId,
      action: action.action === 'ignore' ? 'finding.ignored' : 'finding.reopened',
      target: findingId,
      details: {
        ruleId: finding.rule_id,
        repositoryId: finding.repository_id,
        ...(action.action === 'ignore'
          ? { reason: action.reason }
          : { previousReason: finding.ignored_reason }),
        ...(note === null ? {} : { note }),
        ...(via ? { via } : {}),
      },
    });
    return true;
  });
}
