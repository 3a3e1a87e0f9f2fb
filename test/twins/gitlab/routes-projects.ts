import { createHash } from 'node:crypto';
import { TwinHttpError } from '../server/twin-server.js';
import { notFound, type GitLabApi } from './api.js';
import type { GitLabCaller } from './auth.js';
import { optionalString, readFields, requireString, type Fields } from './body.js';
import { paginate } from './pagination.js';
import type { GitLabCommit, GitLabMember, GitLabProject } from './state.js';

const badRequest = (message: string) => new TwinHttpError(400, { message });

/** Git's blob id of `content` (what GitLab answers as `blob_id`). */
const blobId = (content: Buffer): string =>
  createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');

/** Projects, their members, branches, files and the commits API. */
export function addProjectRoutes(api: GitLabApi): void {
  const { state, views } = api;
  const level = (caller: GitLabCaller, project: GitLabProject) => state.accessLevel(project, caller.user);

  api.get('/projects/:id', (request, caller) => {
    caller.require('read');
    const project = api.project(caller, request.params.id!);
    return { body: { ...views.project(project), permissions: permissions(project, caller) } };
  });

  /** "Get a single project": the caller's own membership of the project and of its group (inherited). */
  const permissions = (project: GitLabProject, caller: GitLabCaller) => {
    const own = caller.user ? project.members.get(caller.user.id) : undefined;
    const inGroup = state.groupAccess(state.groups.get(project.groupId)!, caller.user);
    return {
      project_access: own ? { access_level: own.accessLevel, notification_level: 3 } : null,
      group_access: inGroup > 0 ? { access_level: inGroup, notification_level: 3 } : null,
    };
  };

  const memberRoutes = (suffix: string, members: (project: GitLabProject) => GitLabMember[]) => {
    api.get(`/projects/:id/${suffix}`, (request, caller) => {
      caller.require('read');
      const project = api.project(caller, request.params.id!);
      return paginate(
        request,
        members(project).map((m) => ({ ...m, id: m.userId })),
        (m) => views.member(m),
      );
    });
    api.get(`/projects/:id/${suffix}/:user_id`, (request, caller) => {
      caller.require('read');
      const project = api.project(caller, request.params.id!);
      const member = members(project).find((m) => m.userId === Number(request.params.user_id));
      if (!member) throw notFound();
      return { body: views.member(member) };
    });
  };
  memberRoutes('members/all', (project) => state.projectMembers(project));
  memberRoutes('members', (project) => [...project.members.values()]);

  api.get('/projects/:id/repository/branches', (request, caller) => {
    caller.require('read');
    const project = api.project(caller, request.params.id!);
    const search = request.url.searchParams.get('search');
    const branches = [...project.branches.values()]
      .filter((b) => !search || b.name.includes(search))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((branch, index) => ({ id: index + 1, branch }));
    return paginate(request, branches, ({ branch }) => views.branch(project, branch, caller.user));
  });

  api.get('/projects/:id/repository/branches/:branch', (request, caller) => {
    caller.require('read');
    const project = api.project(caller, request.params.id!);
    const branch = project.branches.get(request.params.branch!);
    if (!branch) throw notFound('Branch');
    return { body: views.branch(project, branch, caller.user) };
  });

  api.post('/projects/:id/repository/branches', async (request, caller) => {
    caller.require('write');
    const project = api.project(caller, request.params.id!);
    api.requireLevel(level(caller, project), 30);
    const fields = await readFields(request);
    const name = requireString(fields, 'branch');
    const ref = requireString(fields, 'ref');
    if (project.branches.has(name)) throw badRequest('Branch already exists');
    const start = project.branches.get(ref);
    if (!start) throw badRequest('Invalid reference name: ' + ref);
    project.branches.set(name, { name, commit: start.commit, files: new Map(start.files) });
    return { status: 201, body: views.branch(project, project.branches.get(name)!, caller.user) };
  });

  /** The file at `ref` (default branch when absent): GitLab's "Commit Not Found" / "File Not Found" 404s. */
  const readFile = (project: GitLabProject, filePath: string, ref: string | null) => {
    const at = state.filesAt(project, ref ?? project.defaultBranch);
    if (!at) throw notFound('Commit');
    const content = at.files.get(filePath);
    if (content === undefined) throw notFound('File');
    return { commitId: at.commitId, content };
  };

  /** The last commit at or before `commitId` that changed `filePath` (first parents only). */
  const lastChange = (project: GitLabProject, commitId: string, filePath: string): string => {
    const content = project.commits.get(commitId)?.files.get(filePath);
    let id = commitId;
    for (;;) {
      const parentId: string | undefined = project.commits.get(id)?.parentIds[0];
      const parent: GitLabCommit | undefined =
        parentId === undefined ? undefined : project.commits.get(parentId);
      if (!parent || parent.files.get(filePath) !== content) return id;
      id = parent.id;
    }
  };

  api.get('/projects/:id/repository/files/:file_path/raw', (request, caller) => {
    caller.require('read');
    const project = api.project(caller, request.params.id!);
    const { content } = readFile(project, request.params.file_path!, request.url.searchParams.get('ref'));
    return { headers: { 'content-type': 'text/plain; charset=utf-8' }, body: content };
  });

  api.get('/projects/:id/repository/files/:file_path', (request, caller) => {
    caller.require('read');
    const project = api.project(caller, request.params.id!);
    const ref = request.url.searchParams.get('ref');
    if (ref === null) throw new TwinHttpError(400, { error: 'ref is missing' });
    const path = request.params.file_path!;
    const { commitId, content } = readFile(project, path, ref);
    const bytes = Buffer.from(content);
    return {
      body: {
        file_name: path.split('/').pop(),
        file_path: path,
        size: bytes.length,
        encoding: 'base64',
        content: bytes.toString('base64'),
        content_sha256: createHash('sha256').update(bytes).digest('hex'),
        ref,
        blob_id: blobId(bytes),
        commit_id: commitId,
        last_commit_id: lastChange(project, commitId, path),
        execute_filemode: false,
      },
    };
  });

  // A single commit by its id (or a branch name, as GitLab's `:sha` also takes one).
  api.get('/projects/:id/repository/commits/:sha', (request, caller) => {
    caller.require('read');
    const project = api.project(caller, request.params.id!);
    const at = state.filesAt(project, request.params.sha!);
    const commit = at === undefined ? undefined : project.commits.get(at.commitId);
    if (!commit) throw notFound('Commit');
    return { body: views.commit(project, commit) };
  });

  // The commits API: one commit with create/update/delete/move/chmod actions, on a new or existing branch.
  api.post('/projects/:id/repository/commits', async (request, caller) => {
    caller.require('write');
    const project = api.project(caller, request.params.id!);
    const fields = await readFields(request);
    const branchName = requireString(fields, 'branch');
    const message = requireString(fields, 'commit_message');
    const actions = fields.actions;
    if (!Array.isArray(actions) || actions.length === 0)
      throw new TwinHttpError(400, { error: 'actions is missing' });
    const startName = optionalString(fields, 'start_branch');
    const existing = project.branches.get(branchName);
    const start = startName === undefined ? undefined : project.branches.get(startName);
    if (startName !== undefined && !start) throw badRequest(`Invalid start_branch: ${startName}`);
    // An empty repository takes its first commit on any branch; elsewhere a new branch needs `start_branch`.
    if (!existing && !start && project.branches.size > 0)
      throw badRequest('You can only create or edit files when you are on a branch');
    if (existing && startName !== undefined && startName !== branchName)
      throw badRequest(
        `A branch called '${branchName}' already exists. Switch to that branch in order to make changes`,
      );
    // `authorize_push_to_branch!`: a Reporter and a protected branch's rule get the same answer.
    if (!state.canPush(project, caller.user, branchName))
      throw new TwinHttpError(403, {
        message: '403 Forbidden - You are not allowed to push into this branch',
      });

    const commit = state.commit(
      project,
      branchName,
      message,
      caller.user!,
      (files) => {
        for (const action of actions) applyAction(files, action as Fields);
      },
      start,
    );
    return {
      status: 201,
      body: {
        ...views.commit(project, commit),
        stats: { additions: 0, deletions: 0, total: 0 },
        status: null,
      },
    };
  });
}

function applyAction(files: Map<string, string>, action: Fields): void {
  const kind = requireString(action, 'action');
  const path = requireString(action, 'file_path');
  const raw = optionalString(action, 'content') ?? '';
  const content = action.encoding === 'base64' ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  const exists = files.has(path);
  switch (kind) {
    case 'create':
      if (exists) throw badRequest('A file with this name already exists');
      files.set(path, content);
      return;
    case 'update':
      if (!exists) throw badRequest("A file with this name doesn't exist");
      files.set(path, content);
      return;
    case 'delete':
      if (!exists) throw badRequest("A file with this name doesn't exist");
      files.delete(path);
      return;
    case 'move': {
      const previous = requireString(action, 'previous_path');
      const old = files.get(previous);
      if (old === undefined) throw badRequest("A file with this name doesn't exist");
      files.delete(previous);
      files.set(path, action.content === undefined ? old : content);
      return;
    }
    case 'chmod':
      if (!exists) throw badRequest("A file with this name doesn't exist");
      return;
    default:
      throw new TwinHttpError(400, { error: 'actions[action] does not have a valid value' });
  }
}
