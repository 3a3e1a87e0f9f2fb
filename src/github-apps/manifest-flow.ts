import { z } from 'zod';
import { badRequest, conflict, forbidden } from '../core/errors.js';
import type { Db } from '../db/database.js';
import { recordAudit } from '../db/audit.js';
import { findAppRow, findConnectionAppRow, findInstanceAppRow, insertGitHubApp } from '../db/github-apps.js';
import { isInstanceAdmin } from '../db/users.js';
import type { ScmHttp } from '../scm/http/index.js';
import { convertManifestCode, manifestCodePattern } from '../scm/github/manifest-conversion.js';
import type { SecretBox } from '../secrets/index.js';
import { consumeFlowState, mintFlowState, peekFlowState, type FlowOwner } from './flow-states.js';
import { buildAppManifest, githubLoginPattern, manifestFormTarget, type AppManifest } from './manifest.js';
import { manifestHandOffPath } from './paths.js';
import { webRootOf } from './registry.js';

/** Which app a manifest registers, and for whom. */
export interface ManifestTarget {
  /** Null: the instance's app on github.com. Else the account whose GitHub Enterprise Server app this is. */
  readonly accountId: string | null;
  /** The GitHub Enterprise Server connection the app is for; null for the instance's app. */
  readonly connectionId: string | null;
  /** https://github.com, or the Enterprise Server's root. */
  readonly webUrl: URL;
  /** Where the code is converted: https://api.github.com, or `{root}/api/v3`. */
  readonly apiUrl: URL;
  /** The organization that owns the app; null: the GitHub account of the person registering it. */
  readonly owner: string | null;
  /** Whether other accounts may install it (see `ManifestInput.public`). */
  readonly public: boolean;
  /** Where its webhooks go on scm-connect. */
  readonly webhookPath: string;
  /** Its setup URL and OAuth callback on scm-connect. */
  readonly setupPath: string;
  /** The Enterprise Server's custom CA certificate (PEM), for the conversion call. */
  readonly caPem?: string;
}

export interface ManifestFlowDeps {
  readonly db: Db;
  readonly secrets: SecretBox;
  readonly now: () => Date;
  /** The instance's app is set by `SCM_CONNECT_GITHUB_APP_*`: it takes precedence, none is registered here. */
  readonly environmentApp: boolean;
  /** A guarded client for `target`'s API, with the address policy of its account (closed after the call). */
  readonly conversionHttp: (target: ManifestTarget) => ScmHttp;
  /**
   * Runs in the transaction that stores a connection's app (GitHub Enterprise Server), so the connection takes
   * the app's webhook secret with it or not at all.
   */
  readonly onRegistered?: (db: Db, app: RegisteredApp & { readonly webhookSecret: string }) => Promise<void>;
}

/** What the flow remembers between the start and GitHub's redirect back (inside the single-use state). */
const detailsSchema = z.object({
  publicUrl: z.url(),
  name: z.string().optional(),
  accountId: z.string().nullable(),
  connectionId: z.string().nullable(),
  webUrl: z.url(),
  apiUrl: z.url(),
  owner: z.string().regex(githubLoginPattern).nullable(),
  public: z.boolean(),
  webhookPath: z.string().startsWith('/'),
  setupPath: z.string().startsWith('/'),
  caPem: z.string().optional(),
});
type ManifestDetails = z.infer<typeof detailsSchema>;

export interface StartedManifest {
  /** The `state` GitHub carries back. */
  readonly state: string;
  /** The nonce cookie to set with the answer. */
  readonly nonce: string;
  /** scm-connect's hand-off page (a path), which posts the manifest to GitHub when the person continues. */
  readonly handOffUrl: string;
  /** Where the manifest form is posted, with the state. */
  readonly formTarget: string;
  readonly manifest: AppManifest;
}

/** The form the hand-off page posts. */
export interface ManifestHandOff {
  readonly formTarget: URL;
  readonly manifest: AppManifest;
  readonly owner: string | null;
}

export interface RegisteredApp {
  readonly accountId: string | null;
  readonly connectionId: string | null;
  readonly appId: string;
  readonly slug: string;
}

const invalidState = () =>
  badRequest(
    'invalid_state',
    'This link back from GitHub is not valid for this session: it was used already, expired, or was started in another session. Start Create the GitHub App again in Settings > Source Code Managers; if GitHub created an app on the way, delete it in its settings on GitHub first.',
  );

/**
 * Refuses a registration while the target already has its app: a second app would leave the installations of
 * the first without credentials. The environment's app takes precedence over any registered one.
 */
async function refuseIfRegistered(
  deps: ManifestFlowDeps,
  target: ManifestTarget,
  after: string,
): Promise<void> {
  const webUrl = webRootOf(target.webUrl);
  if (target.accountId === null && deps.environmentApp) {
    throw conflict(
      'github_app_from_environment',
      `The instance's GitHub App is set by SCM_CONNECT_GITHUB_APP_*; none is created here.${after}`,
    );
  }
  const row =
    target.accountId === null || target.connectionId === null
      ? await findInstanceAppRow(deps.db, webUrl)
      : await findConnectionAppRow(deps.db, target.accountId, target.connectionId);
  if (row) {
    throw conflict(
      'github_app_exists',
      `A GitHub App (id ${row.app_id}, ${row.slug}) is registered already and stays in use.${after}`,
    );
  }
}

const detailsOf = (value: unknown): ManifestDetails => {
  const parsed = detailsSchema.safeParse(value);
  if (!parsed.success) throw invalidState();
  return parsed.data;
};

const targetOf = (details: ManifestDetails): ManifestTarget => ({
  accountId: details.accountId,
  connectionId: details.connectionId,
  webUrl: new URL(details.webUrl),
  apiUrl: new URL(details.apiUrl),
  owner: details.owner,
  public: details.public,
  webhookPath: details.webhookPath,
  setupPath: details.setupPath,
  ...(details.caPem === undefined ? {} : { caPem: details.caPem }),
});

const manifestOf = (details: ManifestDetails): AppManifest =>
  buildAppManifest({
    publicUrl: new URL(details.publicUrl),
    public: details.public,
    webhookPath: details.webhookPath,
    setupPath: details.setupPath,
    ...(details.name === undefined ? {} : { name: details.name }),
  });

/**
 * Starts registering `target`'s app: a single-use `manifest` state bound to the session and account of `owner`,
 * and where the manifest goes. The caller has checked that the person may (instance admin, account admin).
 */
export async function startManifest(
  deps: ManifestFlowDeps,
  owner: FlowOwner,
  target: ManifestTarget,
  publicUrl: URL,
  name?: string,
): Promise<StartedManifest> {
  await refuseIfRegistered(deps, target, '');
  const details: ManifestDetails = {
    publicUrl: publicUrl.origin,
    ...(name === undefined ? {} : { name }),
    accountId: target.accountId,
    connectionId: target.connectionId,
    webUrl: target.webUrl.href,
    apiUrl: target.apiUrl.href,
    owner: target.owner,
    public: target.public,
    webhookPath: target.webhookPath,
    setupPath: target.setupPath,
    ...(target.caPem === undefined ? {} : { caPem: target.caPem }),
  };
  const minted = await mintFlowState(deps.db, owner, 'manifest', details, deps.now());
  return {
    state: minted.state,
    nonce: minted.nonce,
    handOffUrl: `${manifestHandOffPath}?${new URLSearchParams({ state: minted.state }).toString()}`,
    formTarget: manifestFormTarget(target.webUrl, target.owner, minted.state).href,
    manifest: manifestOf(details),
  };
}

/** The form of the hand-off page for a state this session started (the state stays unused). */
export async function manifestHandOff(
  deps: ManifestFlowDeps,
  input: { readonly state: string; readonly sessionHash: string },
): Promise<ManifestHandOff> {
  const found = await peekFlowState(deps.db, {
    state: input.state,
    purpose: 'manifest',
    sessionHash: input.sessionHash,
    now: deps.now(),
  });
  if (!found) throw invalidState();
  const details = detailsOf(found.details);
  return {
    formTarget: manifestFormTarget(new URL(details.webUrl), details.owner, input.state),
    manifest: manifestOf(details),
    owner: details.owner,
  };
}

/** The query of GitHub's redirect to the manifest's `redirect_url`, each part checked before it is used. */
export function parseManifestCallback(query: unknown): { readonly code: string; readonly state: string } {
  const values = typeof query === 'object' && query !== null ? (query as Record<string, unknown>) : {};
  const { code, state } = values;
  if (typeof state !== 'string' || !/^[A-Za-z0-9_-]{1,200}$/.test(state)) throw invalidState();
  if (typeof code !== 'string' || !manifestCodePattern.test(code)) {
    throw badRequest(
      'invalid_request',
      'The address GitHub sent you back to has no valid `code`. Start Create the GitHub App again in Settings > Source Code Managers.',
    );
  }
  return { code, state };
}

const deleteOnGitHub =
  ' Delete the app GitHub just created (in its settings on GitHub); scm-connect keeps using the one it has.';

/**
 * GitHub's redirect back: the state is taken (once, by this session and browser) before anything else, so a
 * wrong, used, expired or foreign state converts nothing; then the code becomes the app's credentials, which
 * are stored encrypted and never shown.
 */
export async function finishManifest(
  deps: ManifestFlowDeps,
  input: {
    readonly query: unknown;
    readonly session: { readonly userId: string; readonly sessionHash: string };
    readonly nonce: string | undefined;
  },
): Promise<RegisteredApp> {
  const { code, state } = parseManifestCallback(input.query);
  const consumed = await consumeFlowState(deps.db, {
    state,
    purpose: 'manifest',
    sessionHash: input.session.sessionHash,
    nonce: input.nonce,
    now: deps.now(),
  });
  if (!consumed?.nonceMatched || consumed.userId !== input.session.userId) throw invalidState();
  const target = targetOf(detailsOf(consumed.details));
  if (target.accountId === null && !(await isInstanceAdmin(deps.db, input.session.userId))) {
    throw forbidden('Only an instance admin can create the instance’s GitHub App.');
  }
  await refuseIfRegistered(deps, target, deleteOnGitHub);

  const http = deps.conversionHttp(target);
  let converted;
  try {
    converted = await convertManifestCode(http, code);
  } finally {
    await http.close();
  }

  const webUrl = webRootOf(target.webUrl);
  if (await findAppRow(deps.db, webUrl, converted.appId)) {
    throw conflict(
      'github_app_exists',
      `The GitHub App ${converted.appId} is stored already; nothing changed.`,
    );
  }
  const registered: RegisteredApp = {
    accountId: target.accountId,
    connectionId: target.connectionId,
    appId: converted.appId,
    slug: converted.slug,
  };
  await deps.db.transaction().execute(async (tx) => {
    await insertGitHubApp(tx, deps.secrets, {
      accountId: target.accountId,
      connectionId: target.connectionId,
      webUrl,
      apiUrl: target.apiUrl.href,
      appId: converted.appId,
      slug: converted.slug,
      name: converted.name,
      owner: converted.owner,
      clientId: converted.clientId,
      permissions: converted.permissions,
      events: converted.events,
      privateKey: converted.privateKey,
      webhookSecret: converted.webhookSecret,
      clientSecret: converted.clientSecret,
      createdBy: input.session.userId,
    });
    await deps.onRegistered?.(tx, { ...registered, webhookSecret: converted.webhookSecret });
    await recordAudit(tx, {
      accountId: target.accountId,
      actorUserId: input.session.userId,
      action: 'github_app.registered',
      target: target.connectionId ?? converted.appId,
      details: { appId: converted.appId, slug: converted.slug, webUrl, owner: converted.owner },
    });
  });
  return registered;
}
