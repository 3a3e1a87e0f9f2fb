import type {
  GitLabBranch,
  GitLabCommit,
  GitLabDiscussion,
  GitLabGroup,
  GitLabHook,
  GitLabInvitation,
  GitLabMember,
  GitLabMergeRequest,
  GitLabNote,
  GitLabProject,
  GitLabState,
  GitLabToken,
  GitLabUser,
} from './state.js';

/** Renders state records as GitLab's REST API shows them; `origin` is the twin's web root. */
export class GitLabViews {
  constructor(
    private readonly state: GitLabState,
    private readonly origin: () => string,
  ) {}

  userBasic(user: GitLabUser) {
    return {
      id: user.id,
      username: user.username,
      name: user.name,
      state: user.state,
      locked: false,
      avatar_url: null,
      web_url: `${this.origin()}/${user.username}`,
    };
  }

  /** "Get the current user" (`GET /user`): the person's own, fuller answer. */
  user(user: GitLabUser) {
    const email = user.email ?? `${user.username}@example.com`;
    return {
      ...this.userBasic(user),
      created_at: '2024-01-01T00:00:00.000Z',
      bio: '',
      location: '',
      public_email: user.email ?? null,
      website_url: '',
      organization: '',
      job_title: '',
      bot: user.bot,
      last_sign_in_at: null,
      confirmed_at: '2024-01-01T00:00:00.000Z',
      last_activity_on: null,
      email,
      commit_email: email,
      projects_limit: 100000,
      current_sign_in_at: null,
      identities: [],
      can_create_group: true,
      can_create_project: true,
      two_factor_enabled: false,
      external: false,
      private_profile: false,
      // Only an administrator's own answer carries `is_admin`.
      ...(user.admin ? { is_admin: true } : {}),
    };
  }

  member(member: GitLabMember) {
    return {
      ...this.userBasic(this.state.users.get(member.userId)!),
      access_level: member.accessLevel,
      expires_at: member.expiresAt,
      created_at: member.createdAt,
      membership_state: member.state,
      group_saml_identity: null,
    };
  }

  /** "List all invitations pending for a group or project". */
  invitation(invitation: GitLabInvitation) {
    const invitee = [...this.state.users.values()].find((u) => u.email === invitation.email);
    const inviter =
      invitation.invitedById === null ? undefined : this.state.users.get(invitation.invitedById);
    return {
      id: invitation.id,
      invite_email: invitation.email,
      created_at: invitation.createdAt,
      access_level: invitation.accessLevel,
      expires_at: invitation.expiresAt,
      user_name: invitee?.name ?? null,
      created_by_name: inviter?.name ?? null,
    };
  }

  token(token: GitLabToken) {
    return {
      id: token.id,
      name: token.name,
      revoked: token.revoked,
      created_at: token.createdAt,
      description: null,
      scopes: token.scopes,
      user_id: token.userId,
      last_used_at: token.lastUsedAt,
      active: !token.revoked && (token.expiresAt === null || token.expiresAt > this.state.today),
      expires_at: token.expiresAt,
    };
  }

  group(group: GitLabGroup) {
    return {
      id: group.id,
      web_url: `${this.origin()}/groups/${group.fullPath}`,
      name: group.name,
      path: group.path,
      description: '',
      visibility: group.visibility,
      full_name: this.state
        .ancestry(group)
        .reverse()
        .map((g) => g.name)
        .join(' / '),
      full_path: group.fullPath,
      created_at: group.createdAt,
      parent_id: group.parentId,
      avatar_url: null,
      default_branch: null,
      marked_for_deletion_on: null,
    };
  }

  namespace(group: GitLabGroup) {
    return {
      id: group.id,
      name: group.name,
      path: group.path,
      kind: 'group',
      full_path: group.fullPath,
      parent_id: group.parentId,
      avatar_url: null,
      web_url: `${this.origin()}/groups/${group.fullPath}`,
    };
  }

  projectSimple(project: GitLabProject) {
    const group = this.state.groups.get(project.groupId)!;
    const fullPath = this.state.fullPath(project);
    const host = new URL(this.origin()).host;
    return {
      id: project.id,
      description: null,
      name: project.name,
      name_with_namespace: `${this.group(group).full_name} / ${project.name}`,
      path: project.path,
      path_with_namespace: fullPath,
      created_at: project.createdAt,
      default_branch: project.defaultBranch,
      tag_list: [],
      topics: [],
      ssh_url_to_repo: `git@${host.split(':')[0]}:${fullPath}.git`,
      http_url_to_repo: `${this.origin()}/${fullPath}.git`,
      web_url: `${this.origin()}/${fullPath}`,
      readme_url: null,
      forks_count: 0,
      avatar_url: null,
      star_count: 0,
      last_activity_at: project.createdAt,
      namespace: this.namespace(group),
    };
  }

  project(project: GitLabProject) {
    const mainFiles = project.branches.get(project.defaultBranch)?.files;
    const source = project.forkedFromId === null ? undefined : this.state.projects.get(project.forkedFromId);
    return {
      ...this.projectSimple(project),
      // Shown for forks only (`API::Entities::Project`); the twin shows it whoever asks.
      ...(source ? { forked_from_project: this.projectSimple(source) } : {}),
      visibility: project.visibility,
      archived: project.archived,
      empty_repo: !mainFiles || mainFiles.size === 0,
      ci_config_path: null,
      issues_enabled: true,
      merge_requests_enabled: true,
    };
  }

  hook(hook: GitLabHook) {
    const events = [
      'push_events',
      'tag_push_events',
      'merge_requests_events',
      'note_events',
      'pipeline_events',
      'job_events',
      'issues_events',
      'member_events',
      'subgroup_events',
      'project_events',
      'confidential_issues_events',
      'confidential_note_events',
      'wiki_page_events',
      'deployment_events',
      'releases_events',
    ];
    return {
      id: hook.id,
      url: hook.url,
      name: hook.name,
      description: hook.description,
      group_id: hook.groupId,
      created_at: hook.createdAt,
      enable_ssl_verification: hook.enableSslVerification,
      alert_status: 'executable',
      disabled_until: null,
      url_variables: [],
      custom_headers: [],
      push_events_branch_filter: null,
      branch_filter_strategy: 'all_branches',
      repository_update_events: false,
      ...Object.fromEntries(events.map((event) => [event, hook.events.has(event)])),
    };
  }

  mergeRequest(project: GitLabProject, mr: GitLabMergeRequest) {
    const fullPath = this.state.fullPath(project);
    return {
      id: mr.id,
      iid: mr.iid,
      project_id: project.id,
      title: mr.title,
      description: mr.description,
      state: mr.state,
      created_at: mr.createdAt,
      updated_at: mr.updatedAt,
      target_branch: mr.targetBranch,
      source_branch: mr.sourceBranch,
      source_project_id: project.id,
      target_project_id: project.id,
      author: this.userBasic(this.state.users.get(mr.authorId)!),
      draft: false,
      work_in_progress: false,
      merge_status: 'can_be_merged',
      detailed_merge_status: 'mergeable',
      sha: mr.diffRefs.headSha,
      user_notes_count: mr.discussions.flatMap((d) => d.notes).filter((n) => !n.system).length,
      force_remove_source_branch: mr.removeSourceBranch,
      should_remove_source_branch: mr.removeSourceBranch,
      references: { short: `!${mr.iid}`, relative: `!${mr.iid}`, full: `${fullPath}!${mr.iid}` },
      web_url: `${this.origin()}/${fullPath}/-/merge_requests/${mr.iid}`,
      diff_refs: {
        base_sha: mr.diffRefs.baseSha,
        head_sha: mr.diffRefs.headSha,
        start_sha: mr.diffRefs.startSha,
      },
    };
  }

  note(mr: GitLabMergeRequest, note: GitLabNote) {
    const discussion = mr.discussions.find((d) => d.notes.includes(note));
    // `resolved`, `resolved_by` and `resolved_at` are shown for resolvable notes only (`API::Entities::Note`).
    const resolvable = discussion !== undefined && !discussion.individualNote && !note.system;
    const resolver = discussion?.resolvedById ? this.state.users.get(discussion.resolvedById) : undefined;
    return {
      id: note.id,
      type: note.type,
      body: note.body,
      attachment: null,
      author: this.userBasic(this.state.users.get(note.authorId)!),
      created_at: note.createdAt,
      updated_at: note.updatedAt,
      system: note.system,
      noteable_id: mr.id,
      noteable_type: 'MergeRequest',
      noteable_iid: mr.iid,
      project_id: mr.projectId,
      resolvable,
      ...(resolvable
        ? {
            resolved: discussion.resolvedAt !== null,
            resolved_by: resolver ? this.userBasic(resolver) : null,
            resolved_at: discussion.resolvedAt,
          }
        : {}),
      confidential: false,
      internal: false,
      ...(note.position ? { position: note.position } : {}),
    };
  }

  discussion(mr: GitLabMergeRequest, discussion: GitLabDiscussion) {
    return {
      id: discussion.id,
      individual_note: discussion.individualNote,
      notes: discussion.notes.map((note) => this.note(mr, note)),
    };
  }

  commit(project: GitLabProject, commit: GitLabCommit) {
    const [title = ''] = commit.message.split('\n');
    return {
      id: commit.id,
      short_id: commit.id.slice(0, 8),
      title,
      message: commit.message,
      author_name: commit.authorName,
      author_email: commit.authorEmail,
      authored_date: commit.createdAt,
      committer_name: commit.authorName,
      committer_email: commit.authorEmail,
      committed_date: commit.createdAt,
      created_at: commit.createdAt,
      parent_ids: commit.parentIds,
      web_url: `${this.origin()}/${this.state.fullPath(project)}/-/commit/${commit.id}`,
    };
  }

  /** "Branches API": `protected` and `developers_can_*` from the branch's rule, `can_push` for the caller. */
  branch(project: GitLabProject, branch: GitLabBranch, caller: GitLabUser | undefined) {
    const commit = project.commits.get(branch.commit);
    const rule = project.protectedBranches.get(branch.name);
    return {
      name: branch.name,
      merged: false,
      protected: rule !== undefined,
      default: branch.name === project.defaultBranch,
      developers_can_push: rule?.pushAccessLevel === 30,
      developers_can_merge: rule?.mergeAccessLevel === 30,
      can_push: this.state.canPush(project, caller, branch.name),
      web_url: `${this.origin()}/${this.state.fullPath(project)}/-/tree/${branch.name}`,
      commit: commit
        ? this.commit(project, commit)
        : { id: branch.commit, short_id: branch.commit.slice(0, 8), title: 'Initial commit', parent_ids: [] },
    };
  }
}
