import { generatePrivateKeyPem, iso } from './git-objects.js';
import type { GitHubScenario } from './scenario.js';
import type { GitHubState, OrgRecord } from './state.js';

const DAY = 86_400_000;

/** Fill a fresh state with the scenario's users, orgs, repositories, apps, installations, PRs and comments. */
export function loadScenario(state: GitHubState, scenario: GitHubScenario): void {
  const epoch = Date.now() - 400 * DAY;
  for (const u of scenario.users) {
    state.users.set(u.id, {
      id: u.id,
      login: u.login,
      name: u.name ?? null,
      email: u.email ?? null,
      password: u.password,
      siteAdmin: u.site_admin ?? false,
      type: 'User',
      createdAt: iso(epoch),
    });
  }
  for (const o of scenario.orgs) {
    const org: OrgRecord = {
      id: o.id,
      login: o.login,
      name: o.name ?? null,
      description: o.description ?? null,
      members: new Map(),
      invitations: new Map(),
      createdAt: iso(epoch),
    };
    state.orgs.set(o.id, org);
    for (const m of o.members ?? []) org.members.set(state.requireUser(m.login).id, m.role);
    const owner = [...org.members].find(([, role]) => role === 'admin')?.[0];
    for (const invitation of o.invitations ?? []) {
      org.invitations.set(state.requireUser(invitation.login).id, {
        id: state.newId(),
        role: invitation.role ?? 'member',
        inviterId: owner ?? state.requireUser(invitation.login).id,
        createdAt: iso(epoch),
      });
    }
    for (const r of o.repos ?? []) {
      const repo = state.addRepo(org, {
        name: r.name,
        id: r.id,
        defaultBranch: r.default_branch,
        private: r.private,
        archived: r.archived,
        fork: r.fork,
        protection: r.protection,
        description: r.description,
        files: r.files,
        empty: r.empty,
      });
      for (const c of r.collaborators ?? []) repo.collaborators.set(state.requireUser(c.login).id, c.role);
    }
    const generated = o.generatedRepos;
    if (generated) {
      const width = String(generated.count).length;
      for (let i = 1; i <= generated.count; i++) {
        state.addRepo(org, {
          name: `${generated.prefix ?? 'repo'}-${String(i).padStart(width, '0')}`,
          private: generated.private,
        });
      }
    }
  }
  for (const a of scenario.apps ?? []) {
    const pem = a.private_key ?? generatePrivateKeyPem();
    state.addApp({
      id: a.id,
      slug: a.slug,
      name: a.name ?? a.slug,
      description: a.description ?? null,
      url: 'https://scanner.example.test',
      clientId: a.client_id,
      clientSecret: a.client_secret,
      privateKeyPem: pem,
      webhookSecret: a.webhook_secret ?? null,
      webhookUrl: a.webhook_url ?? null,
      permissions: a.permissions,
      events: [...(a.events ?? [])],
      owner: a.owner,
      setupUrl: a.setup_url ?? null,
      callbackUrls: [...(a.callback_urls ?? [])],
      setupOnUpdate: a.setup_on_update ?? false,
      requestOauthOnInstall: a.request_oauth_on_install ?? false,
      public: a.public ?? false,
    });
  }
  for (const i of scenario.installations ?? []) {
    const app = state.appBySlug(i.app);
    if (!app) throw new Error(`scenario: installation ${i.id} names unknown app ${i.app}`);
    const installation = state.upsertInstallation(
      app,
      i.account,
      i.repository_selection,
      i.repositories ?? [],
      i.id,
    );
    if (i.permissions) installation.permissions = i.permissions;
    if (i.suspended) installation.suspendedAt = iso(state.now());
  }
  for (const p of scenario.pullRequests ?? []) {
    const repo = state.requireRepo(p.repo);
    state.createPull(repo, {
      number: p.number,
      title: p.title,
      body: p.body ?? null,
      authorId: state.requireUser(p.author).id,
      head: p.head,
      base: p.base ?? repo.defaultBranch,
      draft: p.draft ?? false,
      state: p.state ?? 'open',
      files: p.files ?? [],
    });
  }
  for (const c of scenario.comments ?? []) {
    const repo = state.requireRepo(c.repo);
    state.addIssueComment(repo, c.number, state.requireUser(c.author).id, undefined, c.body);
  }
}
