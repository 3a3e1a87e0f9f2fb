import { TwinHttpError } from '../server/twin-server.js';
import { forbidden, notFound, type GitLabApi } from './api.js';
import type { GitLabCaller } from './auth.js';
import { flag, optionalString, readFields, record, type Fields } from './body.js';
import { diffLines } from './diff.js';
import { mergeRequestDiff } from './merge-request-diff.js';
import type { GitLabMergeRequestEvents } from './merge-request-events.js';
import { discussionOfNote, findDiscussion, isResolvable, noteBody } from './notes.js';
import { paginate } from './pagination.js';
import type { GitLabMergeRequest, GitLabProject } from './state.js';

/**
 * Merge request discussions ("Discussions API"): threads, diff threads whose `position` GitLab finds in a diff
 * version of the merge request (else the 400 of an unplaceable note), replies (a reply to a standalone note
 * makes it a thread), resolving, editing a note of a thread.
 */
export function addDiscussionRoutes(api: GitLabApi, events: GitLabMergeRequestEvents): void {
  const { state, views } = api;
  const level = (caller: GitLabCaller, project: GitLabProject) =>
    caller.user?.admin ? 50 : state.projectAccess(project, caller.user);
  const mrOf = (request: { params: Readonly<Record<string, string>> }, caller: GitLabCaller) => {
    const project = api.project(caller, request.params.id!);
    return { project, mr: api.mergeRequest(project, request.params.iid!) };
  };
  const base = '/projects/:id/merge_requests/:iid/discussions';

  api.get(base, (request, caller) => {
    caller.require('read');
    const { mr } = mrOf(request, caller);
    const numbered = mr.discussions.map((discussion, index) => ({ id: index + 1, discussion }));
    return paginate(request, numbered, ({ discussion }) => views.discussion(mr, discussion));
  });

  api.get(`${base}/:discussion_id`, (request, caller) => {
    caller.require('read');
    const { mr } = mrOf(request, caller);
    return { body: views.discussion(mr, findDiscussion(mr, request.params.discussion_id!)) };
  });

  api.post(base, async (request, caller) => {
    caller.require('write');
    const { project, mr } = mrOf(request, caller);
    api.requireLevel(level(caller, project), 10);
    const fields = await readFields(request);
    const body = noteBody(fields);
    const rawPosition = record(fields, 'position');
    const position = rawPosition ? checkPosition(project, mr, rawPosition) : undefined;
    const note = state.addNote(mr, caller.user!, body, position ? { position } : { thread: true });
    const discussion = discussionOfNote(mr, note);
    void events.note(project, mr, discussion, note);
    return { status: 201, body: views.discussion(mr, discussion) };
  });

  api.put(`${base}/:discussion_id`, async (request, caller) => {
    caller.require('write');
    const { project, mr } = mrOf(request, caller);
    const discussion = findDiscussion(mr, request.params.discussion_id!);
    const resolved = flag(await readFields(request), 'resolved');
    if (resolved === undefined) throw new TwinHttpError(400, { error: 'resolved is missing' });
    const root = discussion.notes[0]!;
    const mayResolve = level(caller, project) >= 30 || mr.authorId === caller.user?.id;
    if (!isResolvable(discussion, root) || !mayResolve) throw forbidden();
    discussion.resolvedById = resolved ? caller.user!.id : null;
    discussion.resolvedAt = resolved ? new Date().toISOString() : null;
    return { body: views.discussion(mr, discussion) };
  });

  api.post(`${base}/:discussion_id/notes`, async (request, caller) => {
    caller.require('write');
    const { project, mr } = mrOf(request, caller);
    api.requireLevel(level(caller, project), 10);
    const discussion = findDiscussion(mr, request.params.discussion_id!);
    const body = noteBody(await readFields(request));
    if (discussion.individualNote) {
      discussion.individualNote = false;
      for (const note of discussion.notes) if (note.type === null) note.type = 'DiscussionNote';
    }
    const note = state.addNote(mr, caller.user!, body, { discussion });
    void events.note(project, mr, discussion, note);
    return { status: 201, body: views.note(mr, note) };
  });

  api.put(`${base}/:discussion_id/notes/:note_id`, async (request, caller) => {
    caller.require('write');
    const { mr } = mrOf(request, caller);
    const discussion = findDiscussion(mr, request.params.discussion_id!);
    const note = discussion.notes.find((n) => n.id === Number(request.params.note_id));
    if (!note) throw notFound('Note');
    if (note.authorId !== caller.user?.id) throw forbidden();
    note.body = noteBody(await readFields(request));
    note.updatedAt = new Date().toISOString();
    return { body: views.note(mr, note) };
  });
}

const unplaceable = () =>
  new TwinHttpError(400, {
    message: '400 Bad request - Note {:line_code=>["can\'t be blank", "must be a valid line code"]}',
  });

/**
 * A diff position as GitLab checks it: the three shas must name a diff version of the merge request, the path a
 * changed file of that version, and (`old_line`, `new_line`) exactly one line of its diff (an added line has no
 * `old_line`, a removed one no `new_line`, an unchanged one both); otherwise the note has no line code.
 */
function checkPosition(project: GitLabProject, mr: GitLabMergeRequest, raw: Fields): Record<string, unknown> {
  const missing = ['base_sha', 'start_sha', 'head_sha', 'position_type'].filter(
    (k) => typeof raw[k] !== 'string',
  );
  if (missing.length > 0)
    throw new TwinHttpError(400, { error: missing.map((k) => `position[${k}] is missing`).join(', ') });
  const line = (name: string) =>
    raw[name] === undefined || raw[name] === null || raw[name] === '' ? null : Number(raw[name]);
  const newPath = optionalString(raw, 'new_path') ?? optionalString(raw, 'old_path');
  const oldPath = optionalString(raw, 'old_path') ?? newPath;
  const lineRange = record(raw, 'line_range');
  const position = {
    base_sha: raw.base_sha,
    start_sha: raw.start_sha,
    head_sha: raw.head_sha,
    old_path: oldPath ?? null,
    new_path: newPath ?? null,
    position_type: raw.position_type,
    old_line: line('old_line'),
    new_line: line('new_line'),
    line_range: lineRange ?? null,
  };
  const version = mr.versions.find(
    (v) =>
      v.baseSha === position.base_sha && v.startSha === position.start_sha && v.headSha === position.head_sha,
  );
  if (!version || position.position_type !== 'text') throw unplaceable();
  const file = mergeRequestDiff(project, version).find((f) => f.newPath === newPath);
  if (!file) throw unplaceable();
  const found = diffLines(file.diff).some(
    (l) =>
      (l.kind === '+' ? null : l.oldPos) === position.old_line &&
      (l.kind === '-' ? null : l.newPos) === position.new_line,
  );
  if (!found) throw unplaceable();
  if (lineRange !== undefined) {
    const ends = [record(lineRange, 'start'), record(lineRange, 'end')];
    const valid = ends.every(
      (end) =>
        end !== undefined &&
        typeof end.line_code === 'string' &&
        /^[0-9a-f]{40}_\d+_\d+$/.test(end.line_code) &&
        (end.type === 'new' || end.type === 'old'),
    );
    if (!valid) throw new TwinHttpError(400, { message: { position: ['must be a valid json schema'] } });
  }
  return position;
}
