import { TwinHttpError, type TwinRequest } from '../server/twin-server.js';
import type { BitbucketApiTokenScope, BitbucketScope } from './scenario.js';
import type {
  BitbucketAccessToken,
  BitbucketActor,
  BitbucketRepository,
  BitbucketState,
  BitbucketUser,
  BitbucketWorkspace,
} from './state.js';

/** Bitbucket's error envelope. */
export const bbError = (
  status: number,
  message: string,
  detail?: unknown,
  headers: Record<string, string> = {},
) =>
  new TwinHttpError(
    status,
    { type: 'error', error: { message, ...(detail === undefined ? {} : { detail }) } },
    headers,
  );

/**
 * A call's scope requirement, as the API reference lists it per operation: the OAuth scope an access token
 * needs (none for some reads) and every scope an API token needs (API token scopes imply no others).
 */
export interface BitbucketNeed {
  readonly access?: BitbucketScope;
  readonly api: readonly BitbucketApiTokenScope[];
}

export const needs = {
  workspaceRead: { api: ['read:workspace:bitbucket'] },
  projectRead: { access: 'project', api: ['read:project:bitbucket'] },
  repoRead: { access: 'repository', api: ['read:repository:bitbucket'] },
  repoWrite: { access: 'repository:write', api: ['write:repository:bitbucket'] },
  branchCreate: {
    access: 'repository:write',
    api: ['write:repository:bitbucket', 'read:repository:bitbucket'],
  },
  prRead: { access: 'pullrequest', api: ['read:pullrequest:bitbucket'] },
  prWrite: {
    access: 'pullrequest:write',
    api: ['read:pullrequest:bitbucket', 'write:pullrequest:bitbucket'],
  },
  members: { access: 'account', api: ['read:workspace:bitbucket'] },
  user: { access: 'account', api: ['read:user:bitbucket'] },
  hooksRead: { access: 'webhook', api: ['read:webhook:bitbucket'] },
  hooksWrite: { access: 'webhook', api: ['read:webhook:bitbucket', 'write:webhook:bitbucket'] },
  hooksDelete: { access: 'webhook', api: ['delete:webhook:bitbucket'] },
  pipelinesConfig: { access: 'repository:admin', api: ['admin:repository:bitbucket'] },
  variablesRead: { access: 'pipeline', api: ['read:pipeline:bitbucket'] },
  variablesWrite: { access: 'pipeline:variable', api: ['admin:pipeline:bitbucket'] },
} as const satisfies Record<string, BitbucketNeed>;

/**
 * OAuth scopes that include others, as the scope reference states them (`repository:admin` and
 * `project:admin` include none). API token scopes include nothing.
 */
const implied: Partial<Record<string, readonly string[]>> = {
  'repository:write': ['repository'],
  pullrequest: ['repository'],
  'pullrequest:write': ['pullrequest', 'repository', 'repository:write'],
  project: ['repository'],
};

const expand = (scopes: readonly string[]) => new Set(scopes.flatMap((s) => [s, ...(implied[s] ?? [])]));

export interface BitbucketCaller {
  /** Set for workspace, project and repository access tokens (Bearer). */
  readonly accessToken: BitbucketAccessToken | undefined;
  /** Set for an Atlassian API token (Basic `email:token`). */
  readonly user: BitbucketUser | undefined;
  readonly actor: BitbucketActor;
  /** 403 naming the `required` scopes unless the credentials carry them. */
  require(need: BitbucketNeed): void;
  canReachWorkspace(workspace: BitbucketWorkspace): boolean;
  canReachRepository(repo: BitbucketRepository): boolean;
  permissionIn(workspace: BitbucketWorkspace): 'owner' | 'collaborator' | 'member' | undefined;
}

const invalid = 'Token is invalid, expired, or not supported for this endpoint.';

/** Resolves Bearer access tokens and Basic API tokens; 401 for anything else. */
export function identify(state: BitbucketState, request: TwinRequest, now: Date): BitbucketCaller {
  const header = String(request.headers.authorization ?? '');
  const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
  const basic = /^Basic\s+(.+)$/i.exec(header)?.[1]?.trim();
  const expired = (at: string | undefined) => at !== undefined && Date.parse(at) <= now.getTime();
  if (bearer !== undefined) {
    const token = state.accessTokens.get(bearer);
    if (!token || token.revoked || expired(token.expiresAt)) throw bbError(401, invalid);
    const granted = expand(token.scopes);
    return {
      accessToken: token,
      user: undefined,
      actor: token.actor,
      require(need) {
        if (need.access !== undefined && !granted.has(need.access)) throw missingScope([need.access]);
      },
      canReachWorkspace: (workspace) => workspace.slug === token.workspace,
      canReachRepository: (repo) =>
        repo.workspace.slug === token.workspace &&
        (token.kind === 'workspace' ||
          (token.kind === 'project' && repo.projectKey === token.project) ||
          (token.kind === 'repository' && repo.slug === token.repository)),
      permissionIn: () => undefined,
    };
  }
  if (basic !== undefined) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const apiToken = state.apiTokens.get(decoded);
    if (!apiToken || apiToken.revoked || expired(apiToken.expiresAt))
      throw bbError(401, invalid, undefined, { 'www-authenticate': 'Basic realm="Bitbucket.org HTTP"' });
    const granted = new Set<string>(apiToken.scopes);
    const user = apiToken.user;
    return {
      accessToken: undefined,
      user,
      actor: user,
      require(need) {
        if (!need.api.every((scope) => granted.has(scope))) throw missingScope(need.api);
      },
      canReachWorkspace: (workspace) => workspace.members.has(user.accountId),
      canReachRepository: (repo) => repo.workspace.members.has(user.accountId),
      permissionIn: (workspace) => workspace.members.get(user.accountId),
    };
  }
  throw bbError(401, invalid, undefined, { 'www-authenticate': 'Basic realm="Bitbucket.org HTTP"' });
}

/** Bitbucket's scope refusal: the operation's `required` scopes, not those the credentials have. */
function missingScope(required: readonly string[]) {
  return bbError(403, 'Your credentials lack one or more required privilege scopes.', {
    required: [...required],
  });
}

/**
 * What an access token gets from an endpoint not offered to access tokens (`/user`, workspace permissions):
 * the same 401 as an invalid token.
 */
export const notForAccessTokens = () => bbError(401, invalid);

/**
 * Counts a request to `/repositories/*` against an access token's hourly budget and returns the scaled
 * rate-limit headers Bitbucket sends to access tokens.
 */
export function spendBudget(caller: BitbucketCaller, path: string, now: number): Record<string, string> {
  const token = caller.accessToken;
  if (!token || token.requestsPerHour === undefined || !path.startsWith('/2.0/repositories/')) return {};
  const limit = token.requestsPerHour;
  if (now - token.window.startedAt >= 3_600_000) token.window = { startedAt: now, count: 0 };
  token.window.count += 1;
  const headers = {
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-resource': 'api-repositories',
    'x-ratelimit-nearlimit': String(limit - token.window.count < limit * 0.2),
  };
  if (token.window.count > limit)
    throw bbError(429, 'Rate limit for this resource has been exceeded', undefined, headers);
  return headers;
}
