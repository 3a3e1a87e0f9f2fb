import {
  TwinHttpError,
  type TwinRequest,
  type TwinResponse,
  type TwinRouter,
} from '../server/twin-server.js';
import { identify, spendBudget, type GitLabCaller } from './auth.js';
import type { GitLabGroup, GitLabMergeRequest, GitLabProject, GitLabState } from './state.js';
import type { GitLabViews } from './views.js';

export type GitLabHandler = (
  request: TwinRequest,
  caller: GitLabCaller,
) => TwinResponse | Promise<TwinResponse>;

/** What every route module gets: the state, its renderers and a way to register `/api/v4` routes. */
export interface GitLabApi {
  readonly state: GitLabState;
  readonly views: GitLabViews;
  get(path: string, handler: GitLabHandler): void;
  post(path: string, handler: GitLabHandler): void;
  put(path: string, handler: GitLabHandler): void;
  delete(path: string, handler: GitLabHandler): void;
  /** A group the caller can see, by id or full path; otherwise `404 Group Not Found`. */
  group(caller: GitLabCaller, id: string): GitLabGroup;
  /** A project the caller can see, by id or path with namespace; otherwise `404 Project Not Found`. */
  project(caller: GitLabCaller, id: string): GitLabProject;
  mergeRequest(project: GitLabProject, iid: string): GitLabMergeRequest;
  /** 403 unless the caller's effective role is at least `level`. */
  requireLevel(actual: number, level: number): void;
}

export const notFound = (what?: string) =>
  new TwinHttpError(404, { message: what ? `404 ${what} Not Found` : '404 Not Found' });
export const forbidden = () => new TwinHttpError(403, { message: '403 Forbidden' });

export function createGitLabApi(router: TwinRouter, state: GitLabState, views: GitLabViews): GitLabApi {
  const wrap =
    (handler: GitLabHandler) =>
    async (request: TwinRequest): Promise<TwinResponse> => {
      const caller = identify(state, request);
      const budget = spendBudget(caller.token, Date.now());
      const response = await handler(request, caller);
      return { ...response, headers: { ...budget, ...response.headers } };
    };
  return {
    state,
    views,
    get: (path, handler) => void router.get(`/api/v4${path}`, wrap(handler)),
    post: (path, handler) => void router.post(`/api/v4${path}`, wrap(handler)),
    put: (path, handler) => void router.put(`/api/v4${path}`, wrap(handler)),
    delete: (path, handler) => void router.delete(`/api/v4${path}`, wrap(handler)),
    group(caller, id) {
      const group = state.group(id);
      if (!group || !state.canSeeGroup(group, caller.user)) throw notFound('Group');
      return group;
    },
    project(caller, id) {
      const project = state.project(id);
      if (!project || !state.canSeeProject(project, caller.user)) throw notFound('Project');
      return project;
    },
    mergeRequest(project, iid) {
      const mr = project.mergeRequests.get(Number(iid));
      if (!mr) throw new TwinHttpError(404, { message: '404 Not found' });
      return mr;
    },
    requireLevel(actual, level) {
      if (actual < level) throw forbidden();
    },
  };
}
