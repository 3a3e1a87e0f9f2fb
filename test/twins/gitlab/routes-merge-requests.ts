import { TwinHttpError } from '../server/twin-server.js';
import { forbidden, notFound, type GitLabApi } from './api.js';
import type { GitLabCaller } from './auth.js';
import { flag, optionalString, readFields, record, requireString, type Fields } from './body.js';
import { paginate } from './pagination.js';
import type { GitLabDiscussion, GitLabMergeRequest, GitLabNote, GitLabProject } from './state.js';

/** GitLab's limit on a note body. */
const maxNoteLength = 1_000_000;

/** Merge requests, their notes and discussions (diff threads with a position). */
export function addMergeRequestRoutes(api: GitLabApi): void {
  const { state, views } = api;
  const level = (caller: GitLabCaller, project: GitLabProject) =>
    caller.user?.admin ? 50 : state.projectAccess(project, caller.user);
  const mrOf = (request: { params: Readonly<Record<string, string>> }, caller: GitLabCaller) => {
    const project = api.project(caller, request.params.id!);
    return { project, mr: api.mergeRequest(project, request.params.iid!) };
  };
  const noteBody = (fields: Fields) => {
    const body = requireString(fields, 'body');
    if (body.length > maxNoteLength)
      throw new TwinHttpError(400, {
        message: { note: [`is too long (maximum is ${maxNoteLength} characters)`] },
      });
    return body;
  };
  const findNote = (mr: GitLabMergeRequest, id: string): GitLabNote => {
    const note = mr.discussions.flatMap((d) => d.notes).find((n) => n.id === Number(id));
    if (!note) throw notFound('Note');
    return note;
  };
  const editNote = (caller: GitLabCaller, note: GitLabNote, body: string) => {
    if (note.authorId !== caller.user?.id) throw forbidden();
    note.body = body;
    note.updatedAt = new Date().toISOString();
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
    return { status: 201, body: views.mergeRequest(project, mr) };
  });

  api.put('/projects/:id/merge_requests/:iid', async (request, caller) => {
    caller.require('write');
    const { project, mr } = mrOf(request, caller);
    api.requireLevel(level(caller, project), 30);
    const fields = await readFields(request);
    mr.title = optionalString(fields, 'title') ?? mr.title;
    mr.description = optionalString(fields, 'description') ?? mr.description;
    if (fields.state_event === 'close') mr.state = 'closed';
    if (fields.state_event === 'reopen') mr.state = 'opened';
    mr.updatedAt = new Date().toISOString();
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
    return { status: 201, body: views.note(mr, note) };
  });

  api.put('/projects/:id/merge_requests/:iid/notes/:note_id', async (request, caller) => {
    caller.require('write');
    const { mr } = mrOf(request, caller);
    const note = findNote(mr, request.params.note_id!);
    editNote(caller, note, noteBody(await readFields(request)));
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

  const findDiscussion = (mr: GitLabMergeRequest, id: string): GitLabDiscussion => {
    const discussion = mr.discussions.find((d) => d.id === id);
    if (!discussion) throw notFound('Discussion');
    return discussion;
  };

  api.get('/projects/:id/merge_requests/:iid/discussions', (request, caller) => {
    caller.require('read');
    const { mr } = mrOf(request, caller);
    const numbered = mr.discussions.map((discussion, index) => ({ id: index + 1, discussion }));
    return paginate(request, numbered, ({ discussion }) => views.discussion(mr, discussion));
  });

  api.get('/projects/:id/merge_requests/:iid/discussions/:discussion_id', (request, caller) => {
    caller.require('read');
    const { mr } = mrOf(request, caller);
    return { body: views.discussion(mr, findDiscussion(mr, request.params.discussion_id!)) };
  });

  api.post('/projects/:id/merge_requests/:iid/discussions', async (request, caller) => {
    caller.require('write');
    const { project, mr } = mrOf(request, caller);
    api.requireLevel(level(caller, project), 10);
    const fields = await readFields(request);
    const body = noteBody(fields);
    const rawPosition = record(fields, 'position');
    const position = rawPosition ? checkPosition(mr, rawPosition) : undefined;
    const note = state.addNote(mr, caller.user!, body, position ? { position } : { thread: true });
    const discussion = mr.discussions.find((d) => d.notes.includes(note))!;
    return { status: 201, body: views.discussion(mr, discussion) };
  });

  api.post('/projects/:id/merge_requests/:iid/discussions/:discussion_id/notes', async (request, caller) => {
    caller.require('write');
    const { project, mr } = mrOf(request, caller);
    api.requireLevel(level(caller, project), 10);
    const discussion = findDiscussion(mr, request.params.discussion_id!);
    const note = state.addNote(mr, caller.user!, noteBody(await readFields(request)), { discussion });
    return { status: 201, body: views.note(mr, note) };
  });

  api.put(
    '/projects/:id/merge_requests/:iid/discussions/:discussion_id/notes/:note_id',
    async (request, caller) => {
      caller.require('write');
      const { mr } = mrOf(request, caller);
      const discussion = findDiscussion(mr, request.params.discussion_id!);
      const note = discussion.notes.find((n) => n.id === Number(request.params.note_id));
      if (!note) throw notFound('Note');
      editNote(caller, note, noteBody(await readFields(request)));
      return { body: views.note(mr, note) };
    },
  );
}

/** Validates a diff position against the merge request's `diff_refs` and changed paths. */
function checkPosition(mr: GitLabMergeRequest, raw: Fields): Record<string, unknown> {
  const missing = ['base_sha', 'start_sha', 'head_sha', 'position_type'].filter(
    (k) => typeof raw[k] !== 'string',
  );
  if (missing.length > 0)
    throw new TwinHttpError(400, { error: missing.map((k) => `position[${k}] is missing`).join(', ') });
  const line = (name: string) => (raw[name] === undefined || raw[name] === null ? null : Number(raw[name]));
  const newPath = optionalString(raw, 'new_path') ?? optionalString(raw, 'old_path');
  const oldPath = optionalString(raw, 'old_path') ?? newPath;
  const position = {
    base_sha: raw.base_sha,
    start_sha: raw.start_sha,
    head_sha: raw.head_sha,
    old_path: oldPath ?? null,
    new_path: newPath ?? null,
    position_type: raw.position_type,
    old_line: line('old_line'),
    new_line: line('new_line'),
    line_range: raw.line_range ?? null,
  };
  const refs = mr.diffRefs;
  const shasMatch =
    position.base_sha === refs.baseSha &&
    position.start_sha === refs.startSha &&
    position.head_sha === refs.headSha;
  const pathKnown = newPath !== undefined && (!mr.changedPaths || mr.changedPaths.includes(newPath));
  const hasLine = position.new_line !== null || position.old_line !== null;
  if (!shasMatch || !pathKnown || !hasLine) {
    throw new TwinHttpError(400, {
      message: '400 Bad request - Note {:line_code=>["can\'t be blank", "must be a valid line code"]}',
    });
  }
  return position;
}
