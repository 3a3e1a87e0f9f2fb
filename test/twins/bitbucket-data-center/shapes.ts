import type {
  BbComment,
  BbCommit,
  BbFeatures,
  BbProject,
  BbPullRequest,
  BbRepo,
  BbToken,
  BbUser,
  BbWebhook,
} from './state.js';

/** JSON shapes as in the Data Center REST reference (`RestProject`, `RestRepository`, `RestPullRequest`, …). */

const self = (href: string) => ({ self: [{ href }] });

export function userJson(base: string, user: BbUser) {
  return {
    name: user.name,
    emailAddress: user.email,
    active: user.active,
    displayName: user.displayName,
    id: user.id,
    slug: user.name,
    type: user.type,
    links: self(`${base}/users/${user.name}`),
  };
}

export function projectJson(base: string, project: BbProject) {
  return {
    key: project.key,
    id: project.id,
    name: project.name,
    ...(project.description === undefined ? {} : { description: project.description }),
    public: project.public,
    type: 'NORMAL',
    links: self(`${base}/projects/${project.key}`),
  };
}

/** `RestRepository`: no default branch (write-only in the reference); `archived` from 8.0 on. */
export function repoJson(base: string, repo: BbRepo, features: BbFeatures) {
  const { key } = repo.project;
  const host = base.replace(/^[a-z]+:\/\//, '').split('/')[0]!;
  return {
    slug: repo.slug,
    id: repo.id,
    name: repo.name,
    ...(repo.description === undefined ? {} : { description: repo.description }),
    hierarchyId: repo.id.toString(16).padStart(20, '0'),
    scmId: 'git',
    state: 'AVAILABLE',
    statusMessage: 'Available',
    forkable: true,
    project: projectJson(base, repo.project),
    public: repo.public,
    ...(features.archiving ? { archived: repo.archived } : {}),
    links: {
      clone: [
        { href: `${base}/scm/${key.toLowerCase()}/${repo.slug}.git`, name: 'http' },
        { href: `ssh://git@${host.split(':')[0]}:7999/${key.toLowerCase()}/${repo.slug}.git`, name: 'ssh' },
      ],
      self: [{ href: `${base}/projects/${key}/repos/${repo.slug}/browse` }],
    },
  };
}

/** `RestMinimalRef`: what `…/default-branch` answers, whether or not the branch was pushed yet. */
export function minimalRefJson(name: string) {
  return { id: `refs/heads/${name}`, displayId: name, type: 'BRANCH' };
}

/** `RestBranch` (an existing branch); the flag is `isDefault` on the wire. */
export function branchJson(repo: BbRepo, name: string) {
  const branch = repo.branches.get(name)!;
  return {
    id: `refs/heads/${name}`,
    displayId: name,
    type: 'BRANCH',
    latestCommit: branch.head,
    latestChangeset: branch.head,
    isDefault: name === repo.defaultBranch,
  };
}

function refJson(base: string, repo: BbRepo, name: string, features: BbFeatures) {
  return {
    id: `refs/heads/${name}`,
    displayId: name,
    latestCommit: repo.branches.get(name)?.head,
    type: 'BRANCH',
    repository: repoJson(base, repo, features),
  };
}

/** `RestPullRequest`; `draft` from 8.18 on. */
export function pullRequestJson(base: string, repo: BbRepo, pr: BbPullRequest, features: BbFeatures) {
  return {
    id: pr.id,
    version: pr.version,
    title: pr.title,
    ...(pr.description === undefined ? {} : { description: pr.description }),
    state: pr.state,
    open: pr.state === 'OPEN',
    closed: pr.state !== 'OPEN',
    ...(features.draftPullRequests ? { draft: false } : {}),
    createdDate: pr.createdDate,
    updatedDate: pr.updatedDate,
    ...(pr.closedDate === undefined ? {} : { closedDate: pr.closedDate }),
    fromRef: refJson(base, repo, pr.fromBranch, features),
    toRef: refJson(base, repo, pr.toBranch, features),
    locked: false,
    author: { user: userJson(base, pr.author), role: 'AUTHOR', approved: false, status: 'UNAPPROVED' },
    reviewers: [],
    participants: [],
    links: self(`${base}/projects/${repo.project.key}/repos/${repo.slug}/pull-requests/${pr.id}`),
  };
}

/** `RestComment`; replies nest under `comments`. */
export interface BbCommentJson {
  readonly id: number;
  readonly version: number;
  readonly text: string;
  readonly author: ReturnType<typeof userJson>;
  readonly comments: readonly BbCommentJson[];
  readonly anchor?: Record<string, unknown>;
  readonly [field: string]: unknown;
}

export function commentJson(
  base: string,
  repo: BbRepo,
  pr: BbPullRequest,
  comment: BbComment,
  viewer?: BbUser,
): BbCommentJson {
  const replies = pr.comments.filter((c) => c.parentId === comment.id);
  const own = viewer?.name === comment.author.name;
  return {
    properties: { repositoryId: repo.id },
    id: comment.id,
    version: comment.version,
    text: comment.text,
    author: userJson(base, comment.author),
    createdDate: comment.createdDate,
    updatedDate: comment.updatedDate,
    comments: replies.map((reply) => commentJson(base, repo, pr, reply, viewer)),
    ...(comment.anchor
      ? {
          anchor: {
            diffType: 'EFFECTIVE',
            fileType: 'TO',
            ...comment.anchor,
            ...(comment.anchor.line === undefined ? {} : { lineType: comment.anchor.lineType ?? 'ADDED' }),
          },
        }
      : {}),
    threadResolved: comment.threadResolved !== undefined,
    ...(comment.threadResolved
      ? {
          threadResolvedDate: comment.threadResolved.at,
          threadResolver: userJson(base, comment.threadResolved.by),
        }
      : {}),
    severity: comment.severity,
    state: 'OPEN',
    permittedOperations: { editable: own, transitionable: true, deletable: own && replies.length === 0 },
  };
}

export function commitJson(commit: BbCommit) {
  const person = {
    name: commit.author.name,
    emailAddress: commit.author.email ?? `${commit.author.name}@localhost`,
  };
  return {
    id: commit.id,
    displayId: commit.id.slice(0, 11),
    author: person,
    authorTimestamp: commit.timestamp,
    committer: person,
    committerTimestamp: commit.timestamp,
    message: commit.message,
    parents: commit.parents.map((id) => ({ id, displayId: id.slice(0, 11) })),
  };
}

/** The secret stays in the twin's state; Data Center's answer for it is unverified, so it is never echoed. */
export function webhookJson(hook: BbWebhook) {
  const { secret: _secret, ...configuration } = hook.configuration;
  return {
    id: hook.id,
    name: hook.name,
    createdDate: hook.createdDate,
    updatedDate: hook.updatedDate,
    events: hook.events,
    configuration,
    url: hook.url,
    active: hook.active,
    scopeType: hook.scopeType,
    sslVerificationRequired: hook.sslVerificationRequired,
  };
}

/** `RestAccessToken` lists only `createdDate, id, name`; `permissions`, `expiryDate`, `lastAuthenticated` are unverified. */
export function tokenJson(token: BbToken) {
  return {
    id: token.id,
    createdDate: token.createdAt.getTime(),
    name: token.name,
    permissions: token.permissions,
    ...(token.expiresAt ? { expiryDate: token.expiresAt.getTime() } : {}),
    ...(token.lastAuthenticated ? { lastAuthenticated: token.lastAuthenticated.getTime() } : {}),
  };
}

/** Data Center's page envelope: `nextPageStart` only when there is a next page. */
export function page<T>(values: readonly T[], start: number, limit: number, total: number) {
  const isLastPage = start + values.length >= total;
  return {
    size: values.length,
    limit,
    isLastPage,
    start,
    values,
    ...(isLastPage ? {} : { nextPageStart: start + values.length }),
  };
}
