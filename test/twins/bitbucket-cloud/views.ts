import type { TwinRequest } from '../server/twin-server.js';
import type {
  BitbucketActor,
  BitbucketBuildStatus,
  BitbucketComment,
  BitbucketHook,
  BitbucketPipelineVariable,
  BitbucketPullRequest,
  BitbucketRepository,
  BitbucketWorkspace,
} from './state.js';

const web = 'https://bitbucket.org';

/**
 * A Bitbucket page: `{size, page, pagelen, next?, previous?, values}`, `pagelen` 10 by default and at most
 * 100, `next`/`previous` absolute URLs on the twin.
 */
export function page<T>(request: TwinRequest, items: readonly T[], render: (item: T) => unknown) {
  const query = request.url.searchParams;
  const pagelen = Math.min(100, Math.max(1, Math.floor(Number(query.get('pagelen') ?? 10)) || 10));
  const current = Math.max(1, Math.floor(Number(query.get('page') ?? 1)) || 1);
  const link = (p: number) => {
    const url = new URL(request.url.pathname + request.url.search, request.origin);
    url.searchParams.set('page', String(p));
    return url.toString();
  };
  const start = (current - 1) * pagelen;
  return {
    size: items.length,
    page: current,
    pagelen,
    ...(start + pagelen < items.length ? { next: link(current + 1) } : {}),
    ...(current > 1 ? { previous: link(current - 1) } : {}),
    values: items.slice(start, start + pagelen).map(render),
  };
}

/** Renders state records as Bitbucket Cloud's API 2.0 shows them. */
export class BitbucketViews {
  constructor(private readonly origin: () => string) {}

  private api(path: string) {
    return `${this.origin()}/2.0${path}`;
  }

  actor(actor: BitbucketActor) {
    return {
      type: 'user',
      uuid: actor.uuid,
      display_name: actor.displayName,
      ...(actor.accountId ? { account_id: actor.accountId } : {}),
      ...(actor.nickname ? { nickname: actor.nickname } : {}),
      links: {
        self: { href: this.api(`/users/${encodeURIComponent(actor.uuid)}`) },
        avatar: { href: `${web}/account/${encodeURIComponent(actor.uuid)}/avatar/` },
        html: { href: `${web}/${encodeURIComponent(actor.uuid)}/` },
      },
    };
  }

  workspaceRef(workspace: BitbucketWorkspace) {
    return {
      type: 'workspace',
      uuid: workspace.uuid,
      slug: workspace.slug,
      name: workspace.name,
      links: {
        self: { href: this.api(`/workspaces/${workspace.slug}`) },
        html: { href: `${web}/${workspace.slug}/` },
        avatar: { href: `${web}/workspaces/${workspace.slug}/avatar/` },
      },
    };
  }

  workspace(workspace: BitbucketWorkspace) {
    const ref = this.workspaceRef(workspace);
    const self = ref.links.self.href;
    return {
      ...ref,
      links: {
        ...ref.links,
        members: { href: `${self}/members` },
        owners: { href: `${self}/members?q=permission%3D%22owner%22` },
        projects: { href: `${self}/projects` },
        repositories: { href: this.api(`/repositories/${workspace.slug}`) },
        snippets: { href: this.api(`/snippets/${workspace.slug}`) },
      },
      is_private: true,
      is_privacy_enforced: false,
      forking_mode: 'allow_forks',
      created_on: '2024-01-01T00:00:00.000000+00:00',
      updated_on: '2024-01-01T00:00:00.000000+00:00',
    };
  }

  repository(repo: BitbucketRepository) {
    const full = `${repo.workspace.slug}/${repo.slug}`;
    const project = repo.workspace.projects.get(repo.projectKey)!;
    return {
      type: 'repository',
      uuid: repo.uuid,
      slug: repo.slug,
      name: repo.name,
      full_name: full,
      is_private: repo.isPrivate,
      scm: 'git',
      description: '',
      fork_policy: repo.isPrivate ? 'no_public_forks' : 'allow_forks',
      language: '',
      size: 0,
      has_issues: false,
      has_wiki: false,
      mainbranch: { type: 'branch', name: repo.mainbranch },
      ...(repo.parent === undefined ? {} : { parent: this.repositoryRef(repo.parent) }),
      project: { type: 'project', key: project.key, uuid: project.uuid, name: project.name },
      workspace: this.workspaceRef(repo.workspace),
      owner: {
        type: 'team',
        uuid: repo.workspace.uuid,
        display_name: repo.workspace.name,
        username: repo.workspace.slug,
      },
      created_on: repo.createdOn,
      updated_on: repo.createdOn,
      links: {
        self: { href: this.api(`/repositories/${full}`) },
        html: { href: `${web}/${full}` },
        avatar: { href: `https://bytebucket.org/ravatar/${encodeURIComponent(repo.uuid)}?ts=default` },
        pullrequests: { href: this.api(`/repositories/${full}/pullrequests`) },
        commits: { href: this.api(`/repositories/${full}/commits`) },
        forks: { href: this.api(`/repositories/${full}/forks`) },
        watchers: { href: this.api(`/repositories/${full}/watchers`) },
        downloads: { href: this.api(`/repositories/${full}/downloads`) },
        hooks: { href: this.api(`/repositories/${full}/hooks`) },
        clone: [
          { name: 'https', href: `https://bitbucket.org/${full}.git` },
          { name: 'ssh', href: `git@bitbucket.org:${full}.git` },
        ],
      },
    };
  }

  /** The short `repository` object a fork's `parent` is shown as. */
  private repositoryRef(fullName: string) {
    const name = fullName.split('/')[1] ?? fullName;
    return {
      type: 'repository',
      full_name: fullName,
      name,
      links: {
        self: { href: this.api(`/repositories/${fullName}`) },
        html: { href: `${web}/${fullName}` },
      },
    };
  }

  /** `pipelines_config`. */
  pipelinesConfig(repo: BitbucketRepository) {
    return {
      type: 'repository_pipelines_configuration',
      enabled: repo.pipelines?.enabled ?? false,
      repository: { type: 'repository', full_name: `${repo.workspace.slug}/${repo.slug}`, uuid: repo.uuid },
    };
  }

  /** `pipeline_variable`: "If the variable is secured, this will be empty" — the value is left out. */
  pipelineVariable(variable: BitbucketPipelineVariable) {
    return {
      type: 'pipeline_variable',
      uuid: variable.uuid,
      key: variable.key,
      secured: variable.secured,
      ...(variable.secured ? {} : { value: variable.value }),
    };
  }

  pullRequest(repo: BitbucketRepository, pr: BitbucketPullRequest) {
    const full = `${repo.workspace.slug}/${repo.slug}`;
    const end = (branch: string) => ({
      branch: { name: branch },
      commit: { type: 'commit', hash: repo.branches.get(branch)?.hash.slice(0, 12) ?? null },
      repository: { type: 'repository', full_name: full, name: repo.name, uuid: repo.uuid },
    });
    return {
      type: 'pullrequest',
      id: pr.id,
      title: pr.title,
      description: pr.description,
      summary: { type: 'rendered', raw: pr.description, markup: 'markdown', html: '' },
      state: pr.state,
      author: this.actor(pr.author),
      source: end(pr.source),
      destination: end(pr.destination),
      close_source_branch: pr.closeSourceBranch,
      merge_commit: pr.mergeCommit ? { type: 'commit', hash: pr.mergeCommit.slice(0, 12) } : null,
      closed_by: null,
      reason: '',
      comment_count: pr.comments.filter((c) => !c.deleted).length,
      task_count: 0,
      created_on: pr.createdOn,
      updated_on: pr.updatedOn,
      links: {
        self: { href: this.api(`/repositories/${full}/pullrequests/${pr.id}`) },
        html: { href: `${web}/${full}/pull-requests/${pr.id}` },
        comments: { href: this.api(`/repositories/${full}/pullrequests/${pr.id}/comments`) },
      },
    };
  }

  comment(repo: BitbucketRepository, pr: BitbucketPullRequest, comment: BitbucketComment) {
    const full = `${repo.workspace.slug}/${repo.slug}`;
    return {
      type: 'pullrequest_comment',
      id: comment.id,
      content: { type: 'rendered', raw: comment.raw, markup: 'markdown', html: '' },
      user: this.actor(comment.author),
      created_on: comment.createdOn,
      updated_on: comment.updatedOn,
      deleted: comment.deleted,
      pending: false,
      ...(comment.inline
        ? {
            inline: {
              path: comment.inline.path,
              to: comment.inline.to,
              from: comment.inline.from,
              ...(comment.inline.startTo == null ? {} : { start_to: comment.inline.startTo }),
            },
          }
        : {}),
      ...(comment.parentId !== undefined
        ? {
            parent: {
              id: comment.parentId,
              links: {
                self: {
                  href: this.api(`/repositories/${full}/pullrequests/${pr.id}/comments/${comment.parentId}`),
                },
              },
            },
          }
        : {}),
      ...(comment.resolution ? { resolution: this.resolution(comment.resolution) } : {}),
      pullrequest: { type: 'pullrequest', id: pr.id, title: pr.title },
      links: {
        self: { href: this.api(`/repositories/${full}/pullrequests/${pr.id}/comments/${comment.id}`) },
        html: { href: `${web}/${full}/pull-requests/${pr.id}#comment-${comment.id}` },
      },
    };
  }

  /** `comment_resolution`. */
  resolution(resolution: NonNullable<BitbucketComment['resolution']>) {
    return {
      type: 'comment_resolution',
      user: this.actor(resolution.user),
      created_on: resolution.createdOn,
    };
  }

  /** `commitstatus`. */
  buildStatus(repo: BitbucketRepository, hash: string, status: BitbucketBuildStatus) {
    const full = `${repo.workspace.slug}/${repo.slug}`;
    return {
      type: 'build',
      key: status.key,
      state: status.state,
      name: status.name,
      url: status.url,
      description: status.description,
      refname: status.refname ?? null,
      created_on: status.createdOn,
      updated_on: status.updatedOn,
      links: {
        self: {
          href: this.api(
            `/repositories/${full}/commit/${hash}/statuses/build/${encodeURIComponent(status.key)}`,
          ),
        },
        commit: { href: this.api(`/repositories/${full}/commit/${hash}`) },
      },
    };
  }

  /** `commit` as "Get a commit" shows it; the twin keeps no authors or parents for its commits. */
  commit(repo: BitbucketRepository, hash: string) {
    const full = `${repo.workspace.slug}/${repo.slug}`;
    return {
      type: 'commit',
      hash,
      date: repo.createdOn,
      message: 'Commit made in the twin\n',
      author: { type: 'author', raw: 'Twin <twin@example.com>' },
      parents: [],
      repository: { type: 'repository', full_name: full, name: repo.name, uuid: repo.uuid },
      links: {
        self: { href: this.api(`/repositories/${full}/commit/${hash}`) },
        html: { href: `${web}/${full}/commits/${hash}` },
      },
    };
  }

  private commitRef(repo: BitbucketRepository, hash: string) {
    const full = `${repo.workspace.slug}/${repo.slug}`;
    return {
      type: 'commit',
      hash,
      links: {
        self: { href: this.api(`/repositories/${full}/commit/${hash}`) },
        html: { href: `${web}/${full}/commits/${hash}` },
      },
    };
  }

  private srcLinks(repo: BitbucketRepository, hash: string, path: string, directory: boolean) {
    const self = this.api(
      `/repositories/${repo.workspace.slug}/${repo.slug}/src/${hash}/${path}${directory ? '/' : ''}`,
    );
    return { self: { href: self }, meta: { href: `${self}?format=meta` } };
  }

  /** `commit_file`: a file at a commit, as `format=meta` and directory listings show it. */
  commitFile(repo: BitbucketRepository, hash: string, path: string, content: string) {
    return {
      type: 'commit_file',
      path,
      escaped_path: path,
      commit: this.commitRef(repo, hash),
      attributes: [],
      size: Buffer.byteLength(content),
      mimetype: null,
      links: this.srcLinks(repo, hash, path, false),
    };
  }

  /** `commit_directory`: a directory at a commit. */
  commitDirectory(repo: BitbucketRepository, hash: string, path: string) {
    return {
      type: 'commit_directory',
      path,
      commit: this.commitRef(repo, hash),
      links: this.srcLinks(repo, hash, path, true),
    };
  }

  hook(hook: BitbucketHook, subject: unknown) {
    return {
      type: 'webhook_subscription',
      uuid: hook.uuid,
      url: hook.url,
      description: hook.description,
      subject_type: hook.subjectType,
      subject,
      active: hook.active,
      created_at: hook.createdAt,
      events: hook.events,
      secret_set: hook.secret !== undefined,
      skip_cert_verification: false,
    };
  }
}
