import type { TwinHandler, TwinRequest, TwinResponse, TwinRouter } from '../server/twin-server.js';
import { TwinHttpError } from '../server/twin-server.js';
import { hasPermission, identify, type Caller } from './auth.js';
import { ghError, notAccessible, notFound, requiresAuthentication } from './errors.js';
import type { Shapes } from './shapes.js';
import type { GitHubState, RepoRecord } from './state.js';

/** Which callers a route accepts. */
export type Access = 'none' | 'app' | 'token' | 'user' | 'any';

export interface ApiContext {
  readonly caller: Caller;
  readonly state: GitHubState;
  readonly shapes: Shapes;
  /** Fail with 403 unless the token holds one of `alternatives` (`[permission, level]`). */
  need(...alternatives: readonly (readonly [string, 'read' | 'write'])[]): void;
  /** The repository if the caller may see it, else GitHub's 404. Writes to archived repositories are refused. */
  repo(owner: string, name: string, options?: { write?: boolean }): RepoRecord;
  /** Whether the caller may see `repo`. */
  canSee(repo: RepoRecord): boolean;
  /** Slice `items` by `per_page` / `page` and build the `link` header. */
  paginate<T>(items: readonly T[]): { items: T[]; headers: Record<string, string> };
  /** User id that authors what this caller writes (the app's bot for installation tokens). */
  authorId(): number;
}

export type ApiHandler = (request: TwinRequest, context: ApiContext) => TwinResponse | Promise<TwinResponse>;

export interface ApiOptions {
  readonly state: GitHubState;
  /** Built once the server knows its URL. */
  readonly shapes: () => Shapes;
  readonly prefix: string;
  readonly flavor: 'cloud' | 'enterprise';
  readonly version: string;
  readonly limit: number;
  readonly limitEnabled: boolean;
  readonly perMinute: number;
  readonly perHour: number;
  /** The windows' lengths (GitHub's: a minute and an hour); a bench scales them down. */
  readonly minuteMs: number;
  readonly hourMs: number;
}

interface Bucket {
  resetAt: number;
  used: number;
  creations: number[];
}

const HOUR = 3_600_000;
const RATE_DOCS = 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api';

/** Registers REST routes: identifies the caller, enforces and reports rate limits, adds GitHub's headers. */
export function createApi(router: TwinRouter, options: ApiOptions) {
  const { state } = options;
  const buckets = new Map<string, Bucket>();
  const [major = 0, minor = 0] = options.version.split('.').map(Number);
  const clientIdIssuer = options.flavor === 'cloud' || major > 3 || (major === 3 && minor >= 14);

  function bucketOf(caller: Caller, request: TwinRequest): { key: string; limit: number } {
    switch (caller.kind) {
      case 'installation':
        return { key: `installation:${caller.installation.id}`, limit: options.limit };
      case 'user':
        return { key: `user:${caller.user.id}`, limit: options.limit };
      case 'app':
        return { key: `app:${caller.app.id}`, limit: options.limit };
      default:
        return { key: `ip:${request.headers['x-forwarded-for'] ?? 'loopback'}`, limit: 60 };
    }
  }

  function commonHeaders(): Record<string, string> {
    const headers: Record<string, string> = {
      'x-github-media-type': 'github.v3; format=json',
      'x-github-api-version-selected': '2022-11-28',
      'x-github-request-id': `${state.newId().toString(16).toUpperCase()}:TWIN`,
    };
    if (options.flavor === 'enterprise') headers['x-github-enterprise-version'] = options.version;
    return headers;
  }

  function rateHeaders(bucket: Bucket, limit: number): Record<string, string> {
    return {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - bucket.used)),
      'x-ratelimit-used': String(bucket.used),
      'x-ratelimit-reset': String(Math.ceil(bucket.resetAt / 1000)),
      'x-ratelimit-resource': 'core',
    };
  }

  function bucketFor(key: string): Bucket {
    const now = state.now();
    let bucket = buckets.get(key);
    if (!bucket || bucket.resetAt <= now) {
      bucket = { resetAt: now + HOUR, used: 0, creations: bucket?.creations ?? [] };
      buckets.set(key, bucket);
    }
    return bucket;
  }

  function context(caller: Caller, request: TwinRequest): ApiContext {
    const canSee = (repo: RepoRecord): boolean => {
      switch (caller.kind) {
        case 'installation': {
          const { installation, token } = caller;
          if (repo.owner.toLowerCase() !== installation.account.toLowerCase()) return false;
          if (installation.repositorySelection === 'selected' && !installation.selectedRepoIds.has(repo.id))
            return false;
          return !token.repoIds || token.repoIds.has(repo.id);
        }
        case 'user': {
          if (!repo.private) return true;
          const org = state.orgByLogin(repo.owner);
          const member = org ? org.members.has(caller.user.id) : repo.ownerId === caller.user.id;
          const installation = state.installationFor(caller.app.id, repo.owner);
          return (
            member &&
            installation !== undefined &&
            (installation.repositorySelection === 'all' || installation.selectedRepoIds.has(repo.id))
          );
        }
        default:
          return !repo.private;
      }
    };
    return {
      caller,
      state,
      shapes: options.shapes(),
      canSee,
      need(...alternatives) {
        if (caller.kind !== 'installation' && caller.kind !== 'user') return;
        const granted = caller.token.permissions;
        if (alternatives.some(([permission, level]) => hasPermission(granted, permission, level))) return;
        throw notAccessible(alternatives.map(([p, l]) => `${p}=${l}`).join('; '));
      },
      repo(owner, name, repoOptions = {}) {
        const repo = state.repoByName(owner, name);
        if (!repo || !canSee(repo))
          throw notFound('https://docs.github.com/rest/repos/repos#get-a-repository');
        if (repoOptions.write && caller.kind === 'anonymous') throw requiresAuthentication();
        if (repoOptions.write && repo.archived)
          throw ghError(403, 'Repository was archived so is read-only.');
        return repo;
      },
      paginate(items) {
        const perPage = Math.min(
          100,
          Math.max(1, Number(request.url.searchParams.get('per_page') ?? 30) || 30),
        );
        const page = Math.max(1, Number(request.url.searchParams.get('page') ?? 1) || 1);
        const last = Math.max(1, Math.ceil(items.length / perPage));
        const link = (p: number) => {
          const url = new URL(request.url.pathname + request.url.search, request.origin);
          url.searchParams.set('per_page', String(perPage));
          url.searchParams.set('page', String(p));
          return url.toString();
        };
        const rels: string[] = [];
        if (page > 1) rels.push(`<${link(page - 1)}>; rel="prev"`);
        if (page < last) rels.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
        if (page > 1) rels.push(`<${link(1)}>; rel="first"`);
        const headers: Record<string, string> = {};
        if (rels.length > 0) headers.link = rels.join(', ');
        return { items: items.slice((page - 1) * perPage, page * perPage), headers };
      },
      authorId() {
        if (caller.kind === 'installation') return caller.app.botUserId;
        if (caller.kind === 'user') return caller.user.id;
        throw requiresAuthentication();
      },
    };
  }

  function checkAccess(access: Access, caller: Caller): void {
    if (access === 'none' || access === 'any') return;
    if (caller.kind === 'anonymous') {
      throw access === 'app'
        ? ghError(401, 'A JSON web token could not be decoded')
        : requiresAuthentication();
    }
    if (access === 'app' && caller.kind !== 'app') {
      throw ghError(401, 'A JSON web token could not be decoded', {
        docs: 'https://docs.github.com/rest/apps/apps',
      });
    }
    if (access === 'token' && caller.kind === 'app') {
      throw ghError(403, 'Resource not accessible by integration');
    }
    if (access === 'user' && caller.kind !== 'user') {
      throw ghError(
        403,
        'You must authenticate with an access token authorized to a GitHub App in order to list installations',
      );
    }
  }

  /**
   * Add a REST route under the flavor's prefix. `creates` marks content creation, which counts towards the
   * secondary limits (per minute / per hour).
   */
  function route(
    method: string,
    path: string,
    access: Access,
    handler: ApiHandler,
    creates = false,
    /** `false` for a path outside the REST prefix (GraphQL: `/graphql`, or `/api/graphql` on GHES). */
    prefixed = true,
  ): void {
    const wrapped: TwinHandler = async (request) => {
      const headers = commonHeaders();
      let caller: Caller;
      try {
        caller = identify(state, request.headers, { clientIdIssuer });
      } catch (error) {
        const anonymous = bucketOf({ kind: 'anonymous' }, request);
        throw withHeaders(error, { ...headers, ...rateHeaders(bucketFor(anonymous.key), anonymous.limit) });
      }
      const { key, limit } = bucketOf(caller, request);
      const bucket = bucketFor(key);
      const rate = () => rateHeaders(bucket, limit);
      if (options.limitEnabled && bucket.used >= limit) {
        const message =
          caller.kind === 'installation'
            ? `API rate limit exceeded for installation ID ${caller.installation.id}.`
            : caller.kind === 'anonymous'
              ? "API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)"
              : `API rate limit exceeded for user ID ${caller.kind === 'user' ? caller.user.id : caller.app.id}.`;
        throw ghError(403, message, {
          docs: `${RATE_DOCS}#about-the-primary-rate-limit`,
          headers: { ...headers, ...rate() },
        });
      }
      bucket.used += 1;
      try {
        checkAccess(access, caller);
        if (creates && options.limitEnabled) {
          const { minuteMs, hourMs } = options;
          const now = state.now();
          bucket.creations = bucket.creations.filter((t) => t > now - hourMs);
          const lastMinute = bucket.creations.filter((t) => t > now - minuteMs);
          let retryAfter = 0;
          if (lastMinute.length >= options.perMinute)
            retryAfter = Math.ceil((lastMinute[0]! + minuteMs - now) / 1000);
          else if (bucket.creations.length >= options.perHour)
            retryAfter = Math.ceil((bucket.creations[0]! + hourMs - now) / 1000);
          if (retryAfter > 0) {
            state.secondaryLimitRefusals += 1;
            throw ghError(
              403,
              'You have exceeded a secondary rate limit and have been temporarily blocked from content creation. Please retry your request again later.',
              {
                docs: `${RATE_DOCS}#about-secondary-rate-limits`,
                headers: { 'retry-after': String(Math.max(1, retryAfter)) },
              },
            );
          }
          bucket.creations.push(now);
        }
        const response = await handler(request, context(caller, request));
        return { ...response, headers: { ...headers, ...rate(), ...response.headers } };
      } catch (error) {
        throw withHeaders(error, { ...headers, ...rate() });
      }
    };
    router.add(method, prefixed ? `${options.prefix}${path}` : path, wrapped);
  }

  return {
    route,
    /** Headers every answer carries (used for the unknown-path 404). */
    commonHeaders,
  };
}

function withHeaders(error: unknown, headers: Record<string, string>): unknown {
  if (!(error instanceof TwinHttpError)) return error;
  return new TwinHttpError(error.status, error.body, { ...headers, ...error.headers });
}
