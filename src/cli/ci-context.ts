/** What `scans upload` tells the service about a scan; each field a query parameter of `POST …/scans`. */
export interface ScanContextInput {
  readonly repository?: string | undefined;
  readonly commit?: string | undefined;
  readonly branch?: string | undefined;
  readonly pullRequest?: string | undefined;
  readonly baseCommit?: string | undefined;
  readonly baseBranch?: string | undefined;
}

/** The CI system a job runs on, and the scan's context as its own variables give it. */
export interface DetectedCi {
  readonly name: string;
  readonly context: ScanContextInput;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads a file (GitHub's event payload); undefined when it cannot be read. */
export type ReadFile = (path: string) => string | undefined;

const value = (env: Env, name: string): string | undefined => {
  const text = env[name]?.trim();
  return text ? text : undefined;
};

/** `refs/heads/main` → `main`; a tag or a pull request's merge ref is no branch. */
function branchOf(ref: string | undefined): string | undefined {
  if (ref === undefined) return undefined;
  if (ref.startsWith('refs/tags/') || ref.startsWith('refs/pull/')) return undefined;
  return ref.replace(/^refs\/heads\//, '');
}

const fullSha = (sha: string | undefined) =>
  sha && /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i.test(sha) ? sha : undefined;

const positiveInteger = (text: string | undefined) =>
  text && /^[1-9]\d{0,9}$/.test(text) ? text : undefined;

/** A URL without the user and password some CI systems put in it (Jenkins' GIT_URL may hold both). */
export const withoutCredentials = (url: string): string =>
  url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');

const joinUrl = (server: string | undefined, path: string | undefined) =>
  server && path ? `${server.replace(/\/+$/, '')}/${path}` : path;

interface GitHubEvent {
  pull_request?: { number?: unknown; base?: { sha?: unknown; ref?: unknown } };
}

function gitHubEvent(env: Env, readFile: ReadFile): GitHubEvent {
  const path = value(env, 'GITHUB_EVENT_PATH');
  const text = path === undefined ? undefined : readFile(path);
  if (text === undefined) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as GitHubEvent) : {};
  } catch {
    return {};
  }
}

const asText = (item: unknown) =>
  typeof item === 'string' ? item : typeof item === 'number' ? String(item) : undefined;

/** GitHub Actions: `GITHUB_*` and, for a pull request, the event payload at `GITHUB_EVENT_PATH`. */
function gitHubActions(env: Env, readFile: ReadFile): ScanContextInput {
  const pullRequest = gitHubEvent(env, readFile).pull_request;
  const refName = value(env, 'GITHUB_REF_TYPE') === 'tag' ? undefined : value(env, 'GITHUB_REF_NAME');
  return {
    repository: joinUrl(value(env, 'GITHUB_SERVER_URL'), value(env, 'GITHUB_REPOSITORY')),
    commit: value(env, 'GITHUB_SHA'),
    branch: value(env, 'GITHUB_HEAD_REF') ?? (pullRequest ? undefined : refName),
    pullRequest: positiveInteger(asText(pullRequest?.number)),
    baseCommit: fullSha(asText(pullRequest?.base?.sha)),
    baseBranch: value(env, 'GITHUB_BASE_REF') ?? asText(pullRequest?.base?.ref),
  };
}

/** GitLab CI: `CI_*`, with `CI_MERGE_REQUEST_*` in merge request pipelines. */
function gitLabCi(env: Env): ScanContextInput {
  return {
    repository: joinUrl(value(env, 'CI_SERVER_URL'), value(env, 'CI_PROJECT_PATH')),
    commit: value(env, 'CI_COMMIT_SHA'),
    branch:
      value(env, 'CI_MERGE_REQUEST_SOURCE_BRANCH_NAME') ??
      (value(env, 'CI_COMMIT_TAG') ? undefined : value(env, 'CI_COMMIT_REF_NAME')),
    pullRequest: positiveInteger(value(env, 'CI_MERGE_REQUEST_IID')),
    baseCommit: fullSha(value(env, 'CI_MERGE_REQUEST_DIFF_BASE_SHA')),
    baseBranch: value(env, 'CI_MERGE_REQUEST_TARGET_BRANCH_NAME'),
  };
}

/** Bitbucket Pipelines: `BITBUCKET_*` (its destination commit is a short sha, so it is left out). */
function bitbucketPipelines(env: Env): ScanContextInput {
  return {
    repository: value(env, 'BITBUCKET_GIT_HTTP_ORIGIN') ?? value(env, 'BITBUCKET_REPO_FULL_NAME'),
    commit: value(env, 'BITBUCKET_COMMIT'),
    branch: value(env, 'BITBUCKET_BRANCH'),
    pullRequest: positiveInteger(value(env, 'BITBUCKET_PR_ID')),
    baseCommit: fullSha(value(env, 'BITBUCKET_PR_DESTINATION_COMMIT')),
    baseBranch: value(env, 'BITBUCKET_PR_DESTINATION_BRANCH'),
  };
}

/** Azure Pipelines: `BUILD_*` and, for a pull request build, `SYSTEM_PULLREQUEST_*`. */
function azurePipelines(env: Env): ScanContextInput {
  const pullRequest = positiveInteger(
    value(env, 'SYSTEM_PULLREQUEST_PULLREQUESTNUMBER') ?? value(env, 'SYSTEM_PULLREQUEST_PULLREQUESTID'),
  );
  return {
    repository: value(env, 'BUILD_REPOSITORY_URI'),
    commit: value(env, 'BUILD_SOURCEVERSION'),
    branch: pullRequest
      ? branchOf(value(env, 'SYSTEM_PULLREQUEST_SOURCEBRANCH'))
      : (branchOf(value(env, 'BUILD_SOURCEBRANCH')) ?? value(env, 'BUILD_SOURCEBRANCHNAME')),
    pullRequest,
    baseCommit: undefined,
    baseBranch: branchOf(value(env, 'SYSTEM_PULLREQUEST_TARGETBRANCH')),
  };
}

/** Jenkins (Git plugin and multibranch pipelines): `GIT_*`, `BRANCH_NAME`, `CHANGE_*`. */
function jenkins(env: Env): ScanContextInput {
  const change = positiveInteger(value(env, 'CHANGE_ID'));
  const gitBranch = value(env, 'GIT_BRANCH')?.replace(/^(?:refs\/remotes\/)?origin\//, '');
  return {
    repository: value(env, 'GIT_URL'),
    commit: value(env, 'GIT_COMMIT'),
    // A multibranch build of a change names itself `PR-12` in BRANCH_NAME; CHANGE_BRANCH is the real one.
    branch: change ? value(env, 'CHANGE_BRANCH') : (value(env, 'BRANCH_NAME') ?? gitBranch),
    pullRequest: change,
    baseCommit: undefined,
    baseBranch: change ? value(env, 'CHANGE_TARGET') : undefined,
  };
}

/**
 * The CI system running this job, by the variable each sets to announce itself, and the scan's context from its
 * own variables; undefined outside the five known systems. Repository URLs lose any credentials here.
 */
export function detectCi(env: Env, readFile: ReadFile): DetectedCi | undefined {
  const detected: DetectedCi | undefined =
    value(env, 'GITHUB_ACTIONS') === 'true'
      ? { name: 'GitHub Actions', context: gitHubActions(env, readFile) }
      : value(env, 'GITLAB_CI') === 'true'
        ? { name: 'GitLab CI', context: gitLabCi(env) }
        : value(env, 'BITBUCKET_BUILD_NUMBER') !== undefined
          ? { name: 'Bitbucket Pipelines', context: bitbucketPipelines(env) }
          : value(env, 'TF_BUILD')?.toLowerCase() === 'true'
            ? { name: 'Azure Pipelines', context: azurePipelines(env) }
            : value(env, 'JENKINS_URL') !== undefined
              ? { name: 'Jenkins', context: jenkins(env) }
              : undefined;
  if (!detected) return undefined;
  const { repository } = detected.context;
  return {
    name: detected.name,
    context: {
      ...detected.context,
      ...(repository === undefined ? {} : { repository: withoutCredentials(repository) }),
    },
  };
}
