import type { Config } from '../../config/config.js';
import { AppError, unprocessable } from '../../core/errors.js';
import { findScmKind, type ScmKindId } from '../../core/scm-kinds.js';
import type { Db } from '../../db/database.js';
import { candidateFullNames, type ConnectionTarget } from './repository-match.js';
import { parseRepositoryReference, type RepositoryReference } from './repository-reference.js';

/** The repository a scan is of, as synced from its connection. */
export interface ResolvedRepository {
  readonly id: string;
  readonly fullName: string;
  readonly connectionId: string;
}

interface RepositoryRow {
  readonly id: string;
  readonly fullName: string;
  readonly connectionId: string;
  readonly excluded: number;
}

/**
 * Where a connection's repositories live on the web: the stored base URL (GitHub's and GHES's are their web
 * roots, self-managed kinds the admin's URL), except Bitbucket Cloud, whose API and web hosts differ.
 */
export function connectionWebRoot(kind: ScmKindId, baseUrl: string, config: Pick<Config, 'cloudUrls'>): URL {
  return kind === 'bitbucket-cloud' ? config.cloudUrls.bitbucketWeb : new URL(baseUrl);
}

const kindName = (kind: string) => findScmKind(kind)?.name ?? kind;

const describeConnection = (c: ConnectionTarget) => `"${c.name}" (${kindName(c.kind)}, ${c.webRoot.host})`;

async function connectionsOf(db: Db, accountId: string, config: Pick<Config, 'cloudUrls'>) {
  const rows = await db
    .selectFrom('connections')
    .select(['id', 'name', 'kind', 'base_url'])
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const targets: ConnectionTarget[] = [];
  for (const row of rows) {
    const kind = findScmKind(row.kind)?.id;
    if (!kind) continue;
    try {
      targets.push({
        id: row.id,
        name: row.name,
        kind,
        webRoot: connectionWebRoot(kind, row.base_url, config),
      });
    } catch {
      // A base URL that does not parse cannot match a URL; its repositories are still found by name or id.
      targets.push({ id: row.id, name: row.name, kind, webRoot: new URL('invalid://connection') });
    }
  }
  return targets;
}

const repositories = (db: Db, accountId: string) =>
  db
    .selectFrom('repositories')
    .select(['id', 'full_name as fullName', 'connection_id as connectionId', 'excluded'])
    .where('account_id', '=', accountId);

/**
 * Finds the synced repository an upload names, among the account's connections: by id, by full name
 * (case-insensitively), or by URL (on a connection's host, its path naming the repository). Refuses an unknown
 * repository with 404 naming what was tried and the connections searched, a name several connections hold with
 * 422 (send the URL or id instead), and an excluded repository with 422.
 */
export async function resolveRepository(
  db: Db,
  config: Pick<Config, 'cloudUrls'>,
  accountId: string,
  text: string,
): Promise<ResolvedRepository> {
  const reference = parseRepositoryReference(text);
  if (!reference) {
    throw unprocessable(
      'invalid_repository',
      'The repository must be its full name (owner/name, group/subgroup/project, org/project/repo), a web or clone URL of it, or its scm-connect id.',
    );
  }
  const connections = await connectionsOf(db, accountId, config);
  const { rows, tried } = await lookUp(db, accountId, reference, connections);
  if (rows.length === 0) throw notFound(reference, tried, connections);
  if (rows.length > 1) {
    const where = rows.map((row) => {
      const connection = connections.find((c) => c.id === row.connectionId);
      return `${row.fullName} on ${connection ? describeConnection(connection) : 'a connection'} (id ${row.id})`;
    });
    throw unprocessable(
      'repository_ambiguous',
      `${reference.display} names several repositories: ${where.join('; ')}. Send its URL (with the host) or its id instead.`,
    );
  }
  const row = rows[0]!;
  if (Number(row.excluded) === 1) {
    throw unprocessable(
      'repository_excluded',
      `${row.fullName} is excluded from scanning by an admin of this account, so its scans are not taken: include it again on the Projects page (or PATCH …/repositories/${row.id} with {"excluded": false}), or stop uploading for it.`,
    );
  }
  return { id: row.id, fullName: row.fullName, connectionId: row.connectionId };
}

async function lookUp(
  db: Db,
  accountId: string,
  reference: RepositoryReference,
  connections: readonly ConnectionTarget[],
): Promise<{ rows: RepositoryRow[]; tried: string }> {
  switch (reference.kind) {
    case 'id':
      return {
        rows: await repositories(db, accountId).where('id', '=', reference.id).execute(),
        tried: `the repository id ${reference.id}`,
      };
    case 'name': {
      const lowered = reference.fullNames.map((name) => name.toLowerCase());
      return {
        rows: await repositories(db, accountId)
          .where((eb) => eb(eb.fn('lower', ['full_name']), 'in', lowered))
          .execute(),
        tried: `the full name ${reference.fullNames.map((n) => `"${n}"`).join(' or ')} (any case)`,
      };
    }
    case 'url': {
      const wanted = connections
        .map((connection) => ({ connection, names: candidateFullNames(reference, connection) }))
        .filter((entry) => entry.names.length > 0);
      if (wanted.length === 0) {
        return {
          rows: [],
          tried: `${reference.display} (no connection of this account is on ${reference.hostname}${reference.port ? `:${reference.port}` : ''})`,
        };
      }
      const found = await repositories(db, accountId)
        .where((eb) =>
          eb.or(
            wanted.map(({ connection, names }) =>
              eb.and([
                eb('connection_id', '=', connection.id),
                eb(
                  eb.fn('lower', ['full_name']),
                  'in',
                  names.map((name) => name.toLowerCase()),
                ),
              ]),
            ),
          ),
        )
        .execute();
      // GitLab paths give several candidates (a project, or a page of its parent): the longest that exists wins.
      const rows = wanted.flatMap(({ connection, names }) => {
        for (const name of names) {
          const row = found.find(
            (r) => r.connectionId === connection.id && r.fullName.toLowerCase() === name.toLowerCase(),
          );
          if (row) return [row];
        }
        return [];
      });
      const readAs = wanted.map(
        ({ connection, names }) => `${names[0]} on ${describeConnection(connection)}`,
      );
      return { rows, tried: `${reference.display}, read as ${readAs.join(', ')}` };
    }
  }
}

function notFound(
  reference: RepositoryReference,
  tried: string,
  connections: readonly ConnectionTarget[],
): AppError {
  const searched =
    connections.length === 0
      ? 'This account has no connections yet: connect the source code manager that holds the repository first.'
      : `Connections searched: ${connections.map(describeConnection).join(', ')}. If the repository was added recently, sync its connection (Sync now, or scm-connect connections sync ID) and upload again.`;
  return new AppError(
    404,
    'repository_not_found',
    `No synced repository matches ${reference.kind === 'url' ? '' : `${reference.display}: tried `}${tried}. ${searched}`,
  );
}
