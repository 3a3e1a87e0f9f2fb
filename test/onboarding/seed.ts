import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/db/database.js';
import { insertConnection } from '../../src/db/connections.js';
import { upsertOrganization, upsertRepositories, type RepositoryInput } from '../../src/db/inventory.js';

export interface SeededConnection {
  readonly connectionId: string;
  /** Repository ids by full name. */
  readonly ids: Record<string, string>;
}

/**
 * A connection of `kind` (no token: nothing can reach its SCM) with repositories stored as a sync would store
 * them; `fork` and `excluded` set as asked.
 */
export async function seedConnection(
  db: Db,
  accountId: string,
  kind: string,
  repositories: readonly (Partial<RepositoryInput> & { fullName: string; excluded?: boolean })[],
): Promise<SeededConnection> {
  const connectionId = randomUUID();
  await insertConnection(db, {
    id: connectionId,
    accountId,
    kind,
    name: kind,
    baseUrl: 'https://scm.example.com',
    target: 'acme',
    settings: {},
    tokenEncrypted: null,
    caPem: null,
  });
  const scope = { accountId, connectionId };
  const organizationId = await upsertOrganization(db, scope, {
    externalId: randomUUID(),
    name: 'acme',
    webUrl: 'https://scm.example.com/acme',
  });
  const now = new Date().toISOString();
  for (let at = 0; at < repositories.length; at += 500) {
    await upsertRepositories(
      db,
      { ...scope, organizationId, syncedAt: now },
      repositories.slice(at, at + 500).map((repository) => ({
        externalId: repository.externalId ?? randomUUID(),
        name: repository.fullName.split('/').pop()!,
        fullName: repository.fullName,
        defaultBranch: repository.defaultBranch === undefined ? 'main' : repository.defaultBranch,
        visibility: 'private',
        archived: repository.archived ?? false,
        fork: repository.fork ?? false,
        webUrl: `https://scm.example.com/${repository.fullName}`,
      })),
    );
  }
  const excluded = repositories.filter((r) => r.excluded).map((r) => r.fullName);
  if (excluded.length > 0) {
    await db
      .updateTable('repositories')
      .set({ excluded: 1 })
      .where('connection_id', '=', connectionId)
      .where('full_name', 'in', excluded)
      .execute();
  }
  const rows = await db
    .selectFrom('repositories')
    .select(['id', 'full_name'])
    .where('connection_id', '=', connectionId)
    .execute();
  return { connectionId, ids: Object.fromEntries(rows.map((row) => [row.full_name, row.id])) };
}
