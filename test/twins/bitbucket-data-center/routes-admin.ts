import { randomBytes } from 'node:crypto';
import type { TwinRequest } from '../server/twin-server.js';
import { bbError, bbErrors, requireProject, requireRepo, type BbPrincipal } from './access.js';
import { jsonBody, pageParams, projectFor, repoFor, type BbRouteContext } from './context.js';
import type { BitbucketPermission, BitbucketTokenScope } from './scenario.js';
import { branchJson, commitJson, page, tokenJson, webhookJson } from './shapes.js';
import type { BbToken, BbWebhook } from './state.js';

const pkg = 'com.atlassian.bitbucket';
const permissionNames: readonly BitbucketPermission[] = [
  'PROJECT_READ',
  'PROJECT_WRITE',
  'PROJECT_ADMIN',
  'REPO_READ',
  'REPO_WRITE',
  'REPO_ADMIN',
];

/** Webhooks, HTTP access tokens, file edits through `browse` and branch creation. */
export function addAdminRoutes(ctx: BbRouteContext): void {
  const { state, route, apiPrefixes: api } = ctx;
  const tokensApi = ['1.0', 'latest'].map((v) => `${state.contextPath}/rest/access-tokens/${v}`);
  const branchApi = ['1.0', 'latest'].map((v) => `${state.contextPath}/rest/branch-utils/${v}`);

  // --- Webhooks -------------------------------------------------------------------------------------------

  const hooksOf = (
    request: TwinRequest,
    principal: BbPrincipal | undefined,
  ): { hooks: BbWebhook[]; scope: 'project' | 'repository' } => {
    if (request.params.slug) {
      const repo = repoFor(state, request, principal);
      requireRepo(principal, repo, 3);
      return { hooks: repo.webhooks, scope: 'repository' };
    }
    const project = projectFor(state, request, principal);
    requireProject(principal, project, 3);
    return { hooks: project.webhooks, scope: 'project' };
  };

  const applyHook = (hook: BbWebhook, body: Record<string, unknown>) => {
    if (typeof body.name === 'string') hook.name = body.name;
    if (typeof body.url === 'string') hook.url = body.url;
    if (Array.isArray(body.events))
      hook.events = body.events.filter((e): e is string => typeof e === 'string');
    if (typeof body.active === 'boolean') hook.active = body.active;
    if (typeof body.sslVerificationRequired === 'boolean')
      hook.sslVerificationRequired = body.sslVerificationRequired;
    if (body.configuration && typeof body.configuration === 'object') {
      hook.configuration = Object.fromEntries(
        Object.entries(body.configuration as Record<string, unknown>).filter(
          (e): e is [string, string] => typeof e[1] === 'string',
        ),
      );
    }
    hook.updatedDate = state.now();
  };

  for (const path of ['/projects/:key/webhooks', '/projects/:key/repos/:slug/webhooks']) {
    // GET /rest/api/latest/projects/{projectKey}[/repos/{repositorySlug}]/webhooks
    route('GET', api, path, (request, principal) => {
      const { hooks } = hooksOf(request, principal);
      const { start, limit } = pageParams(request);
      return { body: page(hooks.slice(start, start + limit).map(webhookJson), start, limit, hooks.length) };
    });

    // POST /rest/api/latest/projects/{projectKey}[/repos/{repositorySlug}]/webhooks
    route('POST', api, path, (request, principal) => {
      const { hooks, scope } = hooksOf(request, principal);
      const body = jsonBody(request);
      if (typeof body.name !== 'string' || !body.name)
        throw bbErrors.invalid('name', 'A webhook name is required.');
      if (typeof body.url !== 'string' || !URL.canParse(body.url))
        throw bbErrors.invalid('url', 'A valid URL is required.');
      if (!Array.isArray(body.events) || body.events.length === 0) {
        throw bbErrors.invalid('events', 'At least one event is required.');
      }
      if (hooks.some((h) => h.name === body.name)) {
        throw bbError(
          409,
          `${pkg}.webhook.DuplicateWebhookException`,
          `A webhook named ${body.name} already exists.`,
        );
      }
      const at = state.now();
      const hook: BbWebhook = {
        id: state.nextId('webhook'),
        name: body.name,
        url: body.url,
        events: [],
        active: true,
        configuration: {},
        sslVerificationRequired: true,
        scopeType: scope,
        createdDate: at,
        updatedDate: at,
      };
      applyHook(hook, body);
      hooks.push(hook);
      // The reference answers a created webhook with 200.
      return { body: webhookJson(hook) };
    });

    const hookById = (request: TwinRequest, principal: BbPrincipal | undefined) => {
      const { hooks } = hooksOf(request, principal);
      const hook = hooks.find((h) => h.id === Number(request.params.webhookId));
      if (!hook)
        throw bbError(
          404,
          `${pkg}.webhook.NoSuchWebhookException`,
          `No webhook with id ${request.params.webhookId} exists.`,
        );
      return { hooks, hook };
    };

    // GET /rest/api/latest/projects/{projectKey}[/repos/{repositorySlug}]/webhooks/{webhookId}
    route('GET', api, `${path}/:webhookId`, (request, principal) => ({
      body: webhookJson(hookById(request, principal).hook),
    }));

    // PUT /rest/api/latest/projects/{projectKey}[/repos/{repositorySlug}]/webhooks/{webhookId}
    route('PUT', api, `${path}/:webhookId`, (request, principal) => {
      const { hook } = hookById(request, principal);
      applyHook(hook, jsonBody(request));
      return { body: webhookJson(hook) };
    });

    // DELETE /rest/api/latest/projects/{projectKey}[/repos/{repositorySlug}]/webhooks/{webhookId}
    route('DELETE', api, `${path}/:webhookId`, (request, principal) => {
      const { hooks, hook } = hookById(request, principal);
      hooks.splice(hooks.indexOf(hook), 1);
      return { status: 204 };
    });
  }

  // --- HTTP access tokens ---------------------------------------------------------------------------------

  const tokenScopeFor = (request: TwinRequest, principal: BbPrincipal | undefined): BitbucketTokenScope => {
    if (request.params.userSlug) {
      if (!principal) throw bbErrors.notPermitted();
      const user = state.users.get(request.params.userSlug);
      if (!user) throw bbErrors.noUser(request.params.userSlug);
      if (principal.user.name !== user.name && !principal.user.sysAdmin) throw bbErrors.notPermitted();
      return { type: 'user', user: user.name };
    }
    if (request.params.slug) {
      const repo = repoFor(state, request, principal);
      requireRepo(principal, repo, 3);
      return { type: 'repository', projectKey: repo.project.key, slug: repo.slug };
    }
    const project = projectFor(state, request, principal);
    requireProject(principal, project, 3);
    return { type: 'project', projectKey: project.key };
  };
  const sameScope = (a: BitbucketTokenScope, b: BitbucketTokenScope) =>
    JSON.stringify(a) === JSON.stringify(b);
  const tokensIn = (scope: BitbucketTokenScope) =>
    [...state.tokens.values()].filter((t) => sameScope(t.scope, scope));

  for (const path of ['/projects/:key', '/projects/:key/repos/:slug', '/users/:userSlug']) {
    // GET /rest/access-tokens/latest/{projects/{projectKey}[/repos/{repositorySlug}] | users/{userSlug}}
    route('GET', tokensApi, path, (request, principal) => {
      const found = tokensIn(tokenScopeFor(request, principal));
      const { start, limit } = pageParams(request);
      return { body: page(found.slice(start, start + limit).map(tokenJson), start, limit, found.length) };
    });

    // PUT /rest/access-tokens/latest/{…}: creates a token and answers the raw value once
    route('PUT', tokensApi, path, (request, principal) => {
      const scope = tokenScopeFor(request, principal);
      const body = jsonBody(request);
      if (typeof body.name !== 'string' || !body.name)
        throw bbErrors.invalid('name', 'A token name is required.');
      const permissions = Array.isArray(body.permissions) ? body.permissions : [];
      if (permissions.length === 0)
        throw bbErrors.invalid('permissions', 'At least one permission is required.');
      const unknown = permissions.find((p) => !permissionNames.includes(p as BitbucketPermission));
      if (unknown !== undefined)
        throw bbErrors.invalid('permissions', `Unknown permission: ${String(unknown)}`);
      const id = String(100_000_000_000 + state.nextId('token'));
      const expiryDays = typeof body.expiryDays === 'number' ? body.expiryDays : undefined;
      const owner = scope.type === 'user' ? state.users.get(scope.user)! : undefined;
      const token: BbToken = {
        id,
        value: randomBytes(33).toString('base64url'),
        name: body.name,
        scope,
        permissions: permissions as BitbucketPermission[],
        expiresAt: expiryDays === undefined ? undefined : new Date(Date.now() + expiryDays * 86_400_000),
        createdAt: new Date(),
        lastAuthenticated: undefined,
        user: owner ?? {
          id: 900_000 + Number(id.slice(-6)),
          name: `${scope.type}-token-${id}`,
          displayName: body.name,
          email: undefined,
          sysAdmin: false,
          active: true,
          type: 'SERVICE',
        },
      };
      state.tokens.set(token.value, token);
      return {
        body: {
          ...tokenJson(token),
          ...(expiryDays === undefined ? {} : { expiryDays }),
          token: token.value,
        },
      };
    });

    const tokenById = (request: TwinRequest, principal: BbPrincipal | undefined) => {
      const token = tokensIn(tokenScopeFor(request, principal)).find((t) => t.id === request.params.tokenId);
      if (!token)
        throw bbError(
          404,
          `${pkg}.auth.NoSuchAccessTokenException`,
          `No access token exists with ID ${request.params.tokenId}.`,
        );
      return token;
    };

    // GET /rest/access-tokens/latest/{…}/{tokenId}
    route('GET', tokensApi, `${path}/:tokenId`, (request, principal) => ({
      body: tokenJson(tokenById(request, principal)),
    }));

    // DELETE /rest/access-tokens/latest/{…}/{tokenId}
    route('DELETE', tokensApi, `${path}/:tokenId`, (request, principal) => {
      state.tokens.delete(tokenById(request, principal).value);
      return { status: 204 };
    });
  }

  // --- Branches and file edits ----------------------------------------------------------------------------

  // POST /rest/branch-utils/latest/projects/{projectKey}/repos/{repositorySlug}/branches
  route('POST', branchApi, '/projects/:key/repos/:slug/branches', (request, principal) => {
    const repo = repoFor(state, request, principal);
    requireRepo(principal, repo, 2);
    const body = jsonBody(request);
    if (typeof body.name !== 'string' || !body.name)
      throw bbErrors.invalid('name', 'A branch name is required.');
    if (typeof body.startPoint !== 'string' || !body.startPoint) {
      throw bbErrors.invalid('startPoint', 'A start point is required.');
    }
    if (repo.archived) throw bbErrors.archived(repo);
    const name = body.name.replace(/^refs\/heads\//, '');
    if (repo.branches.has(name)) {
      throw bbError(
        409,
        `${pkg}.repository.DuplicateRefException`,
        `Branch ${name} already exists in ${repo.project.key}/${repo.slug}.`,
      );
    }
    const startName = body.startPoint.replace(/^refs\/heads\//, '');
    const source =
      repo.branches.get(startName) ?? [...repo.branches.values()].find((b) => b.head === body.startPoint);
    if (!source)
      throw bbError(
        404,
        `${pkg}.commit.NoSuchCommitException`,
        `Commit '${body.startPoint}' does not exist in repository '${repo.slug}'.`,
      );
    repo.branches.set(name, { name, head: source.head, files: new Map(source.files) });
    return { status: 201, body: { ...branchJson(repo, name), isDefault: false } };
  });

  // PUT /rest/api/latest/projects/{projectKey}/repos/{repositorySlug}/browse/{path} (multipart form)
  route('PUT', api, '/projects/:key/repos/:slug/browse/*path', async (request, principal) => {
    const repo = repoFor(state, request, principal);
    requireRepo(principal, repo, 2);
    if (principal!.token.scope.type !== 'user') {
      // Project and repository tokens have no user with an e-mail address to author the commit.
      throw bbError(
        403,
        `${pkg}.AuthorisationException`,
        'No valid user is associated with this request; file edits need a user.',
      );
    }
    if (repo.archived) throw bbErrors.archived(repo);
    const form = await new Response(new Uint8Array(request.body), {
      headers: { 'content-type': String(request.headers['content-type'] ?? '') },
    })
      .formData()
      .catch(() => {
        throw bbErrors.invalid('content', 'The request must be multipart/form-data.');
      });
    const field = (name: string) => {
      const value = form.get(name);
      return typeof value === 'string' ? value : undefined;
    };
    const fileValue = form.get('content');
    const content =
      typeof fileValue === 'string' ? fileValue : fileValue ? await fileValue.text() : undefined;
    const branchName = field('branch');
    if (content === undefined) throw bbErrors.invalid('content', 'content is required.');
    if (!branchName) throw bbErrors.invalid('branch', 'branch is required.');
    const path = request.params.path!;
    let branch = repo.branches.get(branchName);
    const sourceBranch = field('sourceBranch');
    if (!branch && sourceBranch) {
      const source = repo.branches.get(sourceBranch.replace(/^refs\/heads\//, ''));
      if (!source)
        throw bbError(
          404,
          `${pkg}.repository.NoSuchBranchException`,
          `Branch ${sourceBranch} does not exist.`,
        );
      branch = { name: branchName, head: source.head, files: new Map(source.files) };
      repo.branches.set(branchName, branch);
    }
    if (!branch)
      throw bbError(404, `${pkg}.repository.NoSuchBranchException`, `Branch ${branchName} does not exist.`);
    const existing = branch.files.get(path);
    const sourceCommitId = field('sourceCommitId');
    if (existing !== undefined && !sourceCommitId) {
      throw bbError(
        409,
        `${pkg}.content.FileAlreadyExistsException`,
        `The file '${path}' already exists; provide sourceCommitId to edit it.`,
      );
    }
    if (sourceCommitId && sourceCommitId !== branch.head) {
      throw bbError(
        409,
        `${pkg}.content.FileOutOfDateException`,
        `The file '${path}' has changed since ${sourceCommitId}.`,
      );
    }
    if (existing === content) {
      throw bbError(
        409,
        `${pkg}.content.EditedFileNotChangedException`,
        `The content of '${path}' is unchanged.`,
      );
    }
    const commit = state.commit(repo, branch, principal!.user, field('message') ?? `Edited ${path} online`, {
      [path]: content,
    });
    return { body: commitJson(commit) };
  });
}
