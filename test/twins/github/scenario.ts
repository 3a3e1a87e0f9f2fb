/** Permission levels as GitHub names them in `default_permissions` and installation `permissions`. */
export type PermissionLevel = 'read' | 'write' | 'admin';
export type Permissions = Readonly<Record<string, PermissionLevel>>;

export interface ScenarioUser {
  readonly login: string;
  readonly id: number;
  readonly name?: string;
  readonly email?: string;
  /** Password for the twin's web sign-in page. */
  readonly password?: string;
  readonly site_admin?: boolean;
}

export interface ScenarioRepo {
  readonly name: string;
  readonly id?: number;
  readonly default_branch?: string;
  readonly private?: boolean;
  readonly archived?: boolean;
  /** A fork (listed with `fork: true`). */
  readonly fork?: boolean;
  /**
   * The default branch refuses direct pushes: `classic` (a branch protection rule requiring pull requests) or
   * `ruleset` (a repository ruleset with the "Require a pull request" rule).
   */
  readonly protection?: 'classic' | 'ruleset';
  readonly description?: string;
  /** Files on the default branch, path → text. */
  readonly files?: Readonly<Record<string, string>>;
  /** Created without any commit: no branch yet (the git database answers 409 until a first file is written). */
  readonly empty?: boolean;
  /** Direct collaborators (outside collaborators of an organization's repository) and their roles. */
  readonly collaborators?: readonly {
    readonly login: string;
    readonly role: 'read' | 'triage' | 'write' | 'maintain' | 'admin';
  }[];
}

export interface ScenarioOrg {
  readonly login: string;
  readonly id: number;
  readonly name?: string;
  readonly description?: string;
  readonly members?: readonly { readonly login: string; readonly role: 'admin' | 'member' }[];
  /**
   * Pending invitations (`GET /orgs/{org}/memberships/{username}` answers `state: "pending"`); not in
   * `/orgs/{org}/members`. The inviter is the organization's first owner.
   */
  readonly invitations?: readonly { readonly login: string; readonly role?: 'admin' | 'member' }[];
  readonly repos?: readonly ScenarioRepo[];
  /** Extra generated repositories `${prefix}-00001` … (cheap way to get an org with 10,000 repos). */
  readonly generatedRepos?: { readonly count: number; readonly prefix?: string; readonly private?: boolean };
}

export interface ScenarioApp {
  readonly id: number;
  readonly slug: string;
  readonly name?: string;
  readonly description?: string;
  readonly client_id: string;
  readonly client_secret: string;
  /** PKCS#1 or PKCS#8 PEM; a 2048-bit key is generated when absent. */
  readonly private_key?: string;
  readonly webhook_secret?: string;
  readonly webhook_url?: string;
  readonly permissions: Permissions;
  readonly events?: readonly string[];
  /** Login of the owning org or user. */
  readonly owner: string;
  readonly setup_url?: string;
  readonly callback_urls?: readonly string[];
  readonly setup_on_update?: boolean;
  readonly request_oauth_on_install?: boolean;
  readonly public?: boolean;
}

export interface ScenarioInstallation {
  readonly id: number;
  /** App slug. */
  readonly app: string;
  /** Login of the org (or user) the app is installed on. */
  readonly account: string;
  readonly repository_selection: 'all' | 'selected';
  /** Repository names when the selection is `selected`. */
  readonly repositories?: readonly string[];
  readonly suspended?: boolean;
  /** Defaults to the app's permissions. */
  readonly permissions?: Permissions;
}

export interface ScenarioDiffFile {
  readonly filename: string;
  readonly status?: 'added' | 'removed' | 'modified' | 'renamed';
  /** Unified diff hunk(s) without the `diff --git` header. */
  readonly patch: string;
}

export interface ScenarioPullRequest {
  /** `owner/name`. */
  readonly repo: string;
  readonly number?: number;
  readonly title: string;
  readonly body?: string;
  readonly author: string;
  readonly head: string;
  readonly base?: string;
  readonly state?: 'open' | 'closed';
  readonly draft?: boolean;
  readonly files?: readonly ScenarioDiffFile[];
}

export interface ScenarioComment {
  readonly repo: string;
  readonly number: number;
  readonly author: string;
  readonly body: string;
}

/** Everything a GitHub twin starts with; the live state is built from it and then mutated by requests. */
export interface GitHubScenario {
  readonly users: readonly ScenarioUser[];
  readonly orgs: readonly ScenarioOrg[];
  readonly apps?: readonly ScenarioApp[];
  readonly installations?: readonly ScenarioInstallation[];
  readonly pullRequests?: readonly ScenarioPullRequest[];
  readonly comments?: readonly ScenarioComment[];
  /** Primary limit per token bucket per hour (default 5,000; 60 unauthenticated). `enabled: false` only sends headers. */
  readonly rateLimit?: { readonly limit?: number; readonly enabled?: boolean };
  /**
   * Content-creation secondary limits per installation (default 80 per minute, 500 per hour). A bench scales
   * the windows down with `minuteMs` / `hourMs` (e.g. `{perMinute: 80, minuteMs: 6000}`: 80 per 6 s).
   */
  readonly secondaryLimits?: {
    readonly perMinute?: number;
    readonly perHour?: number;
    readonly minuteMs?: number;
    readonly hourMs?: number;
  };
}

const scanPermissions: Permissions = {
  metadata: 'read',
  contents: 'write',
  pull_requests: 'write',
  issues: 'write',
  members: 'read',
  workflows: 'write',
  checks: 'write',
  secrets: 'write',
};

/** A small realistic scenario: two orgs, an admin and a developer, the scanner app installed on one org. */
export function demoGitHubScenario(): GitHubScenario {
  return {
    users: [
      { login: 'octo-admin', id: 1001, name: 'Octo Admin', email: 'admin@acme.test', password: 'admin-pass' },
      { login: 'dev-dana', id: 1002, name: 'Dana Developer', email: 'dana@acme.test', password: 'dana-pass' },
      { login: 'ops-omar', id: 1003, name: 'Omar Ops', email: 'omar@acme.test', password: 'omar-pass' },
      // Outside collaborators of acme/web-shop: one may write (push, triage by reply), one may only read.
      { login: 'wes-writer', id: 1004, name: 'Wes Writer', email: 'wes@partner.test', password: 'wes-pass' },
      {
        login: 'rita-reader',
        id: 1005,
        name: 'Rita Reader',
        email: 'rita@partner.test',
        password: 'rita-pass',
      },
    ],
    orgs: [
      {
        login: 'acme',
        id: 5001,
        name: 'Acme Corp',
        description: 'Acme product engineering',
        members: [
          { login: 'octo-admin', role: 'admin' },
          { login: 'dev-dana', role: 'member' },
          { login: 'ops-omar', role: 'member' },
        ],
        repos: [
          {
            name: 'web-shop',
            id: 7001,
            description: 'Storefront',
            files: {
              'README.md': '# web-shop\n',
              'src/app.js': "const q = req.query.id;\ndb.query('SELECT * FROM t WHERE id=' + q);\n",
            },
            collaborators: [
              { login: 'wes-writer', role: 'write' },
              { login: 'rita-reader', role: 'read' },
            ],
          },
          {
            name: 'payments',
            id: 7002,
            private: true,
            description: 'Payment service',
            files: { 'README.md': '# payments\n' },
          },
          { name: 'legacy-cms', id: 7003, archived: true, default_branch: 'master' },
        ],
      },
      {
        login: 'acme-labs',
        id: 5002,
        name: 'Acme Labs',
        members: [
          { login: 'octo-admin', role: 'admin' },
          { login: 'dev-dana', role: 'admin' },
        ],
        repos: [{ name: 'experiments', id: 7101 }],
      },
    ],
    apps: [
      {
        id: 3001,
        slug: 'acme-scanner',
        name: 'Acme Scanner',
        description: 'Code scanning for Acme',
        client_id: 'Iv23liAcmeScanner01',
        client_secret: 'acme-scanner-client-secret',
        webhook_secret: 'acme-scanner-webhook-secret',
        permissions: scanPermissions,
        events: [
          'pull_request',
          'pull_request_review_comment',
          'issue_comment',
          'push',
          'member',
          'membership',
          'organization',
        ],
        owner: 'acme',
        setup_url: 'http://127.0.0.1:8080/integrations/github/setup',
        callback_urls: ['http://127.0.0.1:8080/integrations/github/callback'],
        setup_on_update: true,
        request_oauth_on_install: true,
        public: true,
      },
    ],
    installations: [{ id: 4001, app: 'acme-scanner', account: 'acme', repository_selection: 'all' }],
    pullRequests: [
      {
        repo: 'acme/web-shop',
        number: 1,
        title: 'Add search endpoint',
        body: 'Adds /search.',
        author: 'dev-dana',
        head: 'feature/search',
        files: [
          {
            filename: 'src/app.js',
            status: 'modified',
            patch:
              "@@ -1,2 +1,3 @@\n const q = req.query.id;\n db.query('SELECT * FROM t WHERE id=' + q);\n+res.send(q);",
          },
        ],
      },
    ],
    comments: [{ repo: 'acme/web-shop', number: 1, author: 'ops-omar', body: 'Looks good to me.' }],
  };
}
