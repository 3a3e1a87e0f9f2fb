/** Token scopes the twin knows; GitLab accepts more, these are the ones scm-connect meets. */
export type GitLabScope =
  | 'api'
  | 'read_api'
  | 'read_user'
  | 'read_repository'
  | 'write_repository'
  | 'self_rotate'
  | 'sudo'
  | 'admin_mode'
  | 'openid'
  | 'profile'
  | 'email';

/** `10` Guest, `20` Reporter, `30` Developer, `40` Maintainer, `50` Owner (`5` minimal access, `15` Planner). */
export type GitLabAccessLevel = 5 | 10 | 15 | 20 | 30 | 40 | 50;

export type GitLabVisibility = 'private' | 'internal' | 'public';

export interface GitLabUserSeed {
  readonly id: number;
  readonly username: string;
  readonly name?: string;
  readonly email?: string;
  /** Group and project access tokens act through a bot user. */
  readonly bot?: boolean;
  /** Instance administrators see every group and project. */
  readonly admin?: boolean;
  /** Password for the twin's web sign-in page (`/users/sign_in`); absent: the person cannot sign in there. */
  readonly password?: string;
  /**
   * Default `active`. A `blocked` user cannot sign in and their tokens answer 403; a `deactivated` one is
   * reactivated by signing in on the web, as GitLab does.
   */
  readonly state?: GitLabUserState;
}

export type GitLabUserState = 'active' | 'blocked' | 'deactivated';

export interface GitLabTokenSeed {
  readonly value: string;
  readonly id?: number;
  readonly name?: string;
  /** Username of the user (or bot user) the token acts as. */
  readonly user: string;
  readonly scopes: readonly GitLabScope[];
  /** `YYYY-MM-DD`; the token stops working on that day. `null`/absent: never expires. */
  readonly expiresAt?: string | null;
  readonly revoked?: boolean;
  readonly kind?: 'personal' | 'group' | 'project';
  /** Requests per minute this token may make before the twin answers 429 (no limit when absent). */
  readonly requestsPerMinute?: number;
}

export interface GitLabMemberSeed {
  readonly user: string;
  readonly accessLevel: GitLabAccessLevel;
  readonly expiresAt?: string | null;
  /** `membership_state`: `awaiting` for a member waiting for a seat (or an Owner's approval). Default `active`. */
  readonly state?: 'active' | 'awaiting';
}

/** A pending invitation of an email address (not a member until accepted). */
export interface GitLabInvitationSeed {
  readonly email: string;
  readonly accessLevel: GitLabAccessLevel;
  readonly expiresAt?: string | null;
  /** Username of who invited; default: the group's first Owner. */
  readonly invitedBy?: string;
}

/** An OAuth application ("Applications" of a user, group or the instance) people authorize. */
export interface GitLabOAuthApplicationSeed {
  /** The application ID (`client_id`); 64 hex digits are generated when absent. */
  readonly uid?: string;
  /** The secret (`client_secret`); a `gloas-…` value is generated when absent. */
  readonly secret?: string;
  readonly name?: string;
  /** Redirect URIs; `redirect_uri` must equal one of them exactly. */
  readonly redirectUris: readonly string[];
  /** The scopes the application may ask for (`read_user`, `openid`, `api`…). */
  readonly scopes: readonly GitLabScope[];
  /** Default `true` (the application keeps its secret); a public client must use PKCE. */
  readonly confidential?: boolean;
}

export interface GitLabNoteSeed {
  readonly author: string;
  readonly body: string;
  readonly system?: boolean;
}

export interface GitLabMergeRequestSeed {
  readonly iid: number;
  readonly title: string;
  readonly description?: string;
  readonly author: string;
  readonly sourceBranch: string;
  readonly targetBranch: string;
  readonly state?: 'opened' | 'closed' | 'merged';
  /** Files (path → content) committed on the source branch before the merge request is opened: its diff. */
  readonly sourceFiles?: Readonly<Record<string, string>>;
  readonly notes?: readonly GitLabNoteSeed[];
}

export interface GitLabProjectSeed {
  readonly id?: number;
  readonly path: string;
  readonly name?: string;
  readonly defaultBranch?: string;
  readonly visibility?: GitLabVisibility;
  readonly archived?: boolean;
  /** Branch names besides the default branch. */
  readonly branches?: readonly string[];
  /** Files on the default branch, path → content. */
  readonly files?: Readonly<Record<string, string>>;
  readonly members?: readonly GitLabMemberSeed[];
  readonly mergeRequests?: readonly GitLabMergeRequestSeed[];
  /**
   * Branches other than the default that are protected: a name (Maintainers may push and merge) or a rule. The
   * default branch always is, Maintainers-only unless listed here with another rule.
   */
  readonly protectedBranches?: readonly (string | GitLabProtectedBranchSeed)[];
  /** An empty repository: no commit and no branch yet (`empty_repo: true`). */
  readonly empty?: boolean;
  /** `path_with_namespace` of a project seeded earlier that this one is a fork of. */
  readonly forkedFrom?: string;
  /** CI/CD variables of the project. */
  readonly variables?: readonly GitLabVariableSeed[];
}

/** A protected branch rule: `pushAccessLevel` 0 (no one), 30 (Developers + Maintainers) or 40 (Maintainers). */
export interface GitLabProtectedBranchSeed {
  readonly name: string;
  readonly pushAccessLevel: 0 | 30 | 40;
  readonly mergeAccessLevel?: 0 | 30 | 40;
}

export interface GitLabVariableSeed {
  readonly key: string;
  readonly value: string;
  readonly masked?: boolean;
  readonly protected?: boolean;
}

export interface GitLabHookSeed {
  readonly url: string;
  readonly token?: string;
  readonly events?: readonly string[];
}

export interface GitLabGroupSeed {
  readonly id: number;
  readonly path: string;
  readonly name?: string;
  /** Full path of the parent group; absent for a top-level group. */
  readonly parent?: string;
  readonly visibility?: GitLabVisibility;
  readonly members?: readonly GitLabMemberSeed[];
  readonly projects?: readonly GitLabProjectSeed[];
  /**
   * Adds `count` generated projects (`{prefix}-00001` …) so a scenario can describe "a group with 10,000
   * projects" in one line; every `archivedEvery`-th one is archived.
   */
  readonly generatedProjects?: {
    readonly count: number;
    readonly prefix?: string;
    readonly archivedEvery?: number;
  };
  readonly hooks?: readonly GitLabHookSeed[];
  /** Pending invitations: `GET /groups/:id/invitations`, never in the member lists. */
  readonly invitations?: readonly GitLabInvitationSeed[];
  /** Default `premium`; on `free`, group webhooks answer 404 as GitLab does without the feature. */
  readonly plan?: 'free' | 'premium' | 'ultimate';
}

/** Everything a GitLab twin starts with. Users and tokens refer to each other by username. */
export interface GitLabScenario {
  readonly users: readonly GitLabUserSeed[];
  readonly tokens: readonly GitLabTokenSeed[];
  readonly groups: readonly GitLabGroupSeed[];
  /** The day the twin believes it is (`YYYY-MM-DD`), for token expiry; defaults to the real date. */
  readonly today?: string;
  /** OAuth applications for "Sign in with GitLab" (also `twin.registerOAuthApplication` after start). */
  readonly oauthApplications?: readonly GitLabOAuthApplicationSeed[];
}

/** A small organisation: a top-level group with subgroups, members at every level, an MR with notes. */
export function demoGitLabScenario(): GitLabScenario {
  return {
    users: [
      { id: 1, username: 'root', name: 'Administrator', admin: true },
      { id: 11, username: 'alice', name: 'Alice Owner', email: 'alice@example.com', password: 'alice-pass' },
      { id: 12, username: 'bob', name: 'Bob Developer', email: 'bob@example.com', password: 'bob-pass' },
      {
        id: 13,
        username: 'carol',
        name: 'Carol Reporter',
        email: 'carol@example.com',
        password: 'carol-pass',
      },
      { id: 14, username: 'dave', name: 'Dave Outsider', email: 'dave@example.com', password: 'dave-pass' },
      { id: 90, username: 'group_100_bot_scm', name: 'scm-connect', bot: true },
    ],
    tokens: [
      { value: 'glpat-demo-alice-api', id: 1001, name: 'scm-connect', user: 'alice', scopes: ['api'] },
      { value: 'glpat-demo-alice-readapi', id: 1002, name: 'read only', user: 'alice', scopes: ['read_api'] },
      { value: 'glpat-demo-alice-readuser', id: 1003, name: 'profile', user: 'alice', scopes: ['read_user'] },
      { value: 'glpat-demo-bob-api', id: 1004, name: 'bob', user: 'bob', scopes: ['api'] },
      { value: 'glpat-demo-dave-api', id: 1005, name: 'dave', user: 'dave', scopes: ['api'] },
      {
        value: 'glpat-demo-expired',
        id: 1006,
        name: 'old',
        user: 'alice',
        scopes: ['api'],
        expiresAt: '2020-01-01',
      },
      {
        value: 'glpat-demo-revoked',
        id: 1007,
        name: 'leaked',
        user: 'alice',
        scopes: ['api'],
        revoked: true,
      },
      {
        value: 'glgat-demo-group-bot',
        id: 1008,
        name: 'scm-connect group token',
        user: 'group_100_bot_scm',
        scopes: ['api'],
        kind: 'group',
        expiresAt: '2099-12-31',
      },
    ],
    groups: [
      {
        id: 100,
        path: 'acme',
        name: 'Acme',
        members: [
          { user: 'alice', accessLevel: 50 },
          { user: 'carol', accessLevel: 20 },
          { user: 'group_100_bot_scm', accessLevel: 40 },
        ],
        projects: [
          {
            id: 1000,
            path: 'website',
            defaultBranch: 'main',
            members: [{ user: 'bob', accessLevel: 30 }],
            files: { 'README.md': '# Website\n', 'src/index.ts': 'export const x = 1;\n' },
            branches: ['feature/login'],
            mergeRequests: [
              {
                iid: 1,
                title: 'Add login',
                author: 'bob',
                sourceBranch: 'feature/login',
                targetBranch: 'main',
                sourceFiles: { 'src/index.ts': 'export const login = true;\nexport const x = 1;\n' },
                notes: [{ author: 'carol', body: 'Looks good' }],
              },
            ],
          },
          { id: 1001, path: 'legacy', archived: true },
        ],
        hooks: [
          { url: 'https://hooks.example.com/gitlab', token: 'demo-hook-secret', events: ['push_events'] },
        ],
      },
      {
        id: 101,
        path: 'backend',
        parent: 'acme',
        members: [{ user: 'bob', accessLevel: 30 }],
        projects: [{ id: 1010, path: 'api', defaultBranch: 'main', files: { 'go.mod': 'module api\n' } }],
      },
      {
        id: 102,
        path: 'services',
        parent: 'acme/backend',
        members: [{ user: 'carol', accessLevel: 40 }],
        projects: [{ id: 1020, path: 'billing', defaultBranch: 'develop' }],
      },
      {
        id: 200,
        path: 'other-corp',
        members: [{ user: 'dave', accessLevel: 50 }],
        projects: [{ id: 2000, path: 'secret' }],
      },
    ],
    // "Sign in with GitLab" for scm-connect served at http://127.0.0.1:8080 (`npm run demo`).
    oauthApplications: [
      {
        uid: 'demo-gitlab-sign-in-application-id',
        secret: 'gloas-demo-gitlab-sign-in-secret',
        name: 'scm-connect (demo)',
        redirectUris: ['http://127.0.0.1:8080/auth/gitlab/callback'],
        scopes: ['read_user'],
      },
    ],
  };
}
