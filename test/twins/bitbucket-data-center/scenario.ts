/** Project-level and repository-level permissions an HTTP access token (or a user grant) can carry. */
export type BitbucketPermission =
  'PROJECT_READ' | 'PROJECT_WRITE' | 'PROJECT_ADMIN' | 'REPO_READ' | 'REPO_WRITE' | 'REPO_ADMIN';

export interface BitbucketUserSpec {
  /** Login name; also the slug. */
  readonly name: string;
  readonly displayName?: string;
  readonly email?: string;
  /** Global administrator: every project at PROJECT_ADMIN. */
  readonly sysAdmin?: boolean;
  readonly active?: boolean;
}

/** Which resource an HTTP access token belongs to. */
export type BitbucketTokenScope =
  | { readonly type: 'project'; readonly projectKey: string }
  | { readonly type: 'repository'; readonly projectKey: string; readonly slug: string }
  | { readonly type: 'user'; readonly user: string };

export interface BitbucketTokenSpec {
  /** The secret sent as `Authorization: Bearer <value>`. */
  readonly value: string;
  readonly name?: string;
  readonly scope: BitbucketTokenScope;
  /** E.g. `['PROJECT_READ', 'REPO_WRITE']`; a personal token is further capped by its user's own grants. */
  readonly permissions: readonly BitbucketPermission[];
  /** ISO date; a token past it answers like an unknown one. */
  readonly expiresAt?: string;
  readonly createdAt?: string;
}

export interface BitbucketAnchorSpec {
  readonly path: string;
  readonly line?: number;
  readonly lineType?: 'ADDED' | 'REMOVED' | 'CONTEXT';
  readonly fileType?: 'FROM' | 'TO';
  readonly diffType?: 'EFFECTIVE' | 'COMMIT' | 'RANGE';
  readonly srcPath?: string;
  readonly fromHash?: string;
  readonly toHash?: string;
}

export interface BitbucketCommentSpec {
  readonly text: string;
  /** User name of the author. */
  readonly author: string;
  readonly anchor?: BitbucketAnchorSpec;
}

export interface BitbucketPullRequestSpec {
  readonly title: string;
  readonly description?: string;
  /** Branch names (without `refs/heads/`). */
  readonly fromBranch: string;
  readonly toBranch?: string;
  readonly author: string;
  readonly state?: 'OPEN' | 'MERGED' | 'DECLINED';
  readonly comments?: readonly BitbucketCommentSpec[];
}

export interface BitbucketRepositorySpec {
  readonly slug: string;
  readonly name?: string;
  readonly description?: string;
  /** The configured default branch (name), default `main`. */
  readonly defaultBranch?: string;
  /**
   * Never pushed to: no branches and no files, though the default branch is configured. `…/branches/default`
   * answers 204 for it, `…/default-branch` the configured branch.
   */
  readonly empty?: boolean;
  /** Further branches, created from the default branch's head. */
  readonly branches?: readonly string[];
  readonly archived?: boolean;
  readonly public?: boolean;
  /** Files on the default branch, path → content. */
  readonly files?: Readonly<Record<string, string>>;
  readonly pullRequests?: readonly BitbucketPullRequestSpec[];
}

export interface BitbucketWebhookSpec {
  readonly name: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly secret?: string;
  readonly active?: boolean;
}

export interface BitbucketProjectSpec {
  readonly key: string;
  readonly id?: number;
  readonly name?: string;
  readonly description?: string;
  readonly public?: boolean;
  /** Project permissions granted to users (`/permissions/users`). */
  readonly members?: readonly { readonly user: string; readonly permission: BitbucketPermission }[];
  /** Project permissions granted to groups (`/permissions/groups`). */
  readonly groups?: readonly { readonly group: string; readonly permission: BitbucketPermission }[];
  readonly repositories?: readonly BitbucketRepositorySpec[];
  /**
   * Repositories generated on demand (slugs `repo-00001` … ), listed after the explicit ones. Costs nothing
   * until one is written to, so "a project with 10,000 repos" is cheap.
   */
  readonly generatedRepositoryCount?: number;
  readonly webhooks?: readonly BitbucketWebhookSpec[];
}

/** Everything a Bitbucket Data Center twin starts with. */
export interface BitbucketDataCenterScenario {
  /** Reported by `/application-properties`; default `9.4.2`. */
  readonly version?: string;
  readonly buildNumber?: string;
  readonly displayName?: string;
  /** A context path the server runs under, e.g. `/bitbucket`; default none. */
  readonly contextPath?: string;
  /**
   * Which caller headers authenticated answers carry: `X-AUSERID` and `X-AUSERNAME` (default), or only the
   * name, as behind a reverse proxy that drops `X-AUSERID`, or neither.
   */
  readonly userHeaders?: 'id-and-name' | 'name-only' | 'none';
  readonly users: readonly BitbucketUserSpec[];
  readonly tokens: readonly BitbucketTokenSpec[];
  readonly projects: readonly BitbucketProjectSpec[];
}

/** The scenario `npm run demo` and the examples use: one project with a few repos, one with 10,000. */
export function demoBitbucketDataCenterScenario(): BitbucketDataCenterScenario {
  return {
    version: '9.4.2',
    buildNumber: '9004002',
    displayName: 'Bitbucket',
    contextPath: '/bitbucket',
    users: [
      { name: 'alice', displayName: 'Alice Admin', email: 'alice@example.com' },
      { name: 'bob', displayName: 'Bob Builder', email: 'bob@example.com' },
      { name: 'carol', displayName: 'Carol Reader', email: 'carol@example.com' },
      { name: 'root', displayName: 'System Administrator', email: 'root@example.com', sysAdmin: true },
    ],
    tokens: [
      {
        value: 'bbdc-project-admin-token',
        name: 'scanner (admin)',
        scope: { type: 'project', projectKey: 'SHOP' },
        permissions: ['PROJECT_ADMIN', 'REPO_ADMIN'],
      },
      {
        value: 'bbdc-project-read-token',
        name: 'scanner (read)',
        scope: { type: 'project', projectKey: 'SHOP' },
        permissions: ['PROJECT_READ', 'REPO_READ'],
      },
      {
        value: 'bbdc-repo-write-token',
        name: 'web only',
        scope: { type: 'repository', projectKey: 'SHOP', slug: 'web' },
        permissions: ['REPO_WRITE'],
      },
      {
        value: 'bbdc-alice-token',
        name: 'alice personal',
        scope: { type: 'user', user: 'alice' },
        permissions: ['PROJECT_ADMIN', 'REPO_ADMIN'],
      },
      {
        value: 'bbdc-expired-token',
        name: 'old',
        scope: { type: 'project', projectKey: 'SHOP' },
        permissions: ['PROJECT_READ', 'REPO_READ'],
        expiresAt: '2020-01-01T00:00:00Z',
      },
      {
        value: 'bbdc-big-token',
        name: 'monorepo scanner',
        scope: { type: 'project', projectKey: 'BIG' },
        permissions: ['PROJECT_READ', 'REPO_READ'],
      },
    ],
    projects: [
      {
        key: 'SHOP',
        name: 'Shop',
        description: 'The web shop',
        members: [
          { user: 'alice', permission: 'PROJECT_ADMIN' },
          { user: 'bob', permission: 'PROJECT_WRITE' },
          { user: 'carol', permission: 'PROJECT_READ' },
        ],
        groups: [{ group: 'developers', permission: 'PROJECT_WRITE' }],
        repositories: [
          {
            slug: 'web',
            name: 'Web',
            files: { 'README.md': '# Web\n', 'src/app.ts': 'export const app = 1;\n' },
            branches: ['feature/login'],
            pullRequests: [
              {
                title: 'Add login',
                fromBranch: 'feature/login',
                author: 'bob',
                comments: [{ text: 'Looks good', author: 'alice' }],
              },
            ],
          },
          { slug: 'api', name: 'API', defaultBranch: 'master', files: { 'pom.xml': '<project/>\n' } },
          { slug: 'legacy', name: 'Legacy', archived: true },
          { slug: 'sandbox', name: 'Sandbox', empty: true },
        ],
        webhooks: [
          { name: 'ci', url: 'https://ci.example.com/hook', events: ['repo:refs_changed'], secret: 's3cret' },
        ],
      },
      { key: 'BIG', name: 'Monorepo farm', generatedRepositoryCount: 10_000 },
      { key: 'OPEN', name: 'Open source', public: true, repositories: [{ slug: 'docs' }] },
    ],
  };
}
