import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from './database.js';
import { nameOrder } from './name-order.js';
import { nowIso } from '../core/tokens.js';

export interface OrganizationInput {
  readonly externalId: string;
  readonly name: string;
  readonly webUrl: string;
}

export interface RepositoryInput {
  readonly externalId: string;
  readonly name: string;
  readonly fullName: string;
  readonly defaultBranch: string | null;
  readonly visibility: 'public' | 'private' | 'internal';
  readonly archived: boolean;
  /** A fork of another repository; absent: not one. */
  readonly fork?: boolean | undefined;
  readonly webUrl: string;
}

/** Inserts or updates an organization by its stable external id; returns our id for it. */
export async function upsertOrganization(
  db: Db,
  scope: { accountId: string; connectionId: string },
  org: OrganizationInput,
): Promise<string> {
  const now = nowIso();
  await db
    .insertInto('organizations')
    .values({
      id: randomUUID(),
      account_id: scope.accountId,
      connection_id: scope.connectionId,
      external_id: org.externalId,
      name: org.name,
      web_url: org.webUrl,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc
        .columns(['connection_id', 'external_id'])
        .doUpdateSet({ name: org.name, web_url: org.webUrl, updated_at: now }),
    )
    .execute();
  const row = await db
    .selectFrom('organizations')
    .select('id')
    .where('connection_id', '=', scope.connectionId)
    .where('external_id', '=', org.externalId)
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Inserts or updates repositories by their stable external id, so a rename is an update and not a new
 * repository; `syncedAt` marks them as seen in this sync.
 */
export async function upsertRepositories(
  db: Db,
  scope: { accountId: string; connectionId: string; organizationId: string; syncedAt: string },
  repositories: readonly RepositoryInput[],
): Promise<void> {
  if (repositories.length === 0) return;
  const now = nowIso();
  await db
    .insertInto('repositories')
    .values(
      repositories.map((r) => ({
        id: randomUUID(),
        account_id: scope.accountId,
        connection_id: scope.connectionId,
        organization_id: scope.organizationId,
        external_id: r.externalId,
        name: r.name,
        full_name: r.fullName,
        default_branch: r.defaultBranch,
        visibility: r.visibility,
        archived: r.archived ? 1 : 0,
        fork: r.fork ? 1 : 0,
        web_url: r.webUrl,
        synced_at: scope.syncedAt,
        created_at: now,
        updated_at: now,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['connection_id', 'external_id']).doUpdateSet((eb) => ({
        organization_id: eb.ref('excluded.organization_id'),
        name: eb.ref('excluded.name'),
        full_name: eb.ref('excluded.full_name'),
        default_branch: eb.ref('excluded.default_branch'),
        visibility: eb.ref('excluded.visibility'),
        archived: eb.ref('excluded.archived'),
        fork: eb.ref('excluded.fork'),
        web_url: eb.ref('excluded.web_url'),
        synced_at: eb.ref('excluded.synced_at'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}

/** How many of the connection's repositories were first stored at or after `since`. */
export async function countAddedSince(
  db: Db,
  scope: { accountId: string; connectionId: string },
  since: string,
): Promise<number> {
  const row = await db
    .selectFrom('repositories')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('account_id', '=', scope.accountId)
    .where('connection_id', '=', scope.connectionId)
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** After a complete sync: repositories and organizations the SCM no longer lists are removed. */
export async function removeUnseen(
  db: Db,
  scope: { accountId: string; connectionId: string; syncedAt: string; organizationIds: readonly string[] },
): Promise<number> {
  const result = await db
    .deleteFrom('repositories')
    .where('account_id', '=', scope.accountId)
    .where('connection_id', '=', scope.connectionId)
    .where('synced_at', '<', scope.syncedAt)
    .executeTakeFirst();
  let orgs = db
    .deleteFrom('organizations')
    .where('account_id', '=', scope.accountId)
    .where('connection_id', '=', scope.connectionId);
  if (scope.organizationIds.length > 0) orgs = orgs.where('id', 'not in', scope.organizationIds);
  await orgs.execute();
  return Number(result.numDeletedRows);
}

export interface OrganizationListItem {
  readonly id: string;
  readonly connectionId: string;
  readonly kind: string;
  readonly name: string;
  readonly webUrl: string;
  readonly repositoryCount: number;
}

export async function listOrganizations(db: Db, accountId: string): Promise<OrganizationListItem[]> {
  const rows = await db
    .selectFrom('organizations')
    .innerJoin('connections', 'connections.id', 'organizations.connection_id')
    .leftJoin('repositories', 'repositories.organization_id', 'organizations.id')
    .select((eb) => [
      'organizations.id',
      'organizations.connection_id as connectionId',
      'connections.kind',
      'organizations.name',
      'organizations.web_url as webUrl',
      eb.fn.count<string | number>('repositories.id').as('repositoryCount'),
    ])
    .where('organizations.account_id', '=', accountId)
    .groupBy([
      'organizations.id',
      'organizations.connection_id',
      'connections.kind',
      'organizations.name',
      'organizations.web_url',
    ])
    .orderBy(nameOrder('organizations.name'))
    .orderBy('organizations.name')
    .orderBy('organizations.id')
    .execute();
  return rows.map((r) => ({ ...r, repositoryCount: Number(r.repositoryCount) }));
}

export interface RepositoryFilter {
  readonly connectionId?: string | undefined;
  readonly q?: string | undefined;
  readonly archived?: boolean | undefined;
  /** Only repositories an admin excluded from scanning (true) or not (false). */
  readonly excluded?: boolean | undefined;
  /** Only repositories with every one of these tags (lower-case). */
  readonly tags?: readonly string[] | undefined;
  readonly limit: number;
  /** The full name and id of the last item of the previous page. */
  readonly after?: { fullName: string; id: string } | undefined;
}

export interface RepositoryListItem {
  readonly id: string;
  readonly connectionId: string;
  readonly organizationId: string;
  readonly name: string;
  readonly fullName: string;
  readonly defaultBranch: string | null;
  readonly visibility: 'public' | 'private' | 'internal';
  readonly archived: boolean;
  readonly webUrl: string;
  readonly syncedAt: string;
  readonly excluded: boolean;
  readonly tags: string[];
}

/** The tags column (a JSON array this service wrote); anything else reads as no tags. */
export function parseTags(text: string): string[] {
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? value.filter((tag): tag is string => typeof tag === 'string') : [];
  } catch {
    return [];
  }
}

const repositoryColumns = [
  'id',
  'connection_id as connectionId',
  'organization_id as organizationId',
  'name',
  'full_name as fullName',
  'default_branch as defaultBranch',
  'visibility',
  'archived',
  'web_url as webUrl',
  'synced_at as syncedAt',
  'excluded',
  'tags',
] as const;

const toListItem = (
  row: Omit<RepositoryListItem, 'archived' | 'excluded' | 'tags'> & {
    archived: number;
    excluded: number;
    tags: string;
  },
): RepositoryListItem => ({
  ...row,
  archived: Number(row.archived) === 1,
  excluded: Number(row.excluded) === 1,
  tags: parseTags(row.tags),
});

/** Repositories of all connections of an account, ordered by full name (case-insensitively), keyset-paginated. */
export async function listRepositories(
  db: Db,
  accountId: string,
  filter: RepositoryFilter,
): Promise<{ items: RepositoryListItem[]; total: number }> {
  let base = db.selectFrom('repositories').where('account_id', '=', accountId);
  if (filter.connectionId) base = base.where('connection_id', '=', filter.connectionId);
  if (filter.archived !== undefined) base = base.where('archived', '=', filter.archived ? 1 : 0);
  if (filter.excluded !== undefined) base = base.where('excluded', '=', filter.excluded ? 1 : 0);
  for (const tag of filter.tags ?? []) {
    // Tags are stored as a JSON array of lower-case [a-z0-9-_.:/] strings: `"tag"` appears only as that tag.
    const pattern = `%${JSON.stringify(tag).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    base = base.where(sql<boolean>`tags like ${pattern} escape '\\'`);
  }
  if (filter.q) {
    const pattern = `%${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    base = base.where(sql<boolean>`lower(full_name) like ${pattern} escape '\\'`);
  }
  const total = await base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirst();
  let page = base.select(repositoryColumns);
  if (filter.after) {
    // The row after the cursor in the listing's own order (sort key, full name, id).
    const { fullName, id } = filter.after;
    page = page.where(
      sql<boolean>`(${nameOrder('full_name')}, full_name, id) > (lower(cast(${fullName} as text)), cast(${fullName} as text), cast(${id} as text))`,
    );
  }
  const rows = await page
    .orderBy(nameOrder('full_name'))
    .orderBy('full_name')
    .orderBy('id')
    .limit(filter.limit)
    .execute();
  return { items: rows.map(toListItem), total: Number(total?.n ?? 0) };
}

/** One repository of the account as the listing shows it; undefined for another account's. */
export async function findRepository(
  db: Db,
  accountId: string,
  repositoryId: string,
): Promise<RepositoryListItem | undefined> {
  const row = await db
    .selectFrom('repositories')
    .select(repositoryColumns)
    .where('account_id', '=', accountId)
    .where('id', '=', repositoryId)
    .executeTakeFirst();
  return row && toListItem(row);
}
