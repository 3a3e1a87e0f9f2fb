import type { Db } from '../db/database.js';
import { createApiToken } from '../db/api-tokens.js';
import { beginCiSecret, confirmCiSecret, currentCiSecretToken, type CiSecretPlace } from '../db/bulk-ci.js';
import type { CiSecretStore, ScmRepositoryRef } from '../scm/provider.js';

export interface CiSecretRequest {
  readonly accountId: string;
  readonly connectionId: string;
  readonly repository: ScmRepositoryRef;
  readonly secretName: string;
  /** Who the token is made for (the run's creator), as the tokens page shows it. */
  readonly createdBy: string | null;
}

/**
 * Makes sure the CI job's secret holds a live scan-upload API token of the account: `present` when the token
 * recorded for that place still exists and the SCM still has the secret; otherwise a new token is made,
 * recorded as pending, stored in the SCM, then confirmed, and the token it replaces revoked. A crash at any point
 * leaves every token made recorded (a pending one is replaced by the next run), so none is left behind. The
 * token's value goes to the SCM only: never stored, logged or returned.
 */
export async function ensureCiSecret(
  db: Db,
  store: CiSecretStore,
  request: CiSecretRequest,
): Promise<'created' | 'present'> {
  const { repository, secretName } = request;
  const place: CiSecretPlace = {
    accountId: request.accountId,
    connectionId: request.connectionId,
    scopeKey: store.scopeOf(repository),
    secretName,
  };
  const current = await currentCiSecretToken(db, place);
  if (current !== undefined && (await store.hasSecret(repository, secretName))) return 'present';
  const made = await db.transaction().execute(async (tx) => {
    const { token, secret } = await createApiToken(tx, {
      accountId: request.accountId,
      name: `CI: ${repository.fullName}`.slice(0, 100),
      role: 'scan-upload',
      createdBy: request.createdBy,
    });
    await beginCiSecret(tx, place, token.id);
    return { tokenId: token.id, secret };
  });
  await store.putSecret(repository, secretName, made.secret);
  await db.transaction().execute((tx) => confirmCiSecret(tx, place, made.tokenId));
  return 'created';
}
