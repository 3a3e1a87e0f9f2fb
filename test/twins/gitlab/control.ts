import type { GitLabDeliveries, GitLabHookDelivery } from './deliveries.js';
import type { GitLabMergeRequestEvents } from './merge-request-events.js';
import type { GitLabAccessLevel, GitLabProjectSeed, GitLabUserSeed } from './scenario.js';
import type { GitLabGroup, GitLabMergeRequest, GitLabProject, GitLabState, GitLabUser } from './state.js';

/*
 * Changes to the twin's world made the way a person would make them in GitLab, each followed by the deliveries
 * GitLab documents for group webhooks ("Webhook events"): `Project Hook` for a project created or deleted in
 * the group (project_create / project_destroy), `Push Hook` for a push to a branch. Renaming, moving and
 * archiving a project send nothing to group hooks (GitLab reports those to system hooks only). A push to an open
 * merge request's source branch also delivers `Merge Request Hook` (`update`); opening, closing and merging one
 * deliver `open`, `close` and `merge`.
 */

export interface GitLabControl {
  createProject(groupFullPath: string, seed: GitLabProjectSeed): Promise<GitLabHookDelivery[]>;
  renameProject(pathWithNamespace: string, name: string, path?: string): Promise<GitLabHookDelivery[]>;
  archiveProject(pathWithNamespace: string, archived?: boolean): Promise<GitLabHookDelivery[]>;
  deleteProject(pathWithNamespace: string): Promise<GitLabHookDelivery[]>;
  /**
   * A commit on `branch` (created from the default branch when new), by the instance's first user; `files`
   * (path → content) are written in it, the rest of the tree is kept.
   */
  push(
    pathWithNamespace: string,
    branch: string,
    message?: string,
    files?: Readonly<Record<string, string>>,
  ): Promise<GitLabHookDelivery[]>;
  /** A user added after start, with a project role when `project` is given. */
  addUser(seed: GitLabUserSeed, project?: { path: string; accessLevel: GitLabAccessLevel }): GitLabUser;
  /** A merge request from `source` into `target` (both existing branches), by `author` (default: the first user). */
  openMergeRequest(
    pathWithNamespace: string,
    input: { source: string; target: string; title: string; author?: string },
  ): Promise<GitLabMergeRequest>;
  /** Closes the merge request, or merges it (the target branch gets the source's files). */
  closeMergeRequest(pathWithNamespace: string, iid: number, merged: boolean): Promise<GitLabHookDelivery[]>;
}

const visibilityLevel = { private: 0, internal: 10, public: 20 } as const;
const zeroSha = '0000000000000000000000000000000000000000';

export function createGitLabControl(
  state: GitLabState,
  deliveries: GitLabDeliveries,
  events: GitLabMergeRequestEvents,
  origin: () => string,
): GitLabControl {
  const must = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`GitLab twin: no ${what}`);
    return value;
  };
  const projectOf = (path: string) => must(state.project(path), `project ${path}`);
  const groupOf = (project: GitLabProject): GitLabGroup => state.groups.get(project.groupId)!;
  const author = (): GitLabUser => must(state.users.values().next().value, 'user');

  /** The "Project events" payload (group webhooks only, GitLab 17.6+). */
  function projectEvent(project: GitLabProject, eventName: 'project_create' | 'project_destroy') {
    const owners = state
      .projectMembers(project)
      .filter((m) => m.accessLevel === 50)
      .map((m) => state.users.get(m.userId)!)
      .map((u) => ({ name: u.name, email: u.email ?? '[REDACTED]' }));
    return {
      event_name: eventName,
      created_at: project.createdAt,
      updated_at: new Date().toISOString(),
      name: project.name,
      path: project.path,
      path_with_namespace: state.fullPath(project),
      project_id: project.id,
      project_namespace_id: project.id + 1_000_000,
      owners,
      project_visibility: project.visibility,
    };
  }

  /** The "Push events" payload. */
  function pushEvent(project: GitLabProject, branch: string, before: string, after: string) {
    const user = author();
    const fullPath = state.fullPath(project);
    const group = groupOf(project);
    const host = new URL(origin()).host.split(':')[0]!;
    const sshUrl = `git@${host}:${fullPath}.git`;
    const httpUrl = `${origin()}/${fullPath}.git`;
    const webUrl = `${origin()}/${fullPath}`;
    const commit = project.commits.get(after);
    const commits = commit
      ? [
          {
            id: commit.id,
            message: commit.message,
            title: commit.message.split('\n')[0],
            timestamp: commit.createdAt,
            url: `${webUrl}/-/commit/${commit.id}`,
            author: { name: commit.authorName, email: commit.authorEmail },
            added: [],
            modified: [],
            removed: [],
          },
        ]
      : [];
    const level = visibilityLevel[project.visibility];
    return {
      object_kind: 'push',
      event_name: 'push',
      before,
      after,
      ref: `refs/heads/${branch}`,
      ref_protected: project.protectedBranches.has(branch),
      checkout_sha: after,
      message: null,
      user_id: user.id,
      user_name: user.name,
      user_username: user.username,
      user_email: user.email ?? '[REDACTED]',
      user_avatar: null,
      project_id: project.id,
      project: {
        id: project.id,
        name: project.name,
        description: '',
        web_url: webUrl,
        avatar_url: null,
        git_ssh_url: sshUrl,
        git_http_url: httpUrl,
        namespace: group.name,
        visibility_level: level,
        path_with_namespace: fullPath,
        default_branch: project.defaultBranch,
        ci_config_path: null,
        homepage: webUrl,
        url: sshUrl,
        ssh_url: sshUrl,
        http_url: httpUrl,
      },
      commits,
      total_commits_count: commits.length,
      push_options: {},
      repository: {
        name: project.name,
        url: sshUrl,
        description: '',
        homepage: webUrl,
        git_http_url: httpUrl,
        git_ssh_url: sshUrl,
        visibility_level: level,
      },
    };
  }

  return {
    async createProject(groupFullPath, seed) {
      const group = must(state.group(groupFullPath), `group ${groupFullPath}`);
      const project = state.addProject(group, seed);
      return deliveries.deliver(group, 'Project Hook', projectEvent(project, 'project_create'));
    },
    async renameProject(path, name, newPath) {
      const project = projectOf(path);
      project.name = name;
      if (newPath !== undefined) project.path = newPath;
      return [];
    },
    async archiveProject(path, archived = true) {
      projectOf(path).archived = archived;
      return [];
    },
    async deleteProject(path) {
      const project = projectOf(path);
      const payload = projectEvent(project, 'project_destroy');
      const group = groupOf(project);
      state.removeProject(project);
      return deliveries.deliver(group, 'Project Hook', payload);
    },
    async push(path, branch, message = `Update ${branch}`, files = {}) {
      const project = projectOf(path);
      const before = project.branches.get(branch)?.commit ?? zeroSha;
      const start = project.branches.get(project.defaultBranch);
      const commit = state.commit(
        project,
        branch,
        message,
        author(),
        (tree) => {
          for (const [file, content] of Object.entries(files)) tree.set(file, content);
        },
        start,
      );
      const pushed = await deliveries.deliver(
        groupOf(project),
        'Push Hook',
        pushEvent(project, branch, before, commit.id),
      );
      const updates = [...project.mergeRequests.values()].filter(
        (mr) => mr.state === 'opened' && mr.sourceBranch === branch,
      );
      for (const mr of updates) pushed.push(...(await events.mergeRequest(project, mr, 'update', author())));
      return pushed;
    },
    addUser(seed, membership) {
      const user = state.addUser(seed);
      if (membership) {
        projectOf(membership.path).members.set(user.id, {
          userId: user.id,
          accessLevel: membership.accessLevel,
          expiresAt: null,
          state: 'active',
          createdAt: new Date().toISOString(),
        });
      }
      return user;
    },
    async openMergeRequest(path, input) {
      const project = projectOf(path);
      const user = input.author ? must(state.userByName(input.author), `user ${input.author}`) : author();
      const mr = state.openMergeRequest(project, { ...input, author: user });
      await events.mergeRequest(project, mr, 'open', user);
      return mr;
    },
    async closeMergeRequest(path, iid, merged) {
      const project = projectOf(path);
      const mr = must(project.mergeRequests.get(iid), `merge request !${iid}`);
      const sent: GitLabHookDelivery[] = [];
      if (merged) {
        const source = project.branches.get(mr.sourceBranch)!;
        const before = project.branches.get(mr.targetBranch)!.commit;
        const merge = state.commit(
          project,
          mr.targetBranch,
          `Merge branch '${mr.sourceBranch}'`,
          author(),
          (files) => {
            files.clear();
            for (const [file, content] of source.files) files.set(file, content);
          },
        );
        const push = pushEvent(project, mr.targetBranch, before, merge.id);
        sent.push(...(await deliveries.deliver(groupOf(project), 'Push Hook', push)));
      }
      mr.state = merged ? 'merged' : 'closed';
      mr.updatedAt = new Date().toISOString();
      sent.push(...(await events.mergeRequest(project, mr, merged ? 'merge' : 'close', author())));
      return sent;
    },
  };
}
