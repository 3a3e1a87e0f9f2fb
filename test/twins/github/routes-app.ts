import { randomBytes } from 'node:crypto';
import type { ApiContext, createApi } from './api.js';
import { narrowPermissions } from './auth.js';
import { ghError, notFound, validationFailed } from './errors.js';
import { iso } from './state.js';
import type { GitHubState, InstallationRecord, TokenRecord } from './state.js';
import type { TwinWebhooks } from './webhooks.js';

type Api = ReturnType<typeof createApi>;

const TOKEN_TTL_MS = 3_600_000;

/** Mint a `ghs_` installation token (1 h), optionally narrowed to repositories and permissions. */
export function mintInstallationToken(
  state: GitHubState,
  installation: InstallationRecord,
  narrowed: { repoIds?: ReadonlySet<number>; permissions?: TokenRecord['permissions'] } = {},
): TokenRecord {
  const token: TokenRecord = {
    token: `ghs_${randomToken()}`,
    kind: 'installation',
    appId: installation.appId,
    installationId: installation.id,
    userId: undefined,
    permissions: narrowed.permissions ?? installation.permissions,
    repoIds: narrowed.repoIds,
    expiresAt: state.now() + TOKEN_TTL_MS,
    revoked: false,
  };
  state.tokens.set(token.token, token);
  return token;
}

export const randomToken = (): string =>
  randomBytes(27).toString('base64').replace(/[+/=]/g, '').padEnd(36, '0').slice(0, 36);

/** App-level REST routes: JWT endpoints, installation tokens, webhook deliveries, manifest conversion. */
export function registerAppRoutes(api: Api, state: GitHubState, webhooks: TwinWebhooks): void {
  const appOf = (ctx: ApiContext) => {
    if (ctx.caller.kind !== 'app') throw ghError(401, 'A JSON web token could not be decoded');
    return ctx.caller.app;
  };
  const installationOf = (ctx: ApiContext, id: string) => {
    const installation = state.installations.get(Number(id));
    if (!installation || installation.appId !== appOf(ctx).id) {
      throw notFound('https://docs.github.com/rest/apps/apps#get-an-installation-for-the-authenticated-app');
    }
    return installation;
  };

  // GET /app
  api.route('GET', '/app', 'app', (_req, ctx) => ({ body: ctx.shapes.app(appOf(ctx)) }));

  // GET /app/installations
  api.route('GET', '/app/installations', 'app', (_req, ctx) => {
    const app = appOf(ctx);
    const all = [...state.installations.values()]
      .filter((i) => i.appId === app.id)
      .sort((a, b) => a.id - b.id);
    const page = ctx.paginate(all);
    return { body: page.items.map((i) => ctx.shapes.installation(i)), headers: page.headers };
  });

  // GET /app/installations/{installation_id}
  api.route('GET', '/app/installations/:id', 'app', (req, ctx) => ({
    body: ctx.shapes.installation(installationOf(ctx, req.params.id!)),
  }));

  // GET /orgs/{org}/installation, /repos/{owner}/{repo}/installation, /users/{username}/installation
  const installationByAccount = (account: string, ctx: ApiContext) => {
    const installation = state.installationFor(appOf(ctx).id, account);
    if (!installation)
      throw notFound(
        'https://docs.github.com/rest/apps/apps#get-an-organization-installation-for-the-authenticated-app',
      );
    return { body: ctx.shapes.installation(installation) };
  };
  api.route('GET', '/orgs/:org/installation', 'app', (req, ctx) =>
    installationByAccount(req.params.org!, ctx),
  );
  api.route('GET', '/users/:user/installation', 'app', (req, ctx) =>
    installationByAccount(req.params.user!, ctx),
  );
  api.route('GET', '/repos/:owner/:repo/installation', 'app', (req, ctx) => {
    const repo = state.repoByName(req.params.owner!, req.params.repo!);
    const installation = repo && state.installationFor(appOf(ctx).id, repo.owner);
    if (!repo || !installation || !state.installationRepos(installation).includes(repo)) throw notFound();
    return { body: ctx.shapes.installation(installation) };
  });

  // POST /app/installations/{installation_id}/access_tokens
  api.route('POST', '/app/installations/:id/access_tokens', 'app', (req, ctx) => {
    const installation = installationOf(ctx, req.params.id!);
    if (installation.suspendedAt) throw ghError(403, 'This installation has been suspended');
    const body = req.json<Record<string, unknown> | undefined>() ?? {};
    const visible = state.installationRepos(installation);
    let repoIds: Set<number> | undefined;
    const names = body.repositories;
    const ids = body.repository_ids;
    if (Array.isArray(names) || Array.isArray(ids)) {
      const wanted = [...(Array.isArray(names) ? names : []), ...(Array.isArray(ids) ? ids : [])];
      if (wanted.length > 500)
        throw validationFailed([{ resource: 'Installation', code: 'invalid', field: 'repositories' }]);
      repoIds = new Set();
      for (const entry of wanted) {
        const repo = visible.find(
          (r) =>
            r.id === entry || (typeof entry === 'string' && r.name.toLowerCase() === entry.toLowerCase()),
        );
        if (!repo) {
          throw ghError(
            422,
            'There is at least one repository that does not exist or is not accessible to the parent installation.',
            {
              docs: 'https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app',
            },
          );
        }
        repoIds.add(repo.id);
      }
    }
    let permissions = installation.permissions;
    if (body.permissions !== undefined) {
      const narrowed =
        typeof body.permissions === 'object' && body.permissions !== null
          ? narrowPermissions(installation.permissions, body.permissions as Record<string, unknown>)
          : undefined;
      if (!narrowed) {
        throw ghError(422, 'The permissions requested are not granted to this installation.', {
          docs: 'https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app',
        });
      }
      permissions = narrowed;
    }
    const token = mintInstallationToken(state, installation, { repoIds, permissions });
    const repositories = repoIds
      ? visible.filter((r) => repoIds.has(r.id)).map((r) => ctx.shapes.repo(r))
      : undefined;
    return {
      status: 201,
      body: {
        token: token.token,
        expires_at: iso(token.expiresAt),
        permissions: { ...token.permissions },
        repository_selection: repoIds ? 'selected' : installation.repositorySelection,
        ...(repositories ? { repositories } : {}),
      },
    };
  });

  // GET /installation/repositories
  api.route('GET', '/installation/repositories', 'token', (_req, ctx) => {
    if (ctx.caller.kind !== 'installation') throw ghError(403, 'Resource not accessible by integration');
    const { installation } = ctx.caller;
    const repos = state.installationRepos(installation).filter((r) => ctx.canSee(r));
    const page = ctx.paginate(repos);
    return {
      headers: page.headers,
      body: {
        total_count: repos.length,
        repository_selection: ctx.caller.token.repoIds ? 'selected' : installation.repositorySelection,
        repositories: page.items.map((r) => ctx.shapes.repo(r, { admin: false, push: true, pull: true })),
      },
    };
  });

  // DELETE /installation/token
  api.route('DELETE', '/installation/token', 'token', (_req, ctx) => {
    if (ctx.caller.kind !== 'installation') throw ghError(403, 'Resource not accessible by integration');
    ctx.caller.token.revoked = true;
    return { status: 204 };
  });

  // GET /app/hook/config (the secret is never shown, only masked when set)
  api.route('GET', '/app/hook/config', 'app', (_req, ctx) => {
    const app = appOf(ctx);
    return {
      body: {
        content_type: 'json',
        insecure_ssl: '0',
        ...(app.webhookUrl ? { url: app.webhookUrl } : {}),
        ...(app.webhookSecret ? { secret: '********' } : {}),
      },
    };
  });

  // GET /app/hook/deliveries
  api.route('GET', '/app/hook/deliveries', 'app', (_req, ctx) => {
    const app = appOf(ctx);
    const all = [...state.deliveries.values()].filter((d) => d.appId === app.id).sort((a, b) => b.id - a.id);
    const page = ctx.paginate(all);
    return { body: page.items.map((d) => ctx.shapes.delivery(d)), headers: page.headers };
  });

  // POST /app/hook/deliveries/{delivery_id}/attempts
  api.route('POST', '/app/hook/deliveries/:id/attempts', 'app', (req, ctx) => {
    const app = appOf(ctx);
    const original = state.deliveries.get(Number(req.params.id));
    if (!original || original.appId !== app.id) throw notFound();
    void webhooks.redeliver(original);
    return { status: 202, body: {} };
  });

  // POST /app-manifests/{code}/conversions
  api.route(
    'POST',
    '/app-manifests/:code/conversions',
    'none',
    (req, ctx) => {
      const record = state.manifestCodes.get(req.params.code!);
      if (!record || record.used || record.expiresAt <= state.now()) {
        throw notFound('https://docs.github.com/rest/apps/apps#create-a-github-app-from-a-manifest');
      }
      record.used = true;
      const app = state.apps.get(record.appId)!;
      return {
        status: 201,
        body: {
          ...ctx.shapes.app(app),
          client_id: app.clientId,
          client_secret: app.clientSecret,
          webhook_secret: app.webhookSecret,
          pem: app.privateKeyPem,
        },
      };
    },
    true,
  );
}
