import type { TwinRequest, TwinResponse, TwinRouter } from '../server/twin-server.js';
import { authenticate, bbErrors, canViewProject, type BbPrincipal } from './access.js';
import type { BitbucketDeliverer } from './deliveries.js';
import type { BbProject, BbPullRequest, BbRepo, BitbucketDataCenterState } from './state.js';

/** Data Center caps `limit` at 1000 by default (the KB shows how an admin raises it); 25 when absent. */
export const maxPageLimit = 1000;

export type BbHandler = (
  request: TwinRequest,
  principal: BbPrincipal | undefined,
) => TwinResponse | Promise<TwinResponse>;

/** What each route module needs: the state, the router and the path prefixes. */
export interface BbRouteContext {
  readonly state: BitbucketDataCenterState;
  readonly router: TwinRouter;
  /** `${contextPath}/rest/api/1.0` and `${contextPath}/rest/api/latest`. */
  readonly apiPrefixes: readonly string[];
  /**
   * Registers `handler` under every prefix, authenticating first and naming the caller in `X-AUSERID` and
   * `X-AUSERNAME` (as far as `state.userHeaders` lets them through).
   */
  route(method: string, prefixes: readonly string[], path: string, handler: BbHandler): void;
  /** Sends `payload` as `eventKey` to the subscribed webhooks of the repository and its project, in the background. */
  deliver(repo: BbRepo, eventKey: string, payload: unknown): void;
}

export function createRouteContext(
  state: BitbucketDataCenterState,
  router: TwinRouter,
  deliverer: BitbucketDeliverer,
): BbRouteContext {
  const apiPrefixes = ['1.0', 'latest'].map((v) => `${state.contextPath}/rest/api/${v}`);
  return {
    state,
    router,
    apiPrefixes,
    deliver(repo, eventKey, payload) {
      void deliverer.deliver([...repo.project.webhooks, ...repo.webhooks], eventKey, payload);
    },
    route(method, prefixes, path, handler) {
      for (const prefix of prefixes) {
        router.add(method, `${prefix}${path}`, async (request) => {
          const principal = authenticate(state, request);
          const response = await handler(request, principal);
          if (!principal || state.userHeaders === 'none') return response;
          return {
            ...response,
            headers: {
              ...response.headers,
              'x-ausername': principal.user.name,
              ...(state.userHeaders === 'id-and-name' ? { 'x-auserid': String(principal.user.id) } : {}),
            },
          };
        });
      }
    },
  };
}

/** The web base the links point at: origin plus context path. */
export const webBase = (state: BitbucketDataCenterState, request: TwinRequest) =>
  `${request.origin}${state.contextPath}`;

/** `start`/`limit` as Data Center reads them. */
export function pageParams(request: TwinRequest): { start: number; limit: number } {
  const start = Math.max(0, Number.parseInt(request.url.searchParams.get('start') ?? '0', 10) || 0);
  const asked = Number.parseInt(request.url.searchParams.get('limit') ?? '25', 10);
  const limit = Math.min(maxPageLimit, asked > 0 ? asked : 25);
  return { start, limit };
}

/** The project, or 404 `NoSuchProjectException`; 401 when the caller cannot see it. */
export function projectFor(
  state: BitbucketDataCenterState,
  request: TwinRequest,
  principal: BbPrincipal | undefined,
): BbProject {
  const key = request.params.key!;
  const project = state.projects.get(key.toUpperCase());
  if (!project) throw bbErrors.noProject(key);
  if (!canViewProject(principal, project)) throw bbErrors.notPermitted();
  return project;
}

/** The repository, or 404 `NoSuchRepositoryException`. Permission checks are the caller's. */
export function repoFor(
  state: BitbucketDataCenterState,
  request: TwinRequest,
  principal: BbPrincipal | undefined,
): BbRepo {
  const project = state.projects.get(request.params.key!.toUpperCase());
  if (!project) throw bbErrors.noProject(request.params.key!);
  const repo = state.findRepo(project, request.params.slug!);
  if (!repo) {
    if (!canViewProject(principal, project)) throw bbErrors.notPermitted();
    throw bbErrors.noRepo(project.key, request.params.slug!);
  }
  return repo;
}

export function pullRequestFor(repo: BbRepo, request: TwinRequest): BbPullRequest {
  const pr = repo.pullRequests.get(Number(request.params.id));
  if (!pr) throw bbErrors.noPullRequest(request.params.id!);
  return pr;
}

/** The JSON body as an object, or 400 like Data Center's request validation. */
export function jsonBody(request: TwinRequest): Record<string, unknown> {
  const body = request.json<unknown>();
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw bbErrors.invalid('body', 'The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}
