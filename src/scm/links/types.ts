import type { ScmKindId } from '../../core/scm-kinds.js';

/**
 * The web root links start from, as the admin sees it in a browser: scheme, host, optional port and any
 * context path (a GitLab relative URL root, a Bitbucket Data Center context path, an Azure DevOps Server
 * virtual directory). It is the web root, never the API base (`https://api.github.com`, `/api/v3`, `/rest`).
 */
export interface LinkBase {
  /** `https://github.com`, `https://git.example.com/gitlab`, `https://dev.azure.com`… http(s) only. */
  readonly webUrl: string;
}

/** The URL shapes: GitHub Cloud and GHES share one, GitLab Cloud and Self-Managed another. */
export type LinkFamily = 'github' | 'gitlab' | 'bitbucket-cloud' | 'bitbucket-data-center' | 'azure-devops';

export const linkFamilyOf: Readonly<Record<ScmKindId, LinkFamily>> = {
  github: 'github',
  'github-enterprise': 'github',
  gitlab: 'gitlab',
  'gitlab-self-managed': 'gitlab',
  'bitbucket-cloud': 'bitbucket-cloud',
  'bitbucket-data-center': 'bitbucket-data-center',
  'azure-devops': 'azure-devops',
};

export interface GitHubRepositoryRef {
  readonly family: 'github';
  /** User or organization login. */
  readonly owner: string;
  readonly name: string;
}

export interface GitLabRepositoryRef {
  readonly family: 'gitlab';
  /** The group path from the top-level group down (`['acme', 'platform', 'tools']`); a user namespace is one item. */
  readonly namespace: readonly string[];
  /** The project path (the last segment of `path_with_namespace`). */
  readonly project: string;
}

export interface BitbucketCloudRepositoryRef {
  readonly family: 'bitbucket-cloud';
  readonly workspace: string;
  readonly slug: string;
}

/**
 * A Bitbucket Data Center repository lives in a project (`projectKey`) or in a user's personal space
 * (`userSlug`, or a project key written `~USER` as the REST API reports personal projects).
 */
export type BitbucketDataCenterRepositoryRef =
  | { readonly family: 'bitbucket-data-center'; readonly projectKey: string; readonly slug: string }
  | { readonly family: 'bitbucket-data-center'; readonly userSlug: string; readonly slug: string };

export interface AzureDevOpsRepositoryRef {
  readonly family: 'azure-devops';
  readonly organization: string;
  readonly project: string;
  /** The repository name as shown under `_git/`. */
  readonly name: string;
}

/**
 * A repository named by its `fullName`, the form `ScmRepository.fullName` takes for each kind:
 * GitHub `owner/repo`; GitLab `group/sub…/project` (`path_with_namespace`); Bitbucket Cloud `workspace/slug`;
 * Bitbucket Data Center `KEY/slug` (personal: `~USER/slug`); Azure DevOps `organization/project/repo`.
 */
export interface FullNameRepositoryRef {
  readonly fullName: string;
}

export type StructuredRepositoryRef =
  | GitHubRepositoryRef
  | GitLabRepositoryRef
  | BitbucketCloudRepositoryRef
  | BitbucketDataCenterRepositoryRef
  | AzureDevOpsRepositoryRef;

export type RepositoryRef = FullNameRepositoryRef | StructuredRepositoryRef;

/** A file (and optionally lines) at one commit: what a finding points at. */
export interface FileLocation {
  readonly repository: RepositoryRef;
  /** Full or abbreviated commit id, 7–64 hex digits (SHA-1 or SHA-256 repositories). */
  readonly commitSha: string;
  /** Repository-relative path with `/` separators, not URL-encoded (`src/app.ts`); a leading `/` is ignored. */
  readonly path: string;
  /** 1-based first line. */
  readonly startLine?: number;
  /** 1-based last line, inclusive; needs `startLine`, and is ≥ it. Equal to `startLine` means one line. */
  readonly endLine?: number;
}

/** A file (and optionally lines) on a branch: the secondary "open on the default branch" link. */
export interface BranchFileLocation {
  readonly repository: RepositoryRef;
  /** The branch name as Git has it (`main`, `release/2.x`), not URL-encoded. */
  readonly branch: string;
  /** As in {@link FileLocation}. */
  readonly path: string;
  readonly startLine?: number;
  readonly endLine?: number;
}

/** Builds links to a file on a branch: they follow the branch, so lines may have moved since a scan. */
export interface BranchLinkBuilder {
  branchFileUrl(location: BranchFileLocation): string;
}

/** What a location is pinned to: a commit (lower-case hex) or a branch (its name, not encoded). */
export type CheckedRef = { readonly commit: string } | { readonly branch: string };

/** A location after validation: what each family's builder works from. */
export interface CheckedTarget {
  readonly ref: CheckedRef;
  /** Path segments, each already percent-encoded. */
  readonly pathSegments: readonly string[];
  /** Absent: no line anchor. `end === start`: one line. */
  readonly lines?: { readonly start: number; readonly end: number };
}

/** The web root after validation: origin plus context path, no trailing slash. */
export interface CheckedBase {
  readonly root: string;
}
