import type { Db } from './database.js';
import type { Role } from './schema.js';
import { nowIso } from '../core/tokens.js';

/** The SCM that manages an account's membership: GitHub (github.com, Enterprise Server) or GitLab. */
export type MembershipProvider = 'github' | 'gitlab';

/** SCM role → account role; roles it does not name get the account's default role. */
export type RoleMapping = Readonly<Record<string, Role>>;

/** What one reconciliation did, or why it failed. */
export interface ReconcileOutcome {
  readonly ok: boolean;
  readonly added: number;
  readonly removed: number;
  readonly updated: number;
  readonly error?: string;
}

export interface MembershipSource {
  readonly accountId: string;
  readonly connectionId: string;
  readonly connectionKind: string;
  readonly provider: MembershipProvider;
  readonly organizationExternalId: string;
  readonly organizationName: string;
  readonly roleMapping: RoleMapping | null;
  readonly lastReconciledAt: string | null;
  readonly lastOutcome: ReconcileOutcome | null;
  readonly defaultRole: Role;
}

/** The connection kinds that can manage membership, by the provider of the identities they admit. */
export const membershipKinds: Readonly<Record<MembershipProvider, readonly string[]>> = {
  github: ['github', 'github-enterprise'],
  gitlab: ['gitlab', 'gitlab-self-managed'],
};

export const providerOfKind = (kind: string): MembershipProvider | undefined =>
  membershipKinds.github.includes(kind)
    ? 'github'
    : membershipKinds.gitlab.includes(kind)
      ? 'gitlab'
      : undefined;

const parseJson = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

const sourceQuery = (db: Db) =>
  db
    .selectFrom('membership_sources as s')
    .innerJoin('connections as c', (join) =>
      join.onRef('c.id', '=', 's.connection_id').onRef('c.account_id', '=', 's.account_id'),
    )
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .select([
      's.account_id',
      's.connection_id',
      'c.kind',
      'c.base_url',
      's.organization_external_id',
      's.organization_name',
      's.role_mapping',
      's.last_reconciled_at',
      's.last_outcome',
      'a.default_role',
    ]);

type SourceRow = Awaited<ReturnType<ReturnType<typeof sourceQuery>['executeTakeFirstOrThrow']>>;

function toSource(row: SourceRow): MembershipSource {
  return {
    accountId: row.account_id,
    connectionId: row.connection_id,
    connectionKind: row.kind,
    provider: providerOfKind(row.kind) ?? 'github',
    organizationExternalId: row.organization_external_id,
    organizationName: row.organization_name,
    roleMapping: parseJson<RoleMapping>(row.role_mapping),
    lastReconciledAt: row.last_reconciled_at,
    lastOutcome: parseJson<ReconcileOutcome>(row.last_outcome),
    defaultRole: row.default_role,
  };
}

export async function findMembershipSource(db: Db, accountId: string): Promise<MembershipSource | undefined> {
  const row = await sourceQuery(db).where('s.account_id', '=', accountId).executeTakeFirst();
  return row && toSource(row);
}

/**
 * Every membership source that admits identities of `provider` at `issuer` (the SCM's web root, no trailing
 * slash): a GitHub organization whose installation is on that GitHub, or a GitLab group of a connection to it.
 */
export async function sourcesOnHost(
  db: Db,
  provider: MembershipProvider,
  issuer: string,
): Promise<MembershipSource[]> {
  const query = sourceQuery(db).where('c.kind', 'in', [...membershipKinds[provider]]);
  const rows =
    provider === 'gitlab'
      ? await query.where('c.base_url', '=', issuer).execute()
      : await query
          .where((eb) =>
            eb.exists(
              eb
                .selectFrom('github_installations as i')
                .select('i.id')
                .whereRef('i.connection_id', '=', 's.connection_id')
                .whereRef('i.account_id', '=', 's.account_id')
                .whereRef('i.target_id', '=', 's.organization_external_id')
                .where('i.web_url', '=', issuer)
                .where('i.removed_at', 'is', null),
            ),
          )
          .execute();
  return rows.map(toSource);
}

/**
 * The web root of a source's SCM, as identities name it in `issuer`: the installation's GitHub, or the GitLab
 * connection's instance. Undefined when a GitHub organization has no live installation any more.
 */
export async function issuerOfSource(db: Db, source: MembershipSource): Promise<string | undefined> {
  if (source.provider === 'gitlab') {
    const row = await db
      .selectFrom('connections')
      .select('base_url')
      .where('id', '=', source.connectionId)
      .where('account_id', '=', source.accountId)
      .executeTakeFirst();
    return row?.base_url;
  }
  const row = await db
    .selectFrom('github_installations')
    .select('web_url')
    .where('connection_id', '=', source.connectionId)
    .where('account_id', '=', source.accountId)
    .where('target_id', '=', source.organizationExternalId)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  return row?.web_url;
}

/** An organization of one of the account's GitHub or GitLab connections that could manage its membership. */
export interface SourceCandidate {
  readonly connectionId: string;
  readonly kind: string;
  readonly host: string;
  readonly organization: { readonly externalId: string; readonly name: string };
  readonly webUrl: string;
}

/**
 * The GitHub organizations (not user accounts) and GitLab top-level groups of the account's connections, in
 * connection order. A GitLab connection's organization is its top-level group.
 */
export async function listSourceCandidates(db: Db, accountId: string): Promise<SourceCandidate[]> {
  const rows = await db
    .selectFrom('organizations as o')
    .innerJoin('connections as c', (join) =>
      join.onRef('c.id', '=', 'o.connection_id').onRef('c.account_id', '=', 'o.account_id'),
    )
    .select(['o.connection_id', 'c.kind', 'o.external_id', 'o.name', 'o.web_url'])
    .where('o.account_id', '=', accountId)
    .where((eb) =>
      eb.or([
        eb('c.kind', 'in', [...membershipKinds.gitlab]),
        eb.and([
          eb('c.kind', 'in', [...membershipKinds.github]),
          eb.exists(
            eb
              .selectFrom('github_installations as i')
              .select('i.id')
              .whereRef('i.connection_id', '=', 'o.connection_id')
              .whereRef('i.target_id', '=', 'o.external_id')
              .where('i.target_type', '=', 'Organization')
              .where('i.removed_at', 'is', null),
          ),
        ]),
      ]),
    )
    .orderBy('c.created_at')
    .orderBy('o.name')
    .execute();
  return rows.map((row) => ({
    connectionId: row.connection_id,
    kind: row.kind,
    host: hostOf(row.web_url),
    organization: { externalId: row.external_id, name: row.name },
    webUrl: row.web_url,
  }));
}

const hostOf = (url: string): string => {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
};

/**
 * Sets the account's source. Members a source managed before this account had one (its connection was removed
 * since) become ordinary members first, as when a source is removed: the new source manages only whom it admits.
 */
export async function saveMembershipSource(
  db: Db,
  input: {
    accountId: string;
    connectionId: string;
    organizationExternalId: string;
    organizationName: string;
    roleMapping: RoleMapping | null;
    createdBy: string | null;
  },
): Promise<void> {
  const now = nowIso();
  const mapping = input.roleMapping === null ? null : JSON.stringify(input.roleMapping);
  const existing = await db
    .selectFrom('membership_sources')
    .select('account_id')
    .where('account_id', '=', input.accountId)
    .executeTakeFirst();
  if (!existing) await unmanageMembers(db, input.accountId);
  await db
    .insertInto('membership_sources')
    .values({
      account_id: input.accountId,
      connection_id: input.connectionId,
      organization_external_id: input.organizationExternalId,
      organization_name: input.organizationName,
      role_mapping: mapping,
      last_reconciled_at: null,
      last_outcome: null,
      created_by: input.createdBy,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.column('account_id').doUpdateSet({
        connection_id: input.connectionId,
        organization_external_id: input.organizationExternalId,
        organization_name: input.organizationName,
        role_mapping: mapping,
        updated_at: now,
      }),
    )
    .execute();
}

/** Removes the source; the members it added stay, as ordinary members. */
export async function deleteMembershipSource(db: Db, accountId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('membership_sources')
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  await unmanageMembers(db, accountId);
  return Number(result.numDeletedRows) > 0;
}

const unmanageMembers = (db: Db, accountId: string) =>
  db
    .updateTable('memberships')
    .set({ managed: 0, scm_role: null })
    .where('account_id', '=', accountId)
    .where('managed', '=', 1)
    .execute();

export async function recordReconcileOutcome(
  db: Db,
  accountId: string,
  outcome: ReconcileOutcome,
  organizationName?: string,
): Promise<void> {
  const now = nowIso();
  await db
    .updateTable('membership_sources')
    .set({
      last_reconciled_at: now,
      last_outcome: JSON.stringify(outcome),
      ...(organizationName === undefined ? {} : { organization_name: organizationName }),
    })
    .where('account_id', '=', accountId)
    .execute();
}

/** A member of an account as its membership source sees them. */
export interface MembershipState {
  readonly userId: string;
  readonly role: Role;
  readonly managed: boolean;
  readonly scmRole: string | null;
}

const membershipStates = (db: Db, accountId: string) =>
  db
    .selectFrom('memberships')
    .select(['user_id', 'role', 'managed', 'scm_role'])
    .where('account_id', '=', accountId);

const toMembershipState = (row: {
  user_id: string;
  role: Role;
  managed: number;
  scm_role: string | null;
}): MembershipState => ({
  userId: row.user_id,
  role: row.role,
  managed: row.managed === 1,
  scmRole: row.scm_role,
});

export const membershipsOfAccount = async (db: Db, accountId: string): Promise<MembershipState[]> =>
  (await membershipStates(db, accountId).execute()).map(toMembershipState);

export async function findMembershipState(
  db: Db,
  accountId: string,
  userId: string,
): Promise<MembershipState | undefined> {
  const row = await membershipStates(db, accountId).where('user_id', '=', userId).executeTakeFirst();
  return row && toMembershipState(row);
}

/**
 * Makes the person a managed member with `role` and their SCM role: a new membership, or an existing one (local
 * or managed) taken over by the source. Answers what changed.
 */
export async function upsertManagedMembership(
  db: Db,
  input: { accountId: string; userId: string; role: Role; scmRole: string },
): Promise<'added' | 'updated' | 'unchanged'> {
  const current = await findMembershipState(db, input.accountId, input.userId);
  if (!current) {
    const result = await db
      .insertInto('memberships')
      .values({
        account_id: input.accountId,
        user_id: input.userId,
        role: input.role,
        created_at: nowIso(),
        managed: 1,
        scm_role: input.scmRole,
      })
      .onConflict((oc) => oc.columns(['account_id', 'user_id']).doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) > 0) return 'added';
  } else if (current.managed && current.role === input.role && current.scmRole === input.scmRole) {
    return 'unchanged';
  }
  await db
    .updateTable('memberships')
    .set({ role: input.role, managed: 1, scm_role: input.scmRole })
    .where('account_id', '=', input.accountId)
    .where('user_id', '=', input.userId)
    .execute();
  return 'updated';
}

/** The user an SCM identity is linked to, without touching it (reconciliation and webhooks are not sign-ins). */
export async function userOfIdentity(
  db: Db,
  identity: { provider: MembershipProvider; issuer: string; subject: string },
): Promise<string | undefined> {
  const row = await db
    .selectFrom('user_identities')
    .select('user_id')
    .where('provider', '=', identity.provider)
    .where('issuer', '=', identity.issuer)
    .where('subject', '=', identity.subject)
    .executeTakeFirst();
  return row?.user_id;
}
