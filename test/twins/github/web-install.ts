import type { TwinRequest, TwinResponse, TwinRouter } from '../server/twin-server.js';
import { esc, formOf, hidden, page, redirect } from './html.js';
import type { Shapes } from './shapes.js';
import type { AppRecord, GitHubState, InstallationRecord, UserRecord } from './state.js';
import type { OAuthBook } from './web-oauth.js';
import { mintOAuthCode } from './web-oauth.js';
import { requireSignIn } from './web-session.js';
import type { TwinWebhooks } from './webhooks.js';

/** At most this many repository checkboxes are listed (GitHub itself switches to a search box). */
const MAX_LISTED_REPOS = 500;

interface Target {
  readonly login: string;
  readonly role: 'admin' | 'member';
}

/**
 * The app install flow as a person clicks it: review permissions → Continue, pick an account → Continue,
 * All / Only select repositories → "Install" (or "Install & Authorize"), then the redirect to the setup URL.
 */
export function registerInstallPages(
  router: TwinRouter,
  state: GitHubState,
  deps: { book: OAuthBook; webhooks: TwinWebhooks; shapes: () => Shapes },
): void {
  /** Installation requests members made, by `{app id}:{org login}`: the requester GitHub names when an owner installs. */
  const requests = new Map<string, UserRecord>();
  const requestKey = (app: AppRecord, login: string) => `${app.id}:${login.toLowerCase()}`;

  const appOf = (req: TwinRequest): AppRecord | TwinResponse =>
    state.appBySlug(req.params.slug!) ??
    page('Not Found', '<p>There is no GitHub App with that name.</p>', 404);

  /** Accounts the user may install the app on (admin) or ask an owner to (member). */
  const targetsFor = (app: AppRecord, user: UserRecord): Target[] => {
    const targets: Target[] = [];
    for (const org of state.orgs.values()) {
      const role = org.members.get(user.id);
      if (!role) continue;
      if (!app.public && org.login.toLowerCase() !== app.owner.toLowerCase()) continue;
      targets.push({ login: org.login, role });
    }
    return targets;
  };

  const permissionList = (app: AppRecord) =>
    `<ul>${Object.entries(app.permissions)
      .map(([name, level]) => `<li>${esc(level)} access to ${esc(name.replace(/_/g, ' '))}</li>`)
      .join('')}</ul>`;

  for (const base of ['/apps/:slug', '/github-apps/:slug']) {
    const review = (req: TwinRequest): TwinResponse => {
      const user = requireSignIn(state, req);
      if (!('login' in user)) return user;
      const app = appOf(req);
      if (!('slug' in app)) return app;
      const prefix = req.path.startsWith('/github-apps/') ? '/github-apps' : '/apps';
      return page(
        `Install ${app.name}`,
        `<p>${esc(app.description ?? '')}</p>
<h2>Permissions</h2>
<p>${esc(app.name)} will be granted:</p>
${permissionList(app)}
<form method="get" action="${prefix}/${esc(app.slug)}/installations/select_target">
${hidden({ state: req.url.searchParams.get('state') ?? undefined })}
<p><button type="submit">Continue</button></p>
</form>`,
      );
    };
    router.get(base, review);
    router.get(`${base}/installations/new`, review);

    router.get(`${base}/installations/select_target`, (req) => {
      const user = requireSignIn(state, req);
      if (!('login' in user)) return user;
      const app = appOf(req);
      if (!('slug' in app)) return app;
      const prefix = req.path.startsWith('/github-apps/') ? '/github-apps' : '/apps';
      const targets = targetsFor(app, user);
      if (targets.length === 0) {
        return page(
          `Install ${app.name}`,
          '<p>You are not a member of any account this app can be installed on.</p>',
          403,
        );
      }
      const options = targets
        .map((t, i) => {
          const installed = state.installationFor(app.id, t.login) ? ' (installed)' : '';
          const note = t.role === 'admin' ? installed : ' (request approval from an owner)';
          return `<label><input type="radio" name="target" value="${esc(t.login)}"${i === 0 ? ' checked' : ''}> ${esc(t.login)}${esc(note)}</label>`;
        })
        .join('\n');
      return page(
        `Install ${app.name}`,
        `<form method="get" action="${prefix}/${esc(app.slug)}/installations/new/permissions">
${hidden({ state: req.url.searchParams.get('state') ?? undefined })}
<fieldset><legend>Where do you want to install ${esc(app.name)}?</legend>
${options}
</fieldset>
<p><button type="submit">Continue</button></p>
</form>`,
      );
    });

    router.get(`${base}/installations/new/permissions`, (req) => {
      const user = requireSignIn(state, req);
      if (!('login' in user)) return user;
      const app = appOf(req);
      if (!('slug' in app)) return app;
      const prefix = req.path.startsWith('/github-apps/') ? '/github-apps' : '/apps';
      const target = targetsFor(app, user).find(
        (t) => t.login.toLowerCase() === (req.url.searchParams.get('target') ?? '').toLowerCase(),
      );
      if (!target) return page('Not Found', '<p>Pick an account you belong to.</p>', 404);
      const existing = state.installationFor(app.id, target.login);
      const selected = existing?.repositorySelection === 'selected';
      const repos = state.reposOf(target.login).slice(0, MAX_LISTED_REPOS);
      const boxes = repos
        .map(
          (r) =>
            `<label><input type="checkbox" name="repository_ids" value="${r.id}"${existing?.selectedRepoIds.has(r.id) ? ' checked' : ''}> ${esc(r.name)}</label>`,
        )
        .join('\n');
      const button =
        target.role !== 'admin' ? 'Request' : app.requestOauthOnInstall ? 'Install & Authorize' : 'Install';
      return page(
        `Install ${app.name} on ${target.login}`,
        `<form method="post" action="${prefix}/${esc(app.slug)}/installations">
${hidden({ target: target.login, state: req.url.searchParams.get('state') ?? undefined })}
<fieldset><legend>Repository access</legend>
<label><input type="radio" name="repository_selection" value="all"${selected ? '' : ' checked'}> All repositories</label>
<label><input type="radio" name="repository_selection" value="selected"${selected ? ' checked' : ''}> Only select repositories</label>
<fieldset><legend>Select repositories</legend>
${boxes}
</fieldset>
</fieldset>
<h2>Permissions</h2>
${permissionList(app)}
<p><button type="submit">${esc(button)}</button></p>
</form>`,
      );
    });

    router.post(`${base}/installations`, (req) => {
      const user = requireSignIn(state, req);
      if (!('login' in user)) return user;
      const app = appOf(req);
      if (!('slug' in app)) return app;
      const form = formOf(req);
      const target = targetsFor(app, user).find(
        (t) => t.login.toLowerCase() === (form.get('target') ?? '').toLowerCase(),
      );
      if (!target) return page('Not Found', '<p>Pick an account you belong to.</p>', 404);
      const selection = form.get('repository_selection') === 'selected' ? 'selected' : 'all';
      const ids = new Set(form.getAll('repository_ids').map(Number));
      const repoNames = state
        .reposOf(target.login)
        .filter((r) => ids.has(r.id))
        .map((r) => r.name);
      if (selection === 'selected' && repoNames.length === 0) {
        return page(
          `Install ${app.name}`,
          '<p class="error" role="alert">Select at least one repository.</p>',
          422,
        );
      }
      const stateParam = form.get('state');
      if (target.role !== 'admin') {
        if (!requests.has(requestKey(app, target.login))) requests.set(requestKey(app, target.login), user);
        return afterInstall(app, user, undefined, 'request', stateParam);
      }
      const existing = state.installationFor(app.id, target.login);
      const before = existing ? new Set(state.installationRepos(existing).map((r) => r.id)) : undefined;
      const installation = state.upsertInstallation(app, target.login, selection, repoNames);
      const requester = requests.get(requestKey(app, target.login));
      requests.delete(requestKey(app, target.login));
      notify(app, installation, user, before, requester);
      return afterInstall(app, user, installation, existing ? 'update' : 'install', stateParam);
    });
  }

  function notify(
    app: AppRecord,
    installation: InstallationRecord,
    user: UserRecord,
    before: Set<number> | undefined,
    requester: UserRecord | undefined,
  ): void {
    const shapes = deps.shapes();
    const repos = state.installationRepos(installation);
    const brief = (ids: number[]) =>
      ids
        .map((id) => state.repos.get(id)!)
        .map((r) => ({
          id: r.id,
          node_id: '',
          name: r.name,
          full_name: `${r.owner}/${r.name}`,
          private: r.private,
        }));
    const common = { installation: shapes.installation(installation), sender: shapes.user(user) };
    if (!before) {
      void deps.webhooks.deliver(
        app,
        'installation',
        {
          action: 'created',
          ...common,
          repositories: brief(repos.map((r) => r.id)),
          // The member whose request the owner approved, as GitHub's installation event names them.
          requester: requester ? shapes.user(requester) : null,
        },
        {
          action: 'created',
          installationId: installation.id,
        },
      );
      return;
    }
    const now = new Set(repos.map((r) => r.id));
    const added = [...now].filter((id) => !before.has(id));
    const removed = [...before].filter((id) => !now.has(id));
    if (added.length === 0 && removed.length === 0) return;
    const action = added.length > 0 ? 'added' : 'removed';
    void deps.webhooks.deliver(
      app,
      'installation_repositories',
      {
        action,
        ...common,
        repository_selection: installation.repositorySelection,
        repositories_added: brief(added),
        repositories_removed: brief(removed),
        requester: null,
      },
      { action, installationId: installation.id },
    );
  }

  function afterInstall(
    app: AppRecord,
    user: UserRecord,
    installation: InstallationRecord | undefined,
    action: 'install' | 'update' | 'request',
    stateParam: string | null,
  ): TwinResponse {
    // With "Request user authorization (OAuth) during installation" the setup URL is not used: GitHub sends the
    // person to the first callback URL ("Authorizing users during installation").
    const destination = app.requestOauthOnInstall
      ? app.callbackUrls[0]
      : app.setupUrl && (action !== 'update' || app.setupOnUpdate)
        ? app.setupUrl
        : undefined;
    if (!destination) {
      const what = installation
        ? `Installed on ${installation.account} (installation ${installation.id}).`
        : 'Your request was sent to the owners.';
      return page(`${app.name}`, `<p role="status">${esc(what)}</p>`);
    }
    const url = new URL(destination);
    if (installation) url.searchParams.set('installation_id', String(installation.id));
    url.searchParams.set('setup_action', action);
    if (stateParam !== null) url.searchParams.set('state', stateParam);
    if (app.requestOauthOnInstall) url.searchParams.set('code', mintOAuthCode(state, deps.book, app, user));
    return redirect(url.toString());
  }
}
