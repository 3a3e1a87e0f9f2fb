import { TwinHttpError } from '../server/twin-server.js';
import { notFound } from './api.js';
import { requireString, type Fields } from './body.js';
import type { GitLabDiscussion, GitLabMergeRequest, GitLabNote } from './state.js';

/** GitLab's limit on a note body ("Notes API"). */
export const maxNoteLength = 1_000_000;

/** The `body` of a note; 400 `{"message":{"note":[…]}}` above the limit, as GitLab's validation answers. */
export function noteBody(fields: Fields): string {
  const body = requireString(fields, 'body');
  if (body.length > maxNoteLength)
    throw new TwinHttpError(400, {
      message: { note: [`is too long (maximum is ${maxNoteLength} characters)`] },
    });
  return body;
}

export function findNote(mr: GitLabMergeRequest, id: string): GitLabNote {
  const note = mr.discussions.flatMap((d) => d.notes).find((n) => n.id === Number(id));
  if (!note) throw notFound('Note');
  return note;
}

export function discussionOfNote(mr: GitLabMergeRequest, note: GitLabNote): GitLabDiscussion {
  return mr.discussions.find((d) => d.notes.includes(note))!;
}

export function findDiscussion(mr: GitLabMergeRequest, id: string): GitLabDiscussion {
  const discussion = mr.discussions.find((d) => d.id === id);
  if (!discussion) throw notFound('Discussion');
  return discussion;
}

/** Threads can be resolved; standalone notes and GitLab's own (system) notes cannot. */
export const isResolvable = (discussion: GitLabDiscussion, note: GitLabNote): boolean =>
  !discussion.individualNote && !note.system;
