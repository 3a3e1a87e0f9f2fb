import type { Db } from './database.js';
import { findIdentity, linkIdentity, type ExternalIdentity } from './identities.js';
import { isUniqueViolation } from './unique-violation.js';
import { createUser, findUserByEmail } from './users.js';

/** What the user an external identity signs in as is made of. */
export interface IdentityUserDraft {
  readonly name: string;
  /**
   * The addresses to try, in order (the provider's own first, then no-reply ones): the first nobody has is taken.
   * An address someone has is never taken over, nor merged into: the identity would sign in as its owner.
   */
  readonly emails: readonly string[];
}

/** Thrown inside the transaction when a concurrent sign-in linked the identity first. */
class LinkedMeanwhile extends Error {}

/**
 * Creates the user an SCM or identity provider identity signs in as (no password) and links the identity, in one
 * transaction; when a concurrent sign-in of the same identity won, its user is answered instead.
 */
export async function createUserForIdentity(
  db: Db,
  identity: ExternalIdentity,
  draft: IdentityUserDraft,
): Promise<string> {
  for (const email of draft.emails) {
    if (await findUserByEmail(db, email)) continue;
    try {
      return await db.transaction().execute(async (tx) => {
        const user = await createUser(tx, { email, name: draft.name, passwordHash: '' });
        if (!(await linkIdentity(tx, user.id, identity))) throw new LinkedMeanwhile();
        return user.id;
      });
    } catch (error) {
      if (error instanceof LinkedMeanwhile) {
        const winner = await findIdentity(db, identity);
        if (winner) return winner.userId;
      } else if (!isUniqueViolation(error)) {
        throw error;
      }
    }
  }
  throw new Error('no free email address for a new user');
}

/**
 * Links an identity to a signed-in user: `linked` when it is new, `theirs` when it was linked to them already,
 * `in-use` when it signs in another user (a concurrent link counts as if it had come first).
 */
export async function linkIdentityToUser(
  db: Db,
  userId: string,
  identity: ExternalIdentity,
): Promise<'linked' | 'theirs' | 'in-use'> {
  const owner = async () => (await findIdentity(db, identity))?.userId;
  const existing = await owner();
  if (existing === undefined && (await linkIdentity(db, userId, identity))) return 'linked';
  return (existing ?? (await owner())) === userId ? 'theirs' : 'in-use';
}
