import type { GitLabDeliveries, GitLabHookDelivery } from './deliveries.js';
import type {
  GitLabDiscussion,
  GitLabMergeRequest,
  GitLabNote,
  GitLabProject,
  GitLabState,
  GitLabUser,
} from './state.js';

/*
 * The deliveries GitLab makes for merge requests ("Webhook events"): `Note Hook` for every comment written on one
 * ("Comment on a merge request": `object_attributes` with the note's `id`, `note`, `noteable_type`, `discussion_id`,
 * `type`, `position`, `action`, and the `merge_request`), and `Merge Request Hook` ("Merge request events":
 * `object_attributes.action` `open`, `close`, `merge`…). Every hook of the project's group and its ancestors
 * subscribed to the event receives it.
 */

export type MergeRequestAction = 'open' | 'close' | 'reopen' | 'update' | 'merge';

export interface GitLabMergeRequestEvents {
  /** A note written on the merge request (through the API or by a person). */
  note(
    project: GitLabProject,
    mr: GitLabMergeRequest,
    discussion: GitLabDiscussion,
    note: GitLabNote,
  ): Promise<GitLabHookDelivery[]>;
  mergeRequest(
    project: GitLabProject,
    mr: GitLabMergeRequest,
    action: MergeRequestAction,
    user: GitLabUser,
  ): Promise<GitLabHookDelivery[]>;
}

const visibilityLevel = { private: 0, internal: 10, public: 20 } as const;
const hookTime = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');

export function createMergeRequestEvents(
  state: GitLabState,
  deliveries: GitLabDeliveries,
  origin: () => string,
): GitLabMergeRequestEvents {
  function projectPayload(project: GitLabProject) {
    const fullPath = state.fullPath(project);
    const group = state.groups.get(project.groupId)!;
    const host = new URL(origin()).host.split(':')[0]!;
    const webUrl = `${origin()}/${fullPath}`;
    return {
      id: project.id,
      name: project.name,
      description: '',
      web_url: webUrl,
      avatar_url: null,
      git_ssh_url: `git@${host}:${fullPath}.git`,
      git_http_url: `${webUrl}.git`,
      namespace: group.name,
      visibility_level: visibilityLevel[project.visibility],
      path_with_namespace: fullPath,
      default_branch: project.defaultBranch,
      ci_config_path: null,
      homepage: webUrl,
      url: `${webUrl}.git`,
      ssh_url: `git@${host}:${fullPath}.git`,
      http_url: `${webUrl}.git`,
    };
  }

  function userPayload(user: GitLabUser) {
    return {
      id: user.id,
      name: user.name,
      username: user.username,
      avatar_url: null,
      email: user.email ?? '[REDACTED]',
    };
  }

  function mergeRequestPayload(project: GitLabProject, mr: GitLabMergeRequest) {
    const head = project.commits.get(mr.diffRefs.headSha);
    const webUrl = `${origin()}/${state.fullPath(project)}`;
    return {
      id: mr.id,
      iid: mr.iid,
      target_branch: mr.targetBranch,
      source_branch: mr.sourceBranch,
      source_project_id: project.id,
      target_project_id: project.id,
      author_id: mr.authorId,
      title: mr.title,
      description: mr.description,
      created_at: hookTime(mr.createdAt),
      updated_at: hookTime(mr.updatedAt),
      state: mr.state,
      merge_status: 'can_be_merged',
      detailed_merge_status: mr.state === 'opened' ? 'mergeable' : 'not_open',
      work_in_progress: false,
      draft: false,
      url: `${webUrl}/-/merge_requests/${mr.iid}`,
      source: projectPayload(project),
      target: projectPayload(project),
      last_commit: head
        ? {
            id: head.id,
            message: head.message,
            title: head.message.split('\n')[0],
            timestamp: head.createdAt,
            url: `${webUrl}/-/commit/${head.id}`,
            author: { name: head.authorName, email: head.authorEmail },
          }
        : null,
      labels: [],
    };
  }

  const groupOf = (project: GitLabProject) => state.groups.get(project.groupId)!;

  return {
    note(project, mr, discussion, note) {
      const author = state.users.get(note.authorId)!;
      const payload = {
        object_kind: 'note',
        event_type: 'note',
        user: userPayload(author),
        project_id: project.id,
        project: projectPayload(project),
        repository: {
          name: project.name,
          url: `${origin()}/${state.fullPath(project)}.git`,
          description: '',
          homepage: `${origin()}/${state.fullPath(project)}`,
        },
        object_attributes: {
          id: note.id,
          note: note.body,
          noteable_type: 'MergeRequest',
          author_id: note.authorId,
          created_at: hookTime(note.createdAt),
          updated_at: hookTime(note.updatedAt),
          project_id: project.id,
          attachment: null,
          line_code: null,
          commit_id: '',
          noteable_id: mr.id,
          system: note.system,
          st_diff: null,
          discussion_id: discussion.id,
          type: note.type,
          position: note.position ?? null,
          internal: false,
          action: 'create',
          url: `${origin()}/${state.fullPath(project)}/-/merge_requests/${mr.iid}#note_${note.id}`,
        },
        merge_request: mergeRequestPayload(project, mr),
      };
      return deliveries.deliver(groupOf(project), 'Note Hook', payload);
    },
    mergeRequest(project, mr, action, user) {
      const payload = {
        object_kind: 'merge_request',
        event_type: 'merge_request',
        user: userPayload(user),
        project: projectPayload(project),
        repository: {
          name: project.name,
          url: `${origin()}/${state.fullPath(project)}.git`,
          description: '',
          homepage: `${origin()}/${state.fullPath(project)}`,
        },
        object_attributes: { ...mergeRequestPayload(project, mr), action },
        labels: [],
        changes: {},
      };
      return deliveries.deliver(groupOf(project), 'Merge Request Hook', payload);
    },
  };
}
