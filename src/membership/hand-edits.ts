import { conflict } from '../core/errors.js';
import type { Db } from '../db/database.js';
import { findMembershipSource, findMembershipState } from '../db/membership-sources.js';
import { sourceLabel } from './source.js';

/**
 * Refuses a hand edit of a member the membership source manages: removing them (the source would add them back;
 * they are removed in the SCM), or changing their role while a role mapping decides it. Without a mapping the
 * source keeps whatever role an admin gives.
 */
export async function refuseHandEdit(
  db: Db,
  accountId: string,
  userId: string,
  change: 'role' | 'remove',
): Promise<void> {
  const state = await findMembershipState(db, accountId, userId);
  if (!state?.managed) return;
  const source = await findMembershipSource(db, accountId);
  if (!source) return;
  const label = sourceLabel(source);
  if (change === 'remove') {
    throw conflict(
      'managed_member',
      `This member comes from ${label}: remove them from ${label}; scm-connect follows within a minute.`,
    );
  }
  if (source.roleMapping) {
    throw conflict(
      'managed_member',
      `This member's role comes from ${label}'s role mapping: change their role there, or turn the mapping off.`,
    );
  }
}
