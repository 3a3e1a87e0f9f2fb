import type {
  AppRecord,
  DeliveryRecord,
  DiffFileRecord,
  GitCommit,
  GitHubState,
  InstallationRecord,
  IssueCommentRecord,
  OrgRecord,
  PullRecord,
  RepoRecord,
  ReviewCommentRecord,
  ReviewRecord,
  UserRecord,
} from './state.js';
import { blobSha } from './state.js';
import { createPullShapes } from './shapes-pulls.js';

type Json = Record<string, unknown>;

/** Builds GitHub's JSON shapes (as in GitHub's OpenAPI description) from the twin's records. */
export interface Shapes {
  user(user: UserRecord): Json;
  account(login: string): Json;
  privateUser(user: UserRecord): Json;
  /** `GET /users/{username}`: the public profile. */
  publicUser(user: UserRecord): Json;
  org(org: OrgRecord): Json;
  orgSimple(org: OrgRecord): Json;
  orgMembership(
    org: OrgRecord,
    user: UserRecord,
    role: 'admin' | 'member',
    membershipState?: 'active' | 'pending',
  ): Json;
  repo(repo: RepoRecord, permissions?: { admin: boolean; push: boolean; pull: boolean }): Json;
  fullRepo(repo: RepoRecord): Json;
  app(app: AppRecord): Json;
  installation(installation: InstallationRecord): Json;
  pullSimple(repo: RepoRecord, pull: PullRecord): Json;
  pull(repo: RepoRecord, pull: PullRecord): Json;
  diffEntry(repo: RepoRecord, pull: PullRecord, file: DiffFileRecord): Json;
  issueComment(repo: RepoRecord, comment: IssueCommentRecord): Json;
  reviewComment(repo: RepoRecord, comment: ReviewCommentRecord): Json;
  review(repo: RepoRecord, review: ReviewRecord): Json;
  ref(repo: RepoRecord, ref: string, sha: string): Json;
  contentFile(repo: RepoRecord, ref: string, path: string, content: Buffer): Json;
  /** `git-commit`: `GET …/git/commits/{commit_sha}` and the `commit` of a contents write. */
  gitCommit(repo: RepoRecord, commit: GitCommit): Json;
  /** `blob`: `GET …/git/blobs/{file_sha}`, the content base64 in lines of 60 as GitHub sends it. */
  blob(repo: RepoRecord, content: Buffer): Json;
  delivery(delivery: DeliveryRecord): Json;
  /** A global node id (`node_id`, and the GraphQL `id`) of a record of `kind`. */
  nodeId(kind: string, id: number): string;
}

export function createShapes(
  state: GitHubState,
  api: string,
  web: string,
  flavor: 'cloud' | 'enterprise',
): Shapes {
  const nodeId = (kind: string, id: number) => Buffer.from(`0${kind.length}:${kind}${id}`).toString('base64');
  const avatar = (id: number) => `${web}/avatars/u/${id}?v=4`;

  function userLike(login: string, id: number, type: string, siteAdmin: boolean): Json {
    const u = `${api}/users/${encodeURIComponent(login)}`;
    return {
      login,
      id,
      node_id: nodeId(type, id),
      avatar_url: avatar(id),
      gravatar_id: '',
      url: u,
      html_url: type === 'Bot' ? `${web}/apps/${login.replace(/\[bot\]$/, '')}` : `${web}/${login}`,
      followers_url: `${u}/followers`,
      following_url: `${u}/following{/other_user}`,
      gists_url: `${u}/gists{/gist_id}`,
      starred_url: `${u}/starred{/owner}{/repo}`,
      subscriptions_url: `${u}/subscriptions`,
      organizations_url: `${u}/orgs`,
      repos_url: `${u}/repos`,
      events_url: `${u}/events{/privacy}`,
      received_events_url: `${u}/received_events`,
      type,
      user_view_type: 'public',
      site_admin: siteAdmin,
    };
  }

  const user = (record: UserRecord) => userLike(record.login, record.id, record.type, record.siteAdmin);

  function account(login: string): Json {
    const org = state.orgByLogin(login);
    if (org) return userLike(org.login, org.id, 'Organization', false);
    const u = state.userByLogin(login);
    return u ? user(u) : userLike(login, 0, 'User', false);
  }

  function repoUrls(repo: RepoRecord): Json {
    const full = `${repo.owner}/${repo.name}`;
    const r = `${api}/repos/${full}`;
    return {
      id: repo.id,
      node_id: nodeId('Repository', repo.id),
      name: repo.name,
      full_name: full,
      private: repo.private,
      owner: account(repo.owner),
      html_url: `${web}/${full}`,
      description: repo.description,
      fork: repo.fork,
      url: r,
      archive_url: `${r}/{archive_format}{/ref}`,
      assignees_url: `${r}/assignees{/user}`,
      blobs_url: `${r}/git/blobs{/sha}`,
      branches_url: `${r}/branches{/branch}`,
      collaborators_url: `${r}/collaborators{/collaborator}`,
      comments_url: `${r}/comments{/number}`,
      commits_url: `${r}/commits{/sha}`,
      compare_url: `${r}/compare/{base}...{head}`,
      contents_url: `${r}/contents/{+path}`,
      contributors_url: `${r}/contributors`,
      deployments_url: `${r}/deployments`,
      downloads_url: `${r}/downloads`,
      events_url: `${r}/events`,
      forks_url: `${r}/forks`,
      git_commits_url: `${r}/git/commits{/sha}`,
      git_refs_url: `${r}/git/refs{/sha}`,
      git_tags_url: `${r}/git/tags{/sha}`,
      git_url: `${web.replace(/^https?/, 'git')}/${full}.git`,
      issue_comment_url: `${r}/issues/comments{/number}`,
      issue_events_url: `${r}/issues/events{/number}`,
      issues_url: `${r}/issues{/number}`,
      keys_url: `${r}/keys{/key_id}`,
      labels_url: `${r}/labels{/name}`,
      languages_url: `${r}/languages`,
      merges_url: `${r}/merges`,
      milestones_url: `${r}/milestones{/number}`,
      notifications_url: `${r}/notifications{?since,all,participating}`,
      pulls_url: `${r}/pulls{/number}`,
      releases_url: `${r}/releases{/id}`,
      ssh_url: `git@${new URL(web).host}:${full}.git`,
      stargazers_url: `${r}/stargazers`,
      statuses_url: `${r}/statuses/{sha}`,
      subscribers_url: `${r}/subscribers`,
      subscription_url: `${r}/subscription`,
      tags_url: `${r}/tags`,
      teams_url: `${r}/teams`,
      trees_url: `${r}/git/trees{/sha}`,
      clone_url: `${web}/${full}.git`,
      mirror_url: null,
      hooks_url: `${r}/hooks`,
      svn_url: `${web}/${full}`,
      homepage: null,
      language: null,
      forks_count: 0,
      forks: 0,
      stargazers_count: 0,
      watchers_count: 0,
      watchers: 0,
      // Computed by GitHub hourly; 0 for a new (and for an empty) repository.
      size: state.isEmpty(repo) ? 0 : 108,
      default_branch: repo.defaultBranch,
      open_issues_count: openPulls(repo),
      open_issues: openPulls(repo),
      is_template: false,
      topics: [],
      has_issues: true,
      has_projects: true,
      has_wiki: true,
      has_pages: false,
      has_downloads: true,
      has_discussions: false,
      archived: repo.archived,
      disabled: false,
      visibility: repo.private ? 'private' : 'public',
      pushed_at: repo.pushedAt,
      created_at: repo.createdAt,
      updated_at: repo.pushedAt,
      allow_forking: true,
      web_commit_signoff_required: false,
      license: null,
    };
  }

  const openPulls = (repo: RepoRecord) => {
    let count = 0;
    for (const p of state.pulls.values()) if (p.repoId === repo.id && p.state === 'open') count += 1;
    return count;
  };

  function org(record: OrgRecord): Json {
    const o = `${api}/orgs/${record.login}`;
    return {
      ...orgSimple(record),
      name: record.name,
      twitter_username: null,
      is_verified: false,
      has_organization_projects: true,
      has_repository_projects: true,
      public_repos: state.reposOf(record.login).filter((r) => !r.private).length,
      public_gists: 0,
      followers: 0,
      following: 0,
      html_url: `${web}/${record.login}`,
      created_at: record.createdAt,
      updated_at: record.createdAt,
      archived_at: null,
      type: 'Organization',
      members_can_create_repositories: true,
      two_factor_requirement_enabled: false,
      repos_url: `${o}/repos`,
    };
  }

  function orgSimple(record: OrgRecord): Json {
    const o = `${api}/orgs/${record.login}`;
    return {
      login: record.login,
      id: record.id,
      node_id: nodeId('Organization', record.id),
      url: o,
      repos_url: `${o}/repos`,
      events_url: `${o}/events`,
      hooks_url: `${o}/hooks`,
      issues_url: `${o}/issues`,
      members_url: `${o}/members{/member}`,
      public_members_url: `${o}/public_members{/member}`,
      avatar_url: avatar(record.id),
      description: record.description,
    };
  }

  function app(record: AppRecord): Json {
    return {
      id: record.id,
      slug: record.slug,
      client_id: record.clientId,
      node_id: nodeId('Integration', record.id),
      owner: account(record.owner),
      name: record.name,
      description: record.description,
      external_url: record.url,
      html_url: `${web}/${appsPath()}/${record.slug}`,
      created_at: record.createdAt,
      updated_at: record.updatedAt,
      permissions: { ...record.permissions },
      events: [...record.events],
      installations_count: [...state.installations.values()].filter((i) => i.appId === record.id).length,
    };
  }

  const appsPath = () => (flavor === 'cloud' ? 'apps' : 'github-apps');

  function installation(record: InstallationRecord): Json {
    const appRecord = state.apps.get(record.appId)!;
    const target = state.orgByLogin(record.account) ?? state.userByLogin(record.account);
    const isOrg = Boolean(state.orgByLogin(record.account));
    return {
      id: record.id,
      account: account(record.account),
      repository_selection: record.repositorySelection,
      access_tokens_url: `${api}/app/installations/${record.id}/access_tokens`,
      repositories_url: `${api}/installation/repositories`,
      html_url: isOrg
        ? `${web}/organizations/${record.account}/settings/installations/${record.id}`
        : `${web}/settings/installations/${record.id}`,
      app_id: record.appId,
      app_slug: appRecord.slug,
      client_id: appRecord.clientId,
      target_id: target?.id ?? 0,
      target_type: isOrg ? 'Organization' : 'User',
      permissions: { ...record.permissions },
      events: [...record.events],
      created_at: record.createdAt,
      updated_at: record.updatedAt,
      single_file_name: null,
      has_multiple_single_files: false,
      single_file_paths: [],
      suspended_by: record.suspendedAt ? account(appRecord.owner) : null,
      suspended_at: record.suspendedAt,
    };
  }

  function ref(repo: RepoRecord, name: string, sha: string): Json {
    const r = `${api}/repos/${repo.owner}/${repo.name}`;
    return {
      ref: name,
      node_id: Buffer.from(`REF_${repo.id}_${name}`).toString('base64'),
      url: `${r}/git/${name}`,
      object: { sha, type: 'commit', url: `${r}/git/commits/${sha}` },
    };
  }

  function contentFile(repo: RepoRecord, refName: string, path: string, content: Buffer): Json {
    const r = `${api}/repos/${repo.owner}/${repo.name}`;
    const sha = blobSha(content);
    const self = `${r}/contents/${path}?ref=${encodeURIComponent(refName)}`;
    const git = `${r}/git/blobs/${sha}`;
    const html = `${web}/${repo.owner}/${repo.name}/blob/${refName}/${path}`;
    return {
      type: 'file',
      encoding: 'base64',
      size: content.length,
      name: path.split('/').pop(),
      path,
      content: (content.toString('base64').match(/.{1,60}/g) ?? []).join('\n'),
      sha,
      url: self,
      git_url: git,
      html_url: html,
      download_url: `${web}/${repo.owner}/${repo.name}/raw/${refName}/${path}`,
      _links: { self, git, html },
    };
  }

  function gitCommit(repo: RepoRecord, commit: GitCommit): Json {
    const r = `${api}/repos/${repo.owner}/${repo.name}`;
    const who = { name: 'scm-connect', email: 'scm-connect@users.noreply.github.com', date: commit.date };
    return {
      sha: commit.sha,
      node_id: Buffer.from(`C_${commit.sha}`).toString('base64'),
      url: `${r}/git/commits/${commit.sha}`,
      html_url: `${web}/${repo.owner}/${repo.name}/commit/${commit.sha}`,
      author: who,
      committer: who,
      message: commit.message,
      tree: { sha: blobSha(Buffer.from(commit.sha)), url: `${r}/git/trees/${commit.sha}` },
      parents: commit.parents.map((sha) => ({
        sha,
        url: `${r}/git/commits/${sha}`,
        html_url: `${web}/${repo.owner}/${repo.name}/commit/${sha}`,
      })),
      verification: {
        verified: false,
        reason: 'unsigned',
        signature: null,
        payload: null,
        verified_at: null,
      },
    };
  }

  function blob(repo: RepoRecord, content: Buffer): Json {
    const sha = blobSha(content);
    return {
      sha,
      node_id: Buffer.from(`B_${sha}`).toString('base64'),
      size: content.length,
      url: `${api}/repos/${repo.owner}/${repo.name}/git/blobs/${sha}`,
      content: `${(content.toString('base64').match(/.{1,60}/g) ?? []).join('\n')}\n`,
      encoding: 'base64',
    };
  }

  function delivery(record: DeliveryRecord): Json {
    return {
      id: record.id,
      guid: record.guid,
      delivered_at: record.deliveredAt,
      redelivery: record.redelivery,
      duration: record.duration,
      status: record.status,
      status_code: record.statusCode,
      event: record.event,
      action: record.action,
      installation_id: record.installationId,
      repository_id: record.repositoryId,
      throttled_at: null,
    };
  }

  function publicUser(record: UserRecord): Json {
    return {
      ...user(record),
      name: record.name,
      company: null,
      blog: '',
      location: null,
      email: null,
      hireable: null,
      bio: null,
      twitter_username: null,
      public_repos: state.reposOf(record.login).filter((r) => !r.private).length,
      public_gists: 0,
      followers: 0,
      following: 0,
      created_at: record.createdAt,
      updated_at: record.createdAt,
    };
  }

  function privateUser(record: UserRecord): Json {
    return {
      ...user(record),
      user_view_type: 'private',
      name: record.name,
      company: null,
      blog: '',
      location: null,
      email: record.email,
      hireable: null,
      bio: null,
      twitter_username: null,
      public_repos: 0,
      public_gists: 0,
      followers: 0,
      following: 0,
      created_at: record.createdAt,
      updated_at: record.createdAt,
      private_gists: 0,
      total_private_repos: 0,
      owned_private_repos: 0,
      disk_usage: 0,
      collaborators: 0,
      two_factor_authentication: true,
      plan: { name: 'free', space: 976562499, collaborators: 0, private_repos: 10000 },
    };
  }

  function orgMembership(
    o: OrgRecord,
    u: UserRecord,
    role: 'admin' | 'member',
    membershipState: 'active' | 'pending' = 'active',
  ): Json {
    return {
      url: `${api}/orgs/${o.login}/memberships/${u.login}`,
      state: membershipState,
      role,
      organization_url: `${api}/orgs/${o.login}`,
      organization: orgSimple(o),
      user: user(u),
      permissions: { can_create_repository: role === 'admin' },
    };
  }

  const pulls = createPullShapes(state, api, web, { user, account, repo: (r) => repoUrls(r), app, nodeId });

  return {
    ...pulls,
    user,
    account,
    privateUser,
    publicUser,
    org,
    orgSimple,
    orgMembership,
    repo: (r, permissions) => (permissions ? { ...repoUrls(r), permissions } : repoUrls(r)),
    fullRepo: (r) => ({
      ...repoUrls(r),
      network_count: 0,
      subscribers_count: 0,
      ...(r.ownerType === 'Organization' ? { organization: account(r.owner) } : {}),
      permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
    }),
    app,
    installation,
    ref,
    contentFile,
    gitCommit,
    blob,
    delivery,
    nodeId,
  };
}
