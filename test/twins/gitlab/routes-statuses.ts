import { TwinHttpError } from '../server/twin-server.js';
import { notFound, type GitLabApi } from './api.js';
import { optionalString, readFields, requireString } from './body.js';
import { paginate } from './pagination.js';
import type { GitLabCommitStatus, GitLabProject } from './state.js';

/*
 * Commit statuses ("Commits API > Set the pipeline status of a commit", `POST /projects/:id/statuses/:sha`, and
 * "List the statuses of a commit"). A status of the same name and ref that is still pending or running moves to
 * the new state; GitLab's state machine refuses pending → pending and running → running / pending with
 * 400 `Cannot transition status via :enqueue from :pending …` (`lib/api/commit_statuses.rb`, the issues of
 * gitlab-foss#25807). A finished one is retired and a new status made, so the list shows the latest per name.
 */

const states = ['pending', 'running', 'success', 'failed', 'canceled'] as const;
type State = (typeof states)[number];
/** The state-machine event each requested state fires. */
const eventOf: Record<State, string> = {
  pending: 'enqueue',
  running: 'run',
  success: 'success',
  failed: 'drop',
  canceled: 'cancel',
};
const finished = new Set(['success', 'failed', 'canceled']);

export function addStatusRoutes(api: GitLabApi): void {
  const { state, views } = api;
  const render = (project: GitLabProject, status: GitLabCommitStatus) => ({
    id: status.id,
    sha: status.sha,
    ref: status.ref,
    status: status.status,
    name: status.name,
    target_url: status.targetUrl,
    description: status.description,
    created_at: status.createdAt,
    started_at: status.startedAt,
    finished_at: status.finishedAt,
    allow_failure: false,
    coverage: null,
    pipeline_id: project.id * 1000 + 1,
    author: views.userBasic(state.users.get(status.authorId)!),
  });

  api.post('/projects/:id/statuses/:sha', async (request, caller) => {
    caller.require('write');
    const project = api.project(caller, request.params.id!);
    api.requireLevel(caller.user?.admin ? 50 : state.projectAccess(project, caller.user), 30);
    const sha = request.params.sha!;
    if (!project.commits.has(sha)) throw notFound('Commit');
    const fields = await readFields(request);
    const wanted = requireString(fields, 'state');
    if (!(states as readonly string[]).includes(wanted))
      throw new TwinHttpError(400, { error: 'state does not have a valid value' });
    const target = wanted as State;
    const name = optionalString(fields, 'name') ?? optionalString(fields, 'context') ?? 'default';
    const ref =
      optionalString(fields, 'ref') ??
      [...project.branches.values()].find((branch) => branch.commit === sha)?.name ??
      null;
    const now = new Date().toISOString();
    const same = project.statuses.filter(
      (s) => s.sha === sha && s.name === name && s.ref === ref && !s.retried,
    );
    let status = same.find((s) => s.status === 'pending' || s.status === 'running');
    if (status) {
      const refused = target === 'pending' || (target === 'running' && status.status === 'running');
      if (refused) {
        const event = eventOf[target];
        throw new TwinHttpError(400, {
          message: `Cannot transition status via :${event} from :${status.status} (Reason(s): Status cannot transition via "${event}")`,
        });
      }
    } else {
      for (const old of same) old.retried = true;
      status = {
        id: state.newId(),
        sha,
        ref,
        name,
        status: 'created',
        targetUrl: null,
        description: null,
        authorId: caller.user!.id,
        createdAt: now,
        startedAt: null,
        finishedAt: null,
        retried: false,
      };
      project.statuses.push(status);
    }
    status.status = target;
    status.targetUrl = optionalString(fields, 'target_url') ?? status.targetUrl;
    status.description = optionalString(fields, 'description') ?? status.description;
    if (target === 'running') status.startedAt = now;
    if (finished.has(target)) status.finishedAt = now;
    return { status: 201, body: render(project, status) };
  });

  api.get('/projects/:id/repository/commits/:sha/statuses', (request, caller) => {
    caller.require('read');
    const project = api.project(caller, request.params.id!);
    const query = request.url.searchParams;
    const sha = request.params.sha!;
    if (!project.commits.has(sha)) throw notFound('Commit');
    const list = project.statuses.filter(
      (s) =>
        s.sha === sha &&
        (query.get('all') === 'true' || !s.retried) &&
        (!query.get('name') || s.name === query.get('name')) &&
        (!query.get('ref') || s.ref === query.get('ref')),
    );
    return paginate(request, list, (s) => render(project, s));
  });
}
