import type { TwinRequest, TwinResponse, TwinRouter } from '../server/twin-server.js';
import { bbError, identify, spendBudget, type BitbucketCaller } from './auth.js';
import type {
  BitbucketPullRequest,
  BitbucketRepository,
  BitbucketState,
  BitbucketWorkspace,
} from './state.js';
import type { BitbucketViews } from './views.js';

export type BitbucketHandler = (
  request: TwinRequest,
  caller: BitbucketCaller,
) => TwinResponse | Promise<TwinResponse>;

/** What the route modules share: state, renderers, `/2.0` registration and lookups that answer 404. */
export interface BitbucketApi {
  readonly state: BitbucketState;
  readonly views: BitbucketViews;
  get(path: string, handler: BitbucketHandler): void;
  post(path: string, handler: BitbucketHandler): void;
  put(path: string, handler: BitbucketHandler): void;
  delete(path: string, handler: BitbucketHandler): void;
  workspace(caller: BitbucketCaller, idOrSlug: string): BitbucketWorkspace;
  repository(caller: BitbucketCaller, workspace: string, slug: string): BitbucketRepository;
  pullRequest(repo: BitbucketRepository, id: string): BitbucketPullRequest;
}

/** Empty answers still carry a content type, as Bitbucket's do (clients read it to pick a parser). */
export const empty = (status: number, headers: Record<string, string> = {}): TwinResponse => ({
  status,
  headers: { 'content-type': 'text/html; charset=utf-8', ...headers },
});

export function createBitbucketApi(
  router: TwinRouter,
  state: BitbucketState,
  views: BitbucketViews,
): BitbucketApi {
  const wrap =
    (handler: BitbucketHandler) =>
    async (request: TwinRequest): Promise<TwinResponse> => {
      const caller = identify(state, request, new Date());
      const budget = spendBudget(caller, request.path, Date.now());
      const response = await handler(request, caller);
      return { ...response, headers: { ...budget, ...response.headers } };
    };
  return {
    state,
    views,
    get: (path, handler) => void router.get(`/2.0${path}`, wrap(handler)),
    post: (path, handler) => void router.post(`/2.0${path}`, wrap(handler)),
    put: (path, handler) => void router.put(`/2.0${path}`, wrap(handler)),
    delete: (path, handler) => void router.delete(`/2.0${path}`, wrap(handler)),
    workspace(caller, idOrSlug) {
      const workspace = state.workspace(idOrSlug);
      if (!workspace || !caller.canReachWorkspace(workspace))
        throw bbError(404, `No workspace with identifier '${idOrSlug}'.`);
      return workspace;
    },
    repository(caller, workspaceSlug, slug) {
      const workspace = state.workspace(workspaceSlug);
      if (!workspace) throw bbError(404, `No workspace with identifier '${workspaceSlug}'.`);
      const repo = workspace.repositories.get(slug.toLowerCase());
      if (!repo || !caller.canReachRepository(repo))
        throw bbError(404, `Repository ${workspaceSlug}/${slug} not found`);
      return repo;
    },
    pullRequest(repo, id) {
      const pr = repo.pullRequests.get(Number(id));
      if (!pr) throw bbError(404, `Pull request ${id} not found`);
      return pr;
    },
  };
}
