import type {
  AdoComment,
  AdoGroup,
  AdoHook,
  AdoIteration,
  AdoProject,
  AdoPullRequest,
  AdoPullRequestStatus,
  AdoRepo,
  AdoThread,
  AdoUser,
} from './state.js';

/** JSON shapes as in the Azure DevOps REST reference (7.1) and its httpExamples. */

export const orgUrl = (origin: string, org: string) => `${origin}/${org}`;

/** The links every graph subject carries (on vssps.dev.azure.com; here the twin's own origin). */
function graphLinks(origin: string, org: string, kind: 'Users' | 'Groups', descriptor: string) {
  const graph = `${orgUrl(origin, org)}/_apis/Graph`;
  const self = `${graph}/${kind}/${descriptor}`;
  return {
    _links: {
      self: { href: self },
      memberships: { href: `${graph}/Memberships/${descriptor}` },
      membershipState: { href: `${graph}/MembershipStates/${descriptor}` },
      storageKey: { href: `${graph}/StorageKeys/${descriptor}` },
    },
    url: self,
  };
}

/** `GraphUser` of a Microsoft Entra user, as Graph users and user entitlements give it. */
export function graphUserJson(origin: string, org: string, user: AdoUser, tenantId: string) {
  return {
    subjectKind: 'user',
    metaType: 'member',
    domain: tenantId,
    principalName: user.principalName,
    mailAddress: user.principalName,
    origin: 'aad',
    originId: user.id,
    displayName: user.displayName,
    ...graphLinks(origin, org, 'Users', user.descriptor),
    descriptor: user.descriptor,
  };
}

/** `GraphGroup` of an Azure DevOps group. */
export function graphGroupJson(origin: string, org: string, group: AdoGroup) {
  return {
    subjectKind: 'group',
    description: group.description,
    domain: group.domain,
    principalName: group.principalName,
    mailAddress: null,
    origin: 'vsts',
    originId: group.originId,
    displayName: group.displayName,
    ...graphLinks(origin, org, 'Groups', group.descriptor),
    descriptor: group.descriptor,
  };
}

/** The `authenticatedUser` of connectionData for a signed-in Microsoft Entra user. */
export function connectionIdentity(user: AdoUser, tenantId: string) {
  return {
    id: user.id,
    descriptor: `Microsoft.IdentityModel.Claims.ClaimsIdentity;${tenantId}\\${user.principalName}`,
    subjectDescriptor: user.descriptor,
    providerDisplayName: user.displayName,
    isActive: true,
    properties: { Account: { $type: 'System.String', $value: user.principalName } },
    resourceVersion: 2,
    metaTypeId: 0,
  };
}

/** The public-access identity Azure DevOps answers as when an organization with public projects gets no valid PAT. */
const publicAccessId = 'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa';
export const publicAccessIdentity = {
  id: publicAccessId,
  descriptor: `System:PublicAccess;${publicAccessId}`,
  providerDisplayName: 'Anonymous',
  customDisplayName: 'Anonymous',
  isActive: true,
  properties: { Account: { $type: 'System.String', $value: 'Anonymous' } },
  resourceVersion: 2,
  metaTypeId: 0,
};

export function identityRef(origin: string, user: AdoUser) {
  return {
    displayName: user.displayName,
    url: `${origin}/_apis/Identities/${user.id}`,
    id: user.id,
    uniqueName: user.principalName,
    imageUrl: `${origin}/_api/_common/identityImage?id=${user.id}`,
    descriptor: user.descriptor,
  };
}

export function projectJson(origin: string, project: AdoProject) {
  return {
    id: project.id,
    name: project.name,
    ...(project.description === undefined ? {} : { description: project.description }),
    url: `${orgUrl(origin, project.org.name)}/_apis/projects/${project.id}`,
    state: 'wellFormed',
    revision: 11,
    visibility: project.visibility,
    lastUpdateTime: '2025-11-03T08:00:00Z',
  };
}

/** Builds `GitRepository` JSON for the repositories of one project, computing the shared parts once. */
export function repoJsonFor(origin: string, projectOf: AdoProject) {
  const orgName = projectOf.org.name;
  const org = orgUrl(origin, orgName);
  const project = encodeURIComponent(projectOf.name);
  const host = origin
    .replace(/^[a-z]+:\/\//, '')
    .split('/')[0]!
    .split(':')[0]!;
  const remote = `${origin.replace('://', `://${orgName}@`)}/${orgName}/${project}/_git/`;
  const projectRef = projectJson(origin, projectOf);
  return (repo: AdoRepo) => {
    const name = encodeURIComponent(repo.name);
    return {
      id: repo.id,
      name: repo.name,
      url: `${org}/${projectOf.id}/_apis/git/repositories/${repo.id}`,
      project: projectRef,
      // An empty repository has no default branch until its first push.
      ...(repo.refs.size === 0 ? {} : { defaultBranch: repo.defaultBranch }),
      size: 0,
      remoteUrl: `${remote}${name}`,
      sshUrl: `git@ssh.${host}:v3/${orgName}/${project}/${name}`,
      webUrl: `${org}/${project}/_git/${name}`,
      isDisabled: repo.isDisabled,
      isFork: repo.isFork,
      isInMaintenance: false,
    };
  };
}

export const repoJson = (origin: string, repo: AdoRepo) => repoJsonFor(origin, repo.project)(repo);

export function pullRequestJson(origin: string, pr: AdoPullRequest) {
  const repo = pr.repo;
  const { url, project, name, id } = repoJson(origin, repo);
  return {
    repository: { id, name, url, project },
    pullRequestId: pr.id,
    codeReviewId: pr.id,
    status: pr.status,
    createdBy: identityRef(origin, pr.createdBy),
    creationDate: pr.creationDate,
    title: pr.title,
    description: pr.description,
    sourceRefName: pr.sourceRefName,
    targetRefName: pr.targetRefName,
    ...(pr.closedDate === undefined ? {} : { closedDate: pr.closedDate }),
    mergeStatus: 'succeeded',
    isDraft: pr.isDraft,
    mergeId: repo.refs.get(pr.sourceRefName) ?? '',
    // A closed pull request keeps the commits of its last iteration.
    lastMergeSourceCommit: {
      commitId:
        (pr.status === 'active' ? undefined : pr.iterations.at(-1)?.sourceCommit) ??
        repo.refs.get(pr.sourceRefName) ??
        '',
    },
    lastMergeTargetCommit: {
      commitId:
        (pr.status === 'active' ? undefined : pr.iterations.at(-1)?.targetCommit) ??
        repo.refs.get(pr.targetRefName) ??
        '',
    },
    ...(pr.mergeCommit === undefined ? {} : { lastMergeCommit: { commitId: pr.mergeCommit } }),
    reviewers: [],
    url: `${url}/pullRequests/${pr.id}`,
    supportsIterations: true,
  };
}

/** A comment links its thread, its pull request and its repository (the comment event reads the thread's id there). */
export function commentJson(origin: string, threadUrl: string, comment: AdoComment) {
  const pullRequestUrl = threadUrl.replace(/\/threads\/\d+$/, '');
  return {
    id: comment.id,
    parentCommentId: comment.parentCommentId,
    author: identityRef(origin, comment.author),
    content: comment.content,
    publishedDate: comment.publishedDate,
    lastUpdatedDate: comment.lastUpdatedDate,
    lastContentUpdatedDate: comment.lastUpdatedDate,
    commentType: comment.commentType,
    ...(comment.isDeleted ? { isDeleted: true } : {}),
    usersLiked: [],
    _links: {
      self: { href: `${threadUrl}/comments/${comment.id}` },
      repository: { href: pullRequestUrl.replace(/\/pullRequests\/\d+$/, '') },
      threads: { href: threadUrl },
      pullRequests: { href: pullRequestUrl },
    },
  };
}

export function threadJson(origin: string, pr: AdoPullRequest, thread: AdoThread) {
  const threadUrl = `${pullRequestJson(origin, pr).url}/threads/${thread.id}`;
  return {
    pullRequestThreadContext: thread.pullRequestThreadContext ?? null,
    id: thread.id,
    publishedDate: thread.publishedDate,
    lastUpdatedDate: thread.lastUpdatedDate,
    comments: thread.comments.map((c) => commentJson(origin, threadUrl, c)),
    status: thread.status,
    threadContext: thread.threadContext ?? null,
    properties: thread.properties ?? {},
    identities: null,
    isDeleted: thread.comments.every((c) => c.isDeleted),
    _links: { self: { href: threadUrl } },
  };
}

/** Subscriptions mask the basic-auth password, as the service does for secret consumer inputs. */
export function hookJson(origin: string, org: string, hook: AdoHook) {
  const consumerInputs = { ...hook.consumerInputs };
  if (consumerInputs.basicAuthPassword) consumerInputs.basicAuthPassword = '********';
  return {
    id: hook.id,
    url: `${orgUrl(origin, org)}/_apis/hooks/subscriptions/${hook.id}`,
    status: 'enabled',
    publisherId: hook.publisherId,
    eventType: hook.eventType,
    resourceVersion: hook.resourceVersion,
    consumerId: hook.consumerId,
    consumerActionId: hook.consumerActionId,
    createdBy: hook.createdBy ? identityRef(origin, hook.createdBy) : null,
    createdDate: hook.createdDate,
    modifiedBy:
      (hook.modifiedBy ?? hook.createdBy) ? identityRef(origin, (hook.modifiedBy ?? hook.createdBy)!) : null,
    modifiedDate: hook.modifiedDate ?? hook.createdDate,
    publisherInputs: hook.publisherInputs,
    consumerInputs,
  };
}

/** `{count, value}`: the collection wrapper of every list answer. */
export const list = <T>(value: readonly T[]) => ({ count: value.length, value });

/** `GitPullRequestIteration` (without `commits`, as the list answers unless `includeCommits=true`). */
export function iterationJson(origin: string, pr: AdoPullRequest, iteration: AdoIteration) {
  const url = `${pullRequestJson(origin, pr).url}/iterations/${iteration.id}`;
  return {
    id: iteration.id,
    description: pr.title,
    author: identityRef(origin, pr.createdBy),
    createdDate: iteration.createdDate,
    updatedDate: iteration.createdDate,
    sourceRefCommit: { commitId: iteration.sourceCommit },
    targetRefCommit: { commitId: iteration.targetCommit },
    commonRefCommit: { commitId: iteration.commonCommit },
    hasMoreCommits: false,
    reason: iteration.reason,
    _links: { self: { href: url } },
  };
}

/** `GitPullRequestStatus`, as "Pull Request Statuses - Create" answers it. */
export function pullRequestStatusJson(origin: string, pr: AdoPullRequest, status: AdoPullRequestStatus) {
  const { url } = pullRequestJson(origin, pr);
  return {
    ...(status.iterationId === undefined ? {} : { iterationId: status.iterationId }),
    id: status.id,
    state: status.state,
    description: status.description,
    context: {
      name: status.context.name,
      ...(status.context.genre === undefined ? {} : { genre: status.context.genre }),
    },
    creationDate: status.creationDate,
    updatedDate: status.creationDate,
    createdBy: identityRef(origin, status.createdBy),
    ...(status.targetUrl === undefined ? {} : { targetUrl: status.targetUrl }),
    _links: {
      self: { href: `${url}/statuses/${status.id}` },
      repository: { href: url.replace(/\/pullRequests\/\d+$/, '') },
    },
  };
}
