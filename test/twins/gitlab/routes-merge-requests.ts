import { TwinHttpError } from '../server/twin-server.js';
import { forbidden, type GitLabApi } from './api.js';
import type { GitLabCaller } from './auth.js';
import { flag, optionalString, readFields, requireString } from './body.js';
import type { GitLabMergeRequestEvents } from './merge-request-events.js';
import { discussionOfNote, findNote, noteBody } from './notes.js';
import { paginate } from './pagination.js';
import type { GitLabProject } from './state.js';

/** Merge requests and their notes; each note written and each close or merge delivers its webhook. */
export function addMergeRequestRoutes(api: GitLabApi, events: GitLabMergeRequestEvents): void {
  const { state, views } = api;
  const level = (caller: GitLabCaller, project: GitLabProject) =>
    caller.user?.admin ? 50 : state.projectAccess(project, caller.user);
  const mrOf = (request: { params: Readonly<Record<string, string>> }, caller: GitLabCaller) => {
    const project = api.project(caller, request.params.id!);
    return { project, mr: api.mergeRequest(project, request.params.iid!) };
  };

  api.get('/projects/:id/merge_requests', (request, caller) => {
    caller.require('read');
    const project = api.project(caller, request.params.id!);
    const query = request.url.searchParams;
    const wanted = query.get('state') ?? 'all';
    const list = [...project.mergeRequests.values()]
      .filter((mr) => wanted === 'all' || mr.state === wanted)
      .filter((mr) => !query.get('source_branch') || mr.sourceBranch === query.get('source_branch'))
      .filter((mr) => !query.get('target_branch') || mr.targetBranch === query.get('target_branch'))
      .sort((a, b) => (query.get('sort') === 'asc' ? a.iid - b.iid : b.iid - a.iid));
    return paginate(request, list, (mr) => views.mergeRequest(project, mr));
  });

  api.get('/projects/:id/merge_requests/:iid', (request, caller) => {
    caller.require('read');
    const { project, mr } = mrOf(request, caller);
    return { body: views.mergeRequest(project, mr) };
  });

  api.post('/projects/:id/merge_requests', async (request, caller) => {
    caller.require('write');
    const project = api.project(caller, request.params.id!);
    api.requireLevel(level(caller, project), 30);
    const fields = await readFields(request);
    const source = requireString(fields, 'source_branch');
    const target = requireString(fields, 'target_branch');
    const title = requireString(fields, 'title');
    const problems: string[] = [];
    if (!project.branches.has(source)) problems.push(`Source branch "${source}" does not exist`);
    if (!project.branches.has(target)) problems.push(`Target branch "${target}" does not exist`);
    if (source === target) problems.push('You must select different branches');
    if (problems.length > 0) throw new TwinHttpError(422, { message: problems });
    const open = [...project.mergeRequests.values()].find(
      (mr) => mr.state === 'opened' && mr.sourceBranch === source && mr.targetBranch === target,
    );
    if (open)
      throw new TwinHttpError(409, {
        message: [`Another open merge request already exists for this source branch: !${open.iid}`],
      });
    const mr = state.openMergeRequest(project, {
      title,
      description: optionalString(fields, 'description'),
      author: caller.user!,
      source,
      target,
    });
    mr.removeSourceBranch = flag(fields, 'remove_source_branch') ?? false;
    void events.mergeRequest(project, mr, 'open', caller.user!);
    return { status: 201, body: views.mergeRequest(project, mr) };
  });

  api.put('/projects/:id/merge_requests/:iid', async (request, caller) => {
    caller.require('write');
    const { project, mr } = mrOf(request, caller);
    api.requireLevel(level(caller, project), 30);
    const fields = await readFields(request);
    mr.title = optionalString(fields, 'title') ?? mr.title;
    mr.description = optionalString(fields, 'description') ?? mr.description;
    const was = mr.state;
    if (fields.state_event === 'close' && mr.state === 'opened') mr.state = 'closed';
    if (fields.state_event === 'reopen' && mr.state === 'closed') mr.state = 'opened';
    mr.updatedAt = new Date().toISOString();
    const action = mr.state === was ? 'update' : mr.state === 'closed' ? 'close' : 'reopen';
    void events.mergeRequest(project, mr, action, caller.user!);
    return { body: views.mergeRequest(project, mr) };
  });

  api.put('/projects/:id/merge_requests/:iid/merge', (request, caller) => {
    caller.require('write');
    const { project, mr } = mrOf(request, caller);
    api.requireLevel(level(caller, project), 30);
    // "Merge a merge request": 405 when it is not open, as `lib/api/merge_requests.rb` answers.
    if (mr.state !== 'opened') throw new TwinHttpError(405, { message: '405 Method Not Allowed' });
    const source = project.branches.get(mr.sourceBranch)!;
    state.commit(
      project,
      mr.targetBranch,
      `Merge branch '${mr.sourceBranch}' into '${mr.targetBranch}'`,
      caller.user!,
      (files) => {
        files.clear();
        for (const [path, content] of source.files) files.set(path, content);
      },
    );
    mr.state = 'merged';
    mr.updatedAt = new Date().toISOString();
    void events.mergeRequest(project, mr, 'merge', caller.user!);
    return { body: views.mergeRequest(project, mr) };
  });

  api.get('/projects/:id/merge_requests/:iid/notes', (request, caller) => {
    caller.require('read');
    const { mr } = mrOf(request, caller);
    const ascending = request.url.searchParams.get('sort') === 'asc';
    const notes = mr.discussions
      .flatMap((d) => d.notes)
      .sort((a, b) => (ascending ? a.id - b.id : b.id - a.id));
    return paginate(request, notes, (note) => views.note(mr, note));
  });

  api.get('/projects/:id/merge_requests/:iid/notes/:note_id', (request, caller) => {
    caller.require('read');
    const { mr } = mrOf(request, caller);
    return { body: views.note(mr, findNote(mr, request.params.note_id!)) };
  });

  api.post('/projects/:id/merge_requests/:iid/notes', async (request, caller) => {
    caller.require('write');
    const { project, mr } = mrOf(request, caller);
    api.requireLevel(level(caller, project), 10);
    const note = state.addNote(mr, caller.user!, noteBody(await readFields(request)));
    void events.note(project, mr, discussionOfNote(mr, note), note);
    return { status: 201, body: views.note(mr, note) };
  });

  api.put('/projects/:id/merge_requests/:iid/notes/:note_id', async (request, caller) => {
    caller.require('write');
    const { mr } = mrOf(request, caller);
    const note = findNote(mr, request.params.note_id!);
    if (note.authorId !== caller.user?.id) throw forbidden();
    note.body = noteBody(await readFields(request));
    note.updatedAt = new Date().toISOString();
    return { body: views.note(mr, note) };
  });

  api.delete('/projects/:id/merge_requests/:iid/notes/:note_id', (request, caller) => {
    caller.require('write');
    const { project, mr } = mrOf(request, caller);
    const note = findNote(mr, request.params.note_id!);
    if (note.authorId !== caller.user?.id && level(caller, project) < 40) throw forbidden();
    for (const [index, discussion] of mr.discussions.entries()) {
      const at = discussion.notes.indexOf(note);
      if (at < 0) continue;
      discussion.notes.splice(at, 1);
      if (discussion.notes.length === 0) mr.discussions.splice(index, 1);
      break;
    }
    return { status: 204 };
  });
}
