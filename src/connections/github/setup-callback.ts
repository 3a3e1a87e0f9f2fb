import { AppError, badRequest } from '../../core/errors.js';
import { recordAudit } from '../../db/audit.js';
import { recordInstallRequest } from '../../db/github-installations.js';
import { consumeFlowState } from '../../github-apps/flow-states.js';
import type { GitHubClient } from '../../scm/github/app-clients.js';
import { integerIdPattern } from '../../scm/github/app-credentials.js';
import {
  currentUser,
  organizationRole,
  readInstallation,
  userInstallations,
} from '../../scm/github/installation-checks.js';
import { isScmError } from '../../scm/errors.js';
import { appKeyOf } from '../../github-apps/registry.js';
import type { FlowApp, GitHubInstallDeps } from './install-deps.js';
import {
  authorizeDetailsOf,
  installDetailsOf,
  requireApp,
  startAuthorize,
  type FlowRedirect,
} from './install-flow.js';
import { linkInstallation } from './link-installation.js';

/** The query of a redirect to the setup URL, each part checked; nothing in it is trusted beyond its form. */
export interface SetupQuery {
  readonly installationId?: string;
  readonly setupAction?: 'install' | 'update' | 'request';
  readonly code?: string;
  readonly state?: string;
  /** GitHub's OAuth `error` (`access_denied` when the person cancelled the authorization). */
  readonly error?: string;
}

const codePattern = /^[A-Za-z0-9_-]{1,200}$/;
const statePattern = /^[A-Za-z0-9_-]{1,200}$/;

export function parseSetupQuery(query: unknown): SetupQuery {
  const values = typeof query === 'object' && query !== null ? (query as Record<string, unknown>) : {};
  const one = (name: string, pattern: RegExp): string | undefined => {
    const value = values[name];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string' || !pattern.test(value)) {
      throw badRequest(
        'invalid_request',
        `The \`${name}\` of this address is not valid; start Connect to GitHub again.`,
      );
    }
    return value;
  };
  const installationId = one('installation_id', integerIdPattern);
  const setupAction = one('setup_action', /^(install|update|request)$/) as SetupQuery['setupAction'];
  const code = one('code', codePattern);
  const state = one('state', statePattern);
  const error = one('error', /^[a-z_]{1,100}$/);
  return {
    ...(installationId ? { installationId } : {}),
    ...(setupAction ? { setupAction } : {}),
    ...(code ? { code } : {}),
    ...(state ? { state } : {}),
    ...(error ? { error } : {}),
  };
}

export interface CallbackSession {
  readonly userId: string;
  readonly sessionHash: string;
}

export type SetupOutcome =
  /** Linked (or, for an installation linked before, refreshed): the person's sessions are to be revoked. */
  | {
      readonly kind: 'linked';
      readonly accountId: string;
      readonly connectionId: string;
      readonly created: boolean;
    }
  /** Who the person is is not known yet: send them to GitHub's authorize page. */
  | { readonly kind: 'authorize'; readonly redirect: FlowRedirect }
  /** Reached without a flow this browser started: ask the person to confirm before anything is checked. */
  | { readonly kind: 'confirm'; readonly installationId: string; readonly setupAction: 'install' | 'update' }
  /** A member asked an owner to install the app. */
  | { readonly kind: 'requested'; readonly accountId: string }
  /**
   * A GitHub Enterprise Server installation made from the app's public link, outside a flow of scm-connect: the
   * app's `installation` event links it to the connection; nothing is linked from this redirect.
   */
  | { readonly kind: 'received' };

const invalidState = () =>
  badRequest(
    'invalid_state',
    'This link to scm-connect is not valid any more (it was used, expired, or started in another session). Start Connect to GitHub again.',
  );

/**
 * The setup URL (and OAuth callback) of the app. Checked in this order, and nothing is linked before the last
 * check: `state` (single use, this session); the nonce cookie (else the person confirms first); the `code`,
 * exchanged for the person's token (without one, they authorize first); the installation among that person's
 * own installations of this app; the person an admin of its organization (or the user it is installed on);
 * the installation free of other accounts.
 */
export async function finishSetup(
  deps: GitHubInstallDeps,
  input: {
    readonly query: SetupQuery;
    readonly session: CallbackSession;
    readonly nonce: string | undefined;
    /** This URL, as registered on the app, for the authorize redirect and the code exchange. */
    readonly redirectUri: string;
    /** The GitHub Enterprise Server connection whose setup URL this is; absent for the instance's app. */
    readonly connectionId?: string;
  },
): Promise<SetupOutcome> {
  const { query, session } = input;
  if (query.error) {
    // The state is spent all the same, so the refused authorization cannot be resumed.
    if (query.state) {
      await consumeFlowState(deps.db, {
        state: query.state,
        purpose: ['install', 'authorize'],
        sessionHash: session.sessionHash,
        nonce: input.nonce,
        now: deps.now(),
      });
    }
    throw badRequest(
      'github_authorization_denied',
      query.error === 'access_denied'
        ? 'You cancelled the authorization on GitHub, so nothing was linked. Start Connect to GitHub again to link the organization.'
        : 'GitHub did not authorize scm-connect, so nothing was linked. Start Connect to GitHub again.',
    );
  }
  if (!query.state) {
    if (input.connectionId) return { kind: 'received' };
    // A code with no state could have been minted for anyone: it is never exchanged.
    if (query.code || !query.installationId) throw invalidState();
    return {
      kind: 'confirm',
      installationId: query.installationId,
      setupAction: query.setupAction === 'update' ? 'update' : 'install',
    };
  }
  const flow = await consumeFlowState(deps.db, {
    state: query.state,
    purpose: ['install', 'authorize'],
    sessionHash: session.sessionHash,
    nonce: input.nonce,
    now: deps.now(),
  });
  if (!flow || flow.userId !== session.userId) throw invalidState();
  const owner = { accountId: flow.accountId, userId: session.userId, sessionHash: session.sessionHash };
  const remembered = flow.purpose === 'authorize' ? authorizeDetailsOf(flow.details) : undefined;
  if (flow.purpose === 'authorize' && !remembered) throw invalidState();
  if (remembered && query.installationId && query.installationId !== remembered.installationId)
    throw invalidState();
  const installationId = remembered?.installationId ?? query.installationId;
  const setupAction = remembered?.setupAction ?? query.setupAction;
  // The state names the connection whose app it was minted for: it must be this setup URL's.
  const flowConnection =
    flow.purpose === 'authorize' ? remembered?.connectionId : installDetailsOf(flow.details)?.connectionId;
  if (flowConnection !== input.connectionId) throw invalidState();
  const connection = flowConnection ? { accountId: flow.accountId, connectionId: flowConnection } : undefined;

  if (!flow.nonceMatched) {
    // A GitHub Enterprise Server app is installed from its connection's row, so a foreign browser has no page to confirm on.
    if (!installationId || connection) throw invalidState();
    return { kind: 'confirm', installationId, setupAction: setupAction === 'update' ? 'update' : 'install' };
  }
  const app = await requireApp(deps, connection);
  if (setupAction === 'request' && !installationId) {
    if (query.code) await recordRequest(deps, app, owner, query.code, input.redirectUri);
    return { kind: 'requested', accountId: flow.accountId };
  }
  if (!installationId)
    throw badRequest('invalid_request', 'GitHub sent no installation; start Connect to GitHub again.');
  const action = setupAction === 'update' ? 'update' : 'install';
  if (!query.code) {
    const redirect = await startAuthorize(
      deps,
      owner,
      {
        installationId,
        setupAction: action,
        ...(connection ? { connectionId: connection.connectionId } : {}),
      },
      input.redirectUri,
    );
    return { kind: 'authorize', redirect };
  }

  const { clients, credentials } = app;
  const user = clients.user(
    await exchange(clients.exchangeCode.bind(clients), query.code, input.redirectUri),
  );
  const gitHubUser = await currentUser(user);
  const refuse = async (code: string, message: string, reason: string): Promise<never> => {
    await recordAudit(deps.db, {
      accountId: flow.accountId,
      actorUserId: session.userId,
      action: 'github.installation_refused',
      target: installationId,
      details: { reason, gitHubUserId: gitHubUser.id },
    });
    throw new AppError(403, code, message);
  };
  if (!(await ownsInstallation(user, credentials.appId, installationId))) {
    return refuse(
      'installation_not_owned',
      'That installation is not one of your GitHub account’s installations of this app; install the app from Connect to GitHub.',
      'not in /user/installations',
    );
  }
  const installation = await readInstallation(clients.app(), installationId);
  if (installation.appId !== credentials.appId) {
    return refuse('installation_not_owned', 'That installation belongs to another GitHub App.', 'other app');
  }
  const isAdmin =
    installation.account.type === 'User'
      ? installation.account.id === gitHubUser.id
      : (await organizationRole(user, installation.account.login)) === 'admin';
  if (!isAdmin) {
    return refuse(
      'not_organization_admin',
      `Only an owner of the GitHub organization ${installation.account.login} can link it; ask an owner to finish Connect to GitHub.`,
      'not an admin',
    );
  }
  const linked = await linkInstallation(deps.db, deps.secrets, {
    accountId: flow.accountId,
    userId: session.userId,
    setupAction: action,
    now: deps.now(),
    ...(connection ? { connectionId: connection.connectionId } : {}),
    installation: {
      app: appKeyOf(credentials),
      installationId,
      account: installation.account,
      repositorySelection: installation.repositorySelection,
      suspendedAt: installation.suspendedAt,
      gitHubUser,
    },
  });
  return { kind: 'linked', accountId: flow.accountId, ...linked };
}

async function exchange(
  exchangeCode: (code: string, redirectUri: string) => Promise<string>,
  code: string,
  redirectUri: string,
): Promise<string> {
  try {
    return await exchangeCode(code, redirectUri);
  } catch (error) {
    if (isScmError(error) && error.code === 'invalid_code') {
      throw badRequest(
        'invalid_code',
        'GitHub did not accept this authorization (it was used already or expired). Start Connect to GitHub again.',
      );
    }
    throw error;
  }
}

async function ownsInstallation(user: GitHubClient, appId: string, installationId: string): Promise<boolean> {
  for await (const installation of userInstallations(user)) {
    if (installation.installationId === installationId && installation.appId === appId) return true;
  }
  return false;
}

/** Remembers who asked, so that the approval can be told apart from an installation nobody here asked for. */
async function recordRequest(
  deps: GitHubInstallDeps,
  app: FlowApp,
  owner: { accountId: string; userId: string },
  code: string,
  redirectUri: string,
): Promise<void> {
  const { clients } = app;
  const user = clients.user(await exchange(clients.exchangeCode.bind(clients), code, redirectUri));
  const gitHubUser = await currentUser(user);
  await recordInstallRequest(deps.db, {
    accountId: owner.accountId,
    userId: owner.userId,
    app: appKeyOf(app.credentials),
    gitHubUser,
    now: deps.now(),
    lifetimeMs: 30 * 86_400_000,
  });
}
