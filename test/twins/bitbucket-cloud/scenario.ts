/** Access-token scopes (workspace, project and repository access tokens; `account` is for workspace ones). */
export type BitbucketScope =
  | 'project'
  | 'project:admin'
  | 'repository'
  | 'repository:write'
  | 'repository:admin'
  | 'repository:delete'
  | 'pullrequest'
  | 'pullrequest:write'
  | 'webhook'
  | 'account'
  | 'pipeline'
  | 'pipeline:write'
  | 'pipeline:variable'
  | 'runner'
  | 'runner:write';

/** Every scope adding the CI job takes (Pipelines, its variables, the file and the pull request), for a workspace access token. */
export const ciAccessScopes: readonly BitbucketScope[] = [
  'repository',
  'repository:write',
  'repository:admin',
  'pullrequest',
  'pullrequest:write',
  'pipeline',
  'pipeline:variable',
];

/** Scopes of an Atlassian API token (used with Basic `email:token`). */
export type BitbucketApiTokenScope =
  | 'read:user:bitbucket'
  | 'read:workspace:bitbucket'
  | 'read:project:bitbucket'
  | 'read:repository:bitbucket'
  | 'write:repository:bitbucket'
  | 'read:pullrequest:bitbucket'
  | 'write:pullrequest:bitbucket'
  | 'read:webhook:bitbucket'
  | 'write:webhook:bitbucket'
  | 'delete:webhook:bitbucket'
  | 'admin:repository:bitbucket'
  | 'read:pipeline:bitbucket'
  | 'admin:pipeline:bitbucket';

export interface BitbucketUserSeed {
  readonly accountId: string;
  readonly displayName: string;
  /** Absent: Bitbucket shows the user without one, as members may come. */
  readonly nickname?: string;
  readonly email?: string;
}

export interface BitbucketAccessTokenSeed {
  readonly value: string;
  readonly kind: 'workspace' | 'project' | 'repository';
  readonly workspace: string;
  /** Project key, for a project access token. */
  readonly project?: string;
  /** Repository slug, for a repository access token. */
  readonly repository?: string;
  /** Shown as the author of what the token does. */
  readonly name?: string;
  readonly scopes: readonly BitbucketScope[];
  /** ISO date-time; absent: never expires. */
  readonly expiresAt?: string;
  readonly revoked?: boolean;
  /** Requests per hour before the twin answers 429 (no limit when absent). */
  readonly requestsPerHour?: number;
}

export interface BitbucketApiTokenSeed {
  readonly email: string;
  readonly token: string;
  readonly scopes: readonly BitbucketApiTokenScope[];
  readonly expiresAt?: string;
  readonly revoked?: boolean;
}

export interface BitbucketCommentSeed {
  readonly author: string;
  readonly body: string;
  readonly inline?: { readonly path: string; readonly to?: number; readonly from?: number };
}

export interface BitbucketPullRequestSeed {
  readonly id: number;
  readonly title: string;
  readonly author: string;
  readonly source: string;
  readonly destination?: string;
  readonly state?: 'OPEN' | 'MERGED' | 'DECLINED';
  readonly comments?: readonly BitbucketCommentSeed[];
}

export interface BitbucketRepositorySeed {
  readonly slug: string;
  readonly name?: string;
  readonly mainbranch?: string;
  readonly isPrivate?: boolean;
  /** Project key; defaults to the workspace's first project. */
  readonly project?: string;
  readonly files?: Readonly<Record<string, string>>;
  readonly branches?: readonly string[];
  readonly pullRequests?: readonly BitbucketPullRequestSeed[];
  /** A repository with no commit and no branch yet. */
  readonly empty?: boolean;
  /** `workspace/slug` of the repository this one is a fork of (shown as `parent`). */
  readonly parent?: string;
  /** Branch restrictions of kind `push`: only the listed account ids may push to matching branches. */
  readonly branchRestrictions?: readonly BitbucketBranchRestrictionSeed[];
  /** Pipelines' `enabled` flag; absent: never configured ("Get configuration" answers 404). */
  readonly pipelinesEnabled?: boolean;
}

export interface BitbucketBranchRestrictionSeed {
  /** A glob (`main`, `release/*`, `*`) matched against branch names. */
  readonly pattern: string;
  /** Account ids exempt from the restriction (access tokens never are). */
  readonly users?: readonly string[];
}

export interface BitbucketMemberSeed {
  /** Account id of a scenario user. */
  readonly user: string;
  readonly permission: 'owner' | 'collaborator' | 'member';
}

export interface BitbucketWorkspaceSeed {
  readonly slug: string;
  readonly name?: string;
  readonly projects?: readonly { readonly key: string; readonly name?: string }[];
  readonly members?: readonly BitbucketMemberSeed[];
  readonly repositories?: readonly BitbucketRepositorySeed[];
  /** Adds `count` generated repositories (`{prefix}-00001` …): "a workspace with 10,000 repos" in one line. */
  readonly generatedRepositories?: { readonly count: number; readonly prefix?: string };
  readonly hooks?: readonly {
    readonly url: string;
    readonly events: readonly string[];
    readonly secret?: string;
  }[];
}

/** Everything a Bitbucket Cloud twin starts with. */
export interface BitbucketCloudScenario {
  readonly users: readonly BitbucketUserSeed[];
  readonly workspaces: readonly BitbucketWorkspaceSeed[];
  readonly accessTokens: readonly BitbucketAccessTokenSeed[];
  readonly apiTokens?: readonly BitbucketApiTokenSeed[];
}

/** One workspace with two projects, members of each role, a pull request with comments, tokens of each kind. */
export function demoBitbucketCloudScenario(): BitbucketCloudScenario {
  return {
    users: [
      {
        accountId: '557058:alice',
        displayName: 'Alice Owner',
        nickname: 'alice',
        email: 'alice@example.com',
      },
      { accountId: '557058:bob', displayName: 'Bob Member', nickname: 'bob', email: 'bob@example.com' },
      {
        accountId: '557058:carol',
        displayName: 'Carol Collaborator',
        nickname: 'carol',
        email: 'carol@example.com',
      },
    ],
    workspaces: [
      {
        slug: 'acme',
        name: 'Acme',
        projects: [
          { key: 'WEB', name: 'Web' },
          { key: 'OPS', name: 'Operations' },
        ],
        members: [
          { user: '557058:alice', permission: 'owner' },
          { user: '557058:bob', permission: 'member' },
          { user: '557058:carol', permission: 'collaborator' },
        ],
        repositories: [
          {
            slug: 'website',
            project: 'WEB',
            files: { 'README.md': '# Website\n', 'src/app.py': 'print("hi")\n' },
            branches: ['feature/login'],
            pullRequests: [
              {
                id: 1,
                title: 'Add login',
                author: '557058:bob',
                source: 'feature/login',
                comments: [{ author: '557058:carol', body: 'Nice' }],
              },
            ],
          },
          { slug: 'infra', project: 'OPS', mainbranch: 'master' },
        ],
      },
      { slug: 'other', name: 'Other', members: [{ user: '557058:bob', permission: 'owner' }] },
    ],
    accessTokens: [
      {
        value: 'bbwat-demo-full',
        kind: 'workspace',
        workspace: 'acme',
        name: 'scm-connect',
        scopes: ['repository', 'repository:write', 'pullrequest', 'pullrequest:write', 'webhook', 'account'],
      },
      {
        value: 'bbwat-demo-read',
        kind: 'workspace',
        workspace: 'acme',
        name: 'reader',
        scopes: ['repository'],
      },
      {
        value: 'bbwat-demo-expired',
        kind: 'workspace',
        workspace: 'acme',
        scopes: ['repository'],
        expiresAt: '2020-01-01T00:00:00Z',
      },
      {
        value: 'bbrat-demo-website',
        kind: 'repository',
        workspace: 'acme',
        repository: 'website',
        scopes: ['repository', 'pullrequest'],
      },
      { value: 'bbpat-demo-ops', kind: 'project', workspace: 'acme', project: 'OPS', scopes: ['repository'] },
    ],
    apiTokens: [
      {
        email: 'alice@example.com',
        token: 'ATATT-demo-alice',
        scopes: [
          'read:user:bitbucket',
          'read:workspace:bitbucket',
          'read:repository:bitbucket',
          'read:pullrequest:bitbucket',
        ],
      },
    ],
  };
}
