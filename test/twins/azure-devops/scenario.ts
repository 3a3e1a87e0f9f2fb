export interface AzureDevOpsUserSpec {
  /** Sign-in name, e.g. `alice@example.com`; also how the scenario refers to the user. */
  readonly principalName: string;
  readonly displayName?: string;
  readonly id?: string;
}

export interface AzureDevOpsPatSpec {
  /** The secret, sent as the password of `Authorization: Basic base64(":" + pat)`. */
  readonly value: string;
  readonly user: string;
  /** E.g. `vso.code`, `vso.code_write`, `vso.project`, `vso.graph`; `full` for full access. */
  readonly scopes: readonly string[] | 'full';
  /** ISO date; past it the PAT answers like an unknown one. */
  readonly expiresAt?: string;
  /** Organizations the PAT was created for; default all of them. */
  readonly organizations?: 'all' | readonly string[];
}

export interface AzureDevOpsThreadSpec {
  readonly status?: 'active' | 'fixed' | 'wontFix' | 'closed' | 'byDesign' | 'pending';
  readonly comments: readonly { readonly author: string; readonly content: string }[];
  readonly threadContext?: {
    readonly filePath: string;
    readonly rightFileStart?: { readonly line: number; readonly offset: number };
  };
}

export interface AzureDevOpsPullRequestSpec {
  readonly title: string;
  readonly description?: string;
  readonly sourceRefName: string;
  readonly targetRefName?: string;
  readonly createdBy: string;
  readonly status?: 'active' | 'completed' | 'abandoned';
  readonly isDraft?: boolean;
  readonly threads?: readonly AzureDevOpsThreadSpec[];
}

export interface AzureDevOpsRepositorySpec {
  readonly name: string;
  readonly id?: string;
  /** Default `refs/heads/main`. */
  readonly defaultBranch?: string;
  /** Further branch names (`refs/heads/…`), created from the default branch. */
  readonly branches?: readonly string[];
  readonly isDisabled?: boolean;
  /** Files on the default branch, path (leading slash) → content. */
  readonly files?: Readonly<Record<string, string>>;
  readonly pullRequests?: readonly AzureDevOpsPullRequestSpec[];
  /** No commit and no branch yet (the answer then has no `defaultBranch`). */
  readonly empty?: boolean;
  /** Created as a fork of another repository (`isFork`). */
  readonly isFork?: boolean;
  /** Branches (`refs/heads/…`) with a policy that requires pull requests: direct pushes are refused (TF402455). */
  readonly policyBranches?: readonly string[];
}

export interface AzureDevOpsProjectSpec {
  readonly name: string;
  readonly id?: string;
  readonly description?: string;
  readonly visibility?: 'private' | 'public';
  readonly repositories?: readonly AzureDevOpsRepositorySpec[];
  /** Repositories `repo-00001` … generated on demand, so "10,000 repositories" costs nothing until used. */
  readonly generatedRepositoryCount?: number;
}

export type AzureDevOpsProjectRole = 'projectReader' | 'projectContributor' | 'projectAdministrator';

export interface AzureDevOpsMemberSpec {
  readonly user: string;
  /** `accessLevel.accountLicenseType`; default `express` (Basic). */
  readonly license?: 'stakeholder' | 'express' | 'advanced' | 'professional';
  /**
   * Direct member of Project Collection Administrators. Members of that group, directly or through groups
   * (`groups`), see every project and may manage service hooks.
   */
  readonly collectionAdmin?: boolean;
  /** Project name → role (a member of that project's Readers, Contributors or Project Administrators). */
  readonly projects?: Readonly<Record<string, AzureDevOpsProjectRole>>;
  /** Collection groups (names from the organization's `groups`) the user is a direct member of. */
  readonly groups?: readonly string[];
}

/** A collection-level Azure DevOps group, `[{org}]\{name}`. */
export interface AzureDevOpsGroupSpec {
  readonly name: string;
  readonly description?: string;
  /** Collection groups this group is a direct member of, e.g. `Project Collection Administrators`. */
  readonly memberOf?: readonly string[];
  /** A licensing group rule on the group: its members' entitlements list it under `groupAssignments`. */
  readonly licenseRule?: 'stakeholder' | 'express' | 'advanced';
}

export interface AzureDevOpsHookSpec {
  readonly eventType: string;
  readonly url: string;
  readonly projectId?: string;
  readonly httpHeaders?: string;
}

export interface AzureDevOpsOrganizationSpec {
  readonly name: string;
  readonly id?: string;
  readonly projects: readonly AzureDevOpsProjectSpec[];
  /** Empty projects `project-0001` … appended to the list, to exercise continuation tokens. */
  readonly generatedProjectCount?: number;
  readonly members: readonly AzureDevOpsMemberSpec[];
  /** Groups besides the built-in ones (Project Collection Administrators, Project Collection Valid Users). */
  readonly groups?: readonly AzureDevOpsGroupSpec[];
  readonly hookSubscriptions?: readonly AzureDevOpsHookSpec[];
}

/** Everything an Azure DevOps twin starts with. */
export interface AzureDevOpsScenario {
  readonly users: readonly AzureDevOpsUserSpec[];
  readonly pats: readonly AzureDevOpsPatSpec[];
  readonly organizations: readonly AzureDevOpsOrganizationSpec[];
  /**
   * How a missing, bad or expired PAT is answered. `by-header` (default): 401 with `WWW-Authenticate` when the
   * request carries `X-TFS-FedAuthRedirect: Suppress` (azure-devops-node-api sends it), otherwise 203 with an
   * HTML sign-in page, as Azure DevOps does for browser-like calls. `203` / `401` force one answer.
   */
  readonly badCredentialAnswer?: 'by-header' | '203' | '401';
  /** Status for an organization that does not exist; default 404 (unverified against the live service). */
  readonly unknownOrganizationStatus?: 404 | 401;
  /** Graph users and groups per answer before a continuation token (undocumented by the service); default 500. */
  readonly graphPageSize?: number;
}

/** The scenario `npm run demo` uses: a small organization and one with 10,000 repositories. */
export function demoAzureDevOpsScenario(): AzureDevOpsScenario {
  return {
    users: [
      { principalName: 'alice@example.com', displayName: 'Alice Admin' },
      { principalName: 'bob@example.com', displayName: 'Bob Builder' },
      { principalName: 'carol@example.com', displayName: 'Carol Reader' },
      { principalName: 'dave@example.com', displayName: 'Dave Delegate' },
    ],
    pats: [
      { value: 'ado-full-pat', user: 'alice@example.com', scopes: 'full' },
      {
        value: 'ado-scanner-pat',
        user: 'alice@example.com',
        scopes: [
          'vso.code_write',
          'vso.code_status',
          'vso.project',
          'vso.graph',
          'vso.memberentitlementmanagement',
          'vso.profile',
        ],
        organizations: ['contoso'],
      },
      { value: 'ado-code-read-pat', user: 'carol@example.com', scopes: ['vso.code', 'vso.project'] },
      { value: 'ado-bob-pat', user: 'bob@example.com', scopes: ['vso.code_write', 'vso.project'] },
      { value: 'ado-carol-write-pat', user: 'carol@example.com', scopes: ['vso.code_write', 'vso.project'] },
      {
        value: 'ado-expired-pat',
        user: 'alice@example.com',
        scopes: 'full',
        expiresAt: '2020-01-01T00:00:00Z',
      },
    ],
    organizations: [
      {
        name: 'contoso',
        projects: [
          {
            name: 'Shop',
            description: 'The web shop',
            repositories: [
              {
                name: 'web',
                files: { '/README.md': '# Web\n', '/src/app.ts': 'export const app = 1;\n' },
                branches: ['refs/heads/feature/login'],
                pullRequests: [
                  {
                    title: 'Add login',
                    sourceRefName: 'refs/heads/feature/login',
                    createdBy: 'bob@example.com',
                    threads: [{ comments: [{ author: 'alice@example.com', content: 'Looks good' }] }],
                  },
                ],
              },
              { name: 'api', defaultBranch: 'refs/heads/master' },
              { name: 'old', isDisabled: true },
            ],
          },
          { name: 'Internal', visibility: 'private', repositories: [{ name: 'secrets' }] },
        ],
        generatedProjectCount: 250,
        members: [
          { user: 'alice@example.com', collectionAdmin: true, license: 'advanced' },
          { user: 'bob@example.com', projects: { Shop: 'projectContributor' } },
          {
            user: 'carol@example.com',
            license: 'stakeholder',
            projects: { Shop: 'projectReader' },
            groups: ['Stakeholders'],
          },
          { user: 'dave@example.com', groups: ['Security Leads'] },
        ],
        groups: [
          { name: 'Security Leads', memberOf: ['Project Collection Administrators'] },
          { name: 'Stakeholders', licenseRule: 'stakeholder' },
        ],
      },
      {
        name: 'bigorg',
        projects: [{ name: 'monorepo-farm', generatedRepositoryCount: 10_000 }],
        members: [{ user: 'alice@example.com', collectionAdmin: true }],
      },
    ],
  };
}
