import { AppError, conflict, notFound } from '../../core/errors.js';
import { recordAudit } from '../../db/audit.js';
import {
  findConnectionRow,
  healthy,
  insertConnection,
  newConnectionId,
  updateConnection,
} from '../../db/connections.js';
import type { Db } from '../../db/database.js';
import { isUniqueViolation } from '../../db/unique-violation.js';
import {
  deleteInstallRequests,
  insertInstallationLink,
  linksOfInstallation,
  updateInstallationState,
  type AppKey,
} from '../../db/github-installations.js';
import { upsertOrganization } from '../../db/inventory.js';
import type { GitHubAccountRef } from '../../scm/github/app-credentials.js';
import type { SecretBox } from '../../secrets/index.js';
import { createWebhookEndpoint, newWebhookSecret } from '../../webhooks/endpoints.js';
import { enqueueSync } from '../service.js';

/** An installation as GitHub described it to the app, after the person proved they administer its account. */
export interface VerifiedInstallation {
  readonly app: AppKey;
  readonly installationId: string;
  readonly account: GitHubAccountRef;
  readonly repositorySelection: 'all' | 'selected';
  readonly suspendedAt: string | null;
  /** The GitHub user who proved admin rights. */
  readonly gitHubUser: { readonly id: string; readonly login: string };
}

export interface LinkOutcome {
  readonly connectionId: string;
  /** false when the account had linked this installation already (the repository selection was refreshed). */
  readonly created: boolean;
}

const alreadyLinked = () =>
  conflict(
    'installation_already_linked',
    'This GitHub installation is linked to another scm-connect account. Unlink it there first, or ask an admin of that account to allow other accounts to link it.',
  );

export interface LinkInput {
  readonly accountId: string;
  /** The person who linked it; null when GitHub reported it (an approved request, a further organization). */
  readonly userId: string | null;
  readonly installation: VerifiedInstallation;
  /** `update`: only an installation this account linked already may change. */
  readonly setupAction: 'install' | 'update';
  readonly now: Date;
  /** A GitHub Enterprise Server connection of the account: its app's installations all belong to it. */
  readonly connectionId?: string;
}

/**
 * Links a verified installation to the account, into (in this order) the GitHub Enterprise Server connection
 * `connectionId` whose app it is, the connection whose installation of the same organization was removed (the
 * app installed again), or a new GitHub connection with its endpoint; its organization is recorded and a sync
 * queued. An installation the account linked before has its repository selection refreshed. An installation
 * another account holds is refused unless that account allows sharing it; nothing is written then.
 */
export async function linkInstallation(db: Db, secrets: SecretBox, input: LinkInput): Promise<LinkOutcome> {
  const outcome = await linkOnce(db, secrets, input).catch((error: unknown) => {
    // Linked by a request that ran alongside this one (the setup callback and the installation webhook arrive
    // together): the link is committed now, so a second pass finds it and refreshes it.
    if (isUniqueViolation(error)) return linkOnce(db, secrets, input);
    throw error;
  });
  await enqueueSync(
    db,
    input.accountId,
    outcome.connectionId,
    outcome.created ? 'connect' : 'installation linked',
  );
  return outcome;
}

async function linkOnce(db: Db, secrets: SecretBox, input: LinkInput): Promise<LinkOutcome> {
  const { installation, accountId } = input;
  const now = input.now.toISOString();
  return db.transaction().execute(async (tx): Promise<LinkOutcome> => {
    const links = (await linksOfInstallation(tx, installation.app, installation.installationId)).filter(
      (link) => link.removed_at === null,
    );
    const own = links.find((link) => link.account_id === accountId);
    const others = links.filter((link) => link.account_id !== accountId);
    if (own) {
      await updateInstallationState(
        tx,
        installation.app,
        installation.installationId,
        {
          repository_selection: installation.repositorySelection,
          suspended_at: installation.suspendedAt,
          target_login: installation.account.login,
        },
        now,
      );
      await recordAudit(tx, {
        accountId,
        actorUserId: input.userId,
        action: 'github.installation_updated',
        target: own.connection_id,
        details: { installationId: installation.installationId },
      });
      return { connectionId: own.connection_id, created: false };
    }
    if (input.setupAction === 'update' && others.length > 0) throw alreadyLinked();
    if (others.some((link) => link.allow_other_accounts !== 1)) throw alreadyLinked();
    const existing = input.connectionId
      ? await enterpriseConnection(tx, accountId, input.connectionId)
      : await reinstalledConnection(tx, accountId, installation);
    const connectionId = existing ?? (await newGitHubConnection(tx, secrets, accountId, installation));
    await insertInstallationLink(tx, {
      accountId,
      connectionId,
      app: installation.app,
      installationId: installation.installationId,
      target: installation.account,
      repositorySelection: installation.repositorySelection,
      linkedByUserId: input.userId,
      linkedByGitHubUserId: installation.gitHubUser.id,
      suspendedAt: installation.suspendedAt,
      now,
    });
    await upsertOrganization(
      tx,
      { accountId, connectionId },
      {
        externalId: installation.account.id,
        name: installation.account.login,
        webUrl: new URL(installation.account.login, ensureSlash(installation.app.webUrl)).href,
      },
    );
    if (existing)
      await updateConnection(tx, accountId, connectionId, installation.suspendedAt ? {} : healthy);
    await deleteInstallRequests(tx, accountId, installation.app);
    await recordAudit(tx, {
      accountId,
      actorUserId: input.userId,
      action: existing ? 'github.installation_linked' : 'connection.created',
      target: connectionId,
      details: {
        kind: input.connectionId ? 'github-enterprise' : 'github',
        installationId: installation.installationId,
        organization: installation.account.login,
        gitHubUserId: installation.gitHubUser.id,
      },
    });
    return { connectionId, created: !existing };
  });
}

const ensureSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

/** The GitHub Enterprise Server connection an installation of its app is linked to. */
async function enterpriseConnection(db: Db, accountId: string, connectionId: string): Promise<string> {
  const row = await findConnectionRow(db, accountId, connectionId);
  if (row?.kind !== 'github-enterprise') throw notFound('GitHub Enterprise Server connection');
  return row.id;
}

/**
 * The GitHub connection of the account whose installation of the same organization (same app) was removed: the
 * app was installed again, so that connection comes back. The same organization connected through an
 * installation that still works is a duplicate.
 */
async function reinstalledConnection(
  db: Db,
  accountId: string,
  installation: VerifiedInstallation,
): Promise<string | undefined> {
  const rows = await db
    .selectFrom('github_installations')
    .innerJoin('connections', 'connections.id', 'github_installations.connection_id')
    .select(['github_installations.connection_id', 'github_installations.removed_at'])
    .where('github_installations.account_id', '=', accountId)
    .where('github_installations.target_id', '=', installation.account.id)
    .where('github_installations.web_url', '=', installation.app.webUrl)
    .where('connections.kind', '=', 'github')
    .execute();
  if (rows.some((row) => row.removed_at === null)) {
    throw new AppError(
      409,
      'duplicate_connection',
      `${installation.account.login} is connected already in this account; remove that connection first.`,
    );
  }
  return rows[0]?.connection_id;
}

/** A new GitHub connection for the installation's organization, with the endpoint its app deliveries are kept at. */
async function newGitHubConnection(
  db: Db,
  secrets: SecretBox,
  accountId: string,
  installation: VerifiedInstallation,
): Promise<string> {
  const connectionId = newConnectionId();
  await insertConnection(db, {
    id: connectionId,
    accountId,
    kind: 'github',
    name: installation.account.login,
    baseUrl: installation.app.webUrl,
    target: installation.account.login,
    settings: { organizationExternalId: installation.account.id },
    tokenEncrypted: null,
    caPem: null,
  });
  // The app's one webhook was configured when the app was registered, so there is nothing to register here.
  await createWebhookEndpoint(db, secrets, {
    accountId,
    connectionId,
    kind: 'github',
    secret: newWebhookSecret(),
    appId: installation.app.appId,
    registeredHookIds: [`app:${installation.app.appId}`],
  });
  return connectionId;
}
