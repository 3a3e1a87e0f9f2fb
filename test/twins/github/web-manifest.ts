import { randomBytes } from 'node:crypto';
import type { TwinRequest, TwinResponse, TwinRouter } from '../server/twin-server.js';
import { esc, formOf, page, redirect } from './html.js';
import type { Permissions } from './scenario.js';
import type { AppRecord, GitHubState, OrgRecord, UserRecord } from './state.js';
import { generatePrivateKeyPem, randomHex } from './state.js';
import { requireSignIn } from './web-session.js';

const CODE_TTL_MS = 3_600_000;

/** The parts of an app manifest the twin uses (GitHub's documented manifest keys). */
export interface AppManifest {
  readonly name?: string;
  readonly url: string;
  readonly description?: string;
  readonly hook_attributes?: { readonly url?: string; readonly active?: boolean };
  readonly redirect_url?: string;
  readonly callback_urls?: readonly string[];
  readonly setup_url?: string;
  readonly public?: boolean;
  readonly default_events?: readonly string[];
  readonly default_permissions?: Permissions;
  readonly request_oauth_on_install?: boolean;
  readonly setup_on_update?: boolean;
}

interface PendingManifest {
  readonly manifest: AppManifest;
  readonly org: string | undefined;
  readonly state: string | null;
  readonly expiresAt: number;
}

function parseManifest(text: string | null): AppManifest | string {
  if (!text) return 'The manifest field is missing.';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'The manifest is not valid JSON.';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'The manifest must be a JSON object.';
  const m = value as Record<string, unknown>;
  if (typeof m.url !== 'string') return 'url is required.';
  const hook = m.hook_attributes;
  if (
    hook !== undefined &&
    (typeof hook !== 'object' || hook === null || typeof (hook as Record<string, unknown>).url !== 'string')
  ) {
    return 'hook_attributes.url is required.';
  }
  if (m.callback_urls !== undefined && (!Array.isArray(m.callback_urls) || m.callback_urls.length > 10)) {
    return 'callback_urls must be a list of at most 10 URLs.';
  }
  return m as unknown as AppManifest;
}

const slugify = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

/**
 * Registering an app from a manifest: `POST /settings/apps/new` or `/organizations/{org}/settings/apps/new`
 * (form field `manifest`, query `state`) → name the app → "Create GitHub App" → redirect to `redirect_url`
 * with a one-time `code` (1 h) for `POST /app-manifests/{code}/conversions`.
 */
export function registerManifestPages(router: TwinRouter, state: GitHubState): void {
  const pending = new Map<string, PendingManifest>();

  const receive = (req: TwinRequest, org: OrgRecord | undefined): TwinResponse => {
    const manifest = parseManifest(formOf(req).get('manifest') ?? req.url.searchParams.get('manifest'));
    if (typeof manifest === 'string')
      return page('Invalid GitHub App manifest', `<p class="error" role="alert">${esc(manifest)}</p>`, 422);
    const id = randomBytes(12).toString('base64url');
    pending.set(id, {
      manifest,
      org: org?.login,
      state: req.url.searchParams.get('state'),
      expiresAt: state.now() + CODE_TTL_MS,
    });
    return redirect(`/settings/apps/new/confirm/${id}`);
  };

  router.post('/settings/apps/new', (req) => receive(req, undefined));
  router.post('/organizations/:org/settings/apps/new', (req) => {
    const org = state.orgByLogin(req.params.org!);
    return org ? receive(req, org) : page('Not Found', '<p>No such organization.</p>', 404);
  });

  const load = (req: TwinRequest): { entry: PendingManifest; user: UserRecord } | TwinResponse => {
    const user = requireSignIn(state, req);
    if (!('login' in user)) return user;
    const entry = pending.get(req.params.id!);
    if (!entry || entry.expiresAt <= state.now())
      return page('Expired', '<p>This app registration has expired. Start again.</p>', 404);
    if (entry.org) {
      const org = state.orgByLogin(entry.org)!;
      if (org.members.get(user.id) !== 'admin') {
        return page(
          'Forbidden',
          `<p>You must be an owner of ${esc(org.login)} to register apps for it.</p>`,
          403,
        );
      }
    }
    return { entry, user };
  };

  const form = (
    req: TwinRequest,
    entry: PendingManifest,
    user: UserRecord,
    name: string,
    error?: string,
  ): TwinResponse => {
    const m = entry.manifest;
    const owner = entry.org ?? user.login;
    return page(
      `Create GitHub App for ${owner}`,
      `${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="${esc(req.path)}">
<label for="app_name">GitHub App name</label>
<input id="app_name" name="name" value="${esc(name)}" required>
<dl>
<dt>Homepage URL</dt><dd>${esc(m.url)}</dd>
<dt>Webhook URL</dt><dd>${esc(m.hook_attributes?.url ?? '(none)')}</dd>
<dt>Setup URL</dt><dd>${esc(m.setup_url ?? '(none)')}</dd>
<dt>Callback URLs</dt><dd>${esc((m.callback_urls ?? []).join(', ') || '(none)')}</dd>
<dt>Permissions</dt><dd>${esc(
        Object.entries(m.default_permissions ?? {})
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ') || '(none)',
      )}</dd>
<dt>Events</dt><dd>${esc((m.default_events ?? []).join(', ') || '(none)')}</dd>
<dt>Visibility</dt><dd>${m.public ? 'Any account' : 'Only this account'}</dd>
</dl>
<p><button type="submit">Create GitHub App</button></p>
</form>`,
      error ? 422 : 200,
    );
  };

  router.get('/settings/apps/new/confirm/:id', (req) => {
    const loaded = load(req);
    if (!('entry' in loaded)) return loaded;
    return form(req, loaded.entry, loaded.user, loaded.entry.manifest.name ?? '');
  });

  router.post('/settings/apps/new/confirm/:id', (req) => {
    const loaded = load(req);
    if (!('entry' in loaded)) return loaded;
    const { entry, user } = loaded;
    const name = (formOf(req).get('name') ?? '').trim();
    const slug = slugify(name);
    if (!slug) return form(req, entry, user, name, "Name can't be blank.");
    if (state.appBySlug(slug)) return form(req, entry, user, name, 'Name is already in use.');
    pending.delete(req.params.id!);
    const app = createAppFromManifest(state, entry.manifest, name, slug, entry.org ?? user.login);
    const code = randomHex(20);
    state.manifestCodes.set(code, { code, appId: app.id, expiresAt: state.now() + CODE_TTL_MS, used: false });
    if (!entry.manifest.redirect_url) {
      return page(
        `${app.name} created`,
        `<p role="status">App ${esc(app.slug)} (id ${app.id}) was created. Code: <code>${esc(code)}</code></p>`,
      );
    }
    const url = new URL(entry.manifest.redirect_url);
    url.searchParams.set('code', code);
    if (entry.state !== null) url.searchParams.set('state', entry.state);
    return redirect(url.toString());
  });
}

function createAppFromManifest(
  state: GitHubState,
  m: AppManifest,
  name: string,
  slug: string,
  owner: string,
): AppRecord {
  const permissions: Record<string, 'read' | 'write' | 'admin'> = { ...m.default_permissions };
  if (Object.keys(permissions).length > 0 && !permissions.metadata) permissions.metadata = 'read';
  return state.addApp({
    id: state.newId(),
    slug,
    name,
    description: m.description ?? null,
    url: m.url,
    clientId: `Iv23li${randomHex(7)}`,
    clientSecret: randomHex(20),
    privateKeyPem: generatePrivateKeyPem(),
    webhookSecret: randomHex(20),
    webhookUrl: m.hook_attributes?.url ?? null,
    webhookActive: m.hook_attributes?.active ?? true,
    permissions,
    events: [...(m.default_events ?? [])],
    owner,
    setupUrl: m.setup_url ?? null,
    callbackUrls: [...(m.callback_urls ?? [])],
    setupOnUpdate: m.setup_on_update ?? false,
    requestOauthOnInstall: m.request_oauth_on_install ?? false,
    public: m.public ?? false,
  });
}
