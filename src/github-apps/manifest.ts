import { neededAppEvents, neededAppPermissions } from '../scm/github/app-credentials.js';
import { instanceWebhookPath, manifestCallbackPath, setupPath } from './paths.js';

/** GitHub's limit on an app's name. */
export const appNameMaxLength = 34;

/** A GitHub user or organization login: letters, digits and single inner hyphens, at most 39 characters. */
export const githubLoginPattern = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

/** What a manifest is built from; GitHub Enterprise Server passes its own web root, owner and webhook path. */
export interface ManifestInput {
  /** scm-connect's public origin, which GitHub sends the webhooks and the person to. */
  readonly publicUrl: URL;
  /**
   * Whether accounts other than the owner may install the app. The instance's app on github.com must be public:
   * Connect to GitHub sends admins of any organization to its install page, and GitHub lets only the owning account
   * install a private app. Installing only gives scm-connect access to the installer's repositories; nothing is
   * linked to an account of scm-connect before the setup callback's checks (T11–T14) pass. A GitHub Enterprise
   * Server app is public too (an Enterprise-public app, installed by further organizations of the instance).
   */
  readonly public: boolean;
  /** The name GitHub suggests; the person can change it there. Default {@link defaultAppName}. */
  readonly name?: string;
  /** Where the app's webhooks go, a path on `publicUrl`. Default {@link instanceWebhookPath}. */
  readonly webhookPath?: string;
  /** The app's setup URL and OAuth callback, a path on `publicUrl`. Default {@link setupPath}. */
  readonly setupPath?: string;
}

/** A GitHub App manifest, with GitHub's keys. */
export interface AppManifest {
  readonly name: string;
  readonly url: string;
  readonly description: string;
  readonly hook_attributes: { readonly url: string; readonly active: boolean };
  readonly redirect_url: string;
  readonly callback_urls: readonly string[];
  readonly setup_url: string;
  readonly setup_on_update: boolean;
  readonly request_oauth_on_install: boolean;
  readonly public: boolean;
  readonly default_permissions: Readonly<Record<string, string>>;
  readonly default_events: readonly string[];
}

const at = (base: URL, path: string) => new URL(path, base.origin).href;

/** `scm-connect {host}` when it fits GitHub's 34 characters, else `scm-connect`. */
export function defaultAppName(publicUrl: URL): string {
  const withHost = `scm-connect ${publicUrl.hostname}`;
  return withHost.length <= appNameMaxLength ? withHost : 'scm-connect';
}

/**
 * The manifest of an app that does what scm-connect needs: the permissions and events of `app-credentials.ts`,
 * webhooks to scm-connect, and one path that is both the setup URL (after install and update) and the OAuth
 * callback (the person's identity is checked before an installation is linked).
 */
export function buildAppManifest(input: ManifestInput): AppManifest {
  const setup = at(input.publicUrl, input.setupPath ?? setupPath);
  return {
    name: input.name ?? defaultAppName(input.publicUrl),
    url: input.publicUrl.origin,
    description: `Connects repositories to scm-connect at ${input.publicUrl.origin}.`,
    hook_attributes: { url: at(input.publicUrl, input.webhookPath ?? instanceWebhookPath), active: true },
    redirect_url: at(input.publicUrl, manifestCallbackPath),
    callback_urls: [setup],
    setup_url: setup,
    setup_on_update: true,
    request_oauth_on_install: true,
    public: input.public,
    default_permissions: { ...neededAppPermissions },
    default_events: [...neededAppEvents],
  };
}

/**
 * Where the manifest form is posted: `{web}/settings/apps/new` (the person's own account owns the app) or
 * `{web}/organizations/{org}/settings/apps/new` (the organization does), with the flow's `state`.
 */
export function manifestFormTarget(webUrl: URL, owner: string | null, state: string): URL {
  if (owner !== null && !githubLoginPattern.test(owner)) {
    throw new Error('The owner of a GitHub App must be an organization login.');
  }
  const root = webUrl.href.endsWith('/') ? webUrl.href : `${webUrl.href}/`;
  const path =
    owner === null ? 'settings/apps/new' : `organizations/${encodeURIComponent(owner)}/settings/apps/new`;
  const target = new URL(path, root);
  target.searchParams.set('state', state);
  return target;
}
