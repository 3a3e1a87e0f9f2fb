import { countAdmins } from '../db/accounts.js';
import type { Db } from '../db/database.js';
import { findMembershipState, upsertManagedMembership } from '../db/membership-sources.js';
import type { Role } from '../db/schema.js';

/**
 * Makes the person a managed member with `role` and their SCM role. A role mapping never demotes the account's
 * last admin: an account nobody can administer could not even change its mapping.
 */
export async function admitMember(
  db: Db,
  input: { accountId: string; userId: string; role: Role; scmRole: string },
): Promise<'added' | 'updated' | 'unchanged'> {
  const existing = await findMembershipState(db, input.accountId, input.userId);
  const lastAdmin =
    existing?.role === 'admin' && input.role !== 'admin' && (await countAdmins(db, input.accountId)) <= 1;
  return upsertManagedMembership(db, { ...input, role: lastAdmin ? 'admin' : input.role });
}
