import { AppError, conflict } from '../../core/errors.js';
import { recordAudit } from '../../db/audit.js';
import { insertConnection, newConnectionId } from '../../db/connections.js';
import type { Db } from '../../db/database.js';
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

/**
 * Links a verified installation to the account: a new connection with its organization and first sync, or, for
 * an installation the account linked before, the refreshed repository selection. An installation another
 * account holds is refused unless that account allows sharing it; nothing is written then.
 */
export async function linkInstallation(
  db: Db,
  secrets: SecretBox,
  input: {
    readonly accountId: string;
    /** The person who linked it; null when an installation a member requested was approved on GitHub. */
    readonly userId: string | null;
    readonly installation: VerifiedInstallation;
    /** `update`: only an installation this account linked already may change. */
    readonly setupAction: 'install' | 'update';
    readonly now: Date;
  },
): Promise<LinkOutcome> {
  const { installation, accountId } = input;
  const now = input.now.toISOString();
  const outcome = await db.transaction().execute(async (tx): Promise<LinkOutcome> => {
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
    await ensureNotConnected(tx, accountId, installation);
    const connectionId = newConnectionId();
    await insertConnection(tx, {
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
    // The app's deliveries for this installation are recorded against this endpoint of the connection; the
    // app's one webhook was configured when the app was registered, so there is nothing to register here.
    await createWebhookEndpoint(tx, secrets, {
      accountId,
      connectionId,
      kind: 'github',
      secret: newWebhookSecret(),
      appId: installation.app.appId,
      registeredHookIds: [`app:${installation.app.appId}`],
    });
    await deleteInstallRequests(tx, accountId, installation.app);
    await recordAudit(tx, {
      accountId,
      actorUserId: input.userId,
      action: 'connection.created',
      target: connectionId,
      details: {
        kind: 'github',
        installationId: installation.installationId,
        gitHubUserId: installation.gitHubUser.id,
      },
    });
    return { connectionId, created: true };
  });
  await enqueueSync(
    db,
    accountId,
    outcome.connectionId,
    outcome.created ? 'connect' : 'installation updated',
  );
  return outcome;
}

const ensureSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

/** The same organization linked through another installation (of another app, say) is a duplicate. */
async function ensureNotConnected(db: Db, accountId: string, installation: VerifiedInstallation) {
  const taken = await db
    .selectFrom('organizations')
    .innerJoin('connections', 'connections.id', 'organizations.connection_id')
    .select('connections.id')
    .where('organizations.account_id', '=', accountId)
    .where('organizations.external_id', '=', installation.account.id)
    .where('connections.kind', '=', 'github')
    .where('connections.base_url', '=', installation.app.webUrl)
    .executeTakeFirst();
  if (taken) {
    throw new AppError(
      409,
      'duplicate_connection',
      `${installation.account.login} is connected already in this account; remove that connection first.`,
    );
  }
}
