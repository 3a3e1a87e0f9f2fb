import type { ConnectBody } from '../../src/connections/input.js';
import {
  startAzureDevOpsTwin,
  type AzureDevOpsScenario,
  type AzureDevOpsTwin,
} from '../twins/azure-devops/index.js';
import {
  startBitbucketCloudTwin,
  type BitbucketCloudScenario,
  type BitbucketCloudTwin,
} from '../twins/bitbucket-cloud/index.js';
import {
  startBitbucketDataCenterTwin,
  type BitbucketDataCenterScenario,
  type BitbucketDataCenterTwin,
} from '../twins/bitbucket-data-center/index.js';
import { startGitLabTwin, type GitLabScenario, type GitLabTwin } from '../twins/gitlab/index.js';
import type { TwinServer } from '../twins/server/twin-server.js';

/** The five kinds that connect with an access token the admin pastes. */
export const tokenKinds = [
  'gitlab',
  'gitlab-self-managed',
  'bitbucket-cloud',
  'bitbucket-data-center',
  'azure-devops',
] as const;

export type TokenKind = (typeof tokenKinds)[number];

/** The kinds whose instance URL the admin types (and which therefore meet the address policy head-on). */
export const selfManagedKinds = ['gitlab-self-managed', 'bitbucket-data-center'] as const;

export type SelfManagedKind = (typeof selfManagedKinds)[number];

/** A repository name that is an XSS payload: the API must return it as the plain text it is (S26). */
export const hostileRepositoryName = '<img src=x onerror=alert(1)>';

export interface KitOptions {
  /** Serve HTTPS with the test CA's certificate (`testCaPem()`). */
  readonly tls?: boolean;
  /** Add this many generated repositories to the connected target ("a group with 10,000 projects"). */
  readonly generatedRepositories?: number;
}

/** Overrides for the Connect body a kit builds. */
export interface ConnectOverrides {
  readonly token?: string;
  readonly target?: string;
  readonly baseUrl?: string;
  readonly caPem?: string;
  readonly name?: string;
}

/**
 * One SCM kind with its twin running: tokens of each sort, the target the good token reaches, and what its
 * listing holds, so that a behaviour is one table-driven test over the five kinds.
 */
export interface TwinKit {
  readonly kind: TokenKind;
  readonly selfManaged: boolean;
  readonly twin: TwinServer;
  /** What an admin types as the instance URL (self-managed kinds; the cloud endpoint otherwise). */
  readonly baseUrl: string;
  /** The API path an admin may paste after the URL (`/api/v4`, `/rest/api/1.0`); empty for cloud kinds. */
  readonly apiSuffix: string;
  /** Environment for `startTestService` pointing the cloud endpoint of this kind at the twin. */
  readonly env: Readonly<Record<string, string>>;
  /** The group / workspace / project key / organization the good token reaches. */
  readonly target: string;
  readonly unknownTarget: string;
  readonly tokens: {
    /** Reaches the target with every scope the connection needs. */
    readonly good: string;
    /** A second good token (rotation). */
    readonly other: string;
    /** Never issued. */
    readonly bad: string;
    readonly expired: string;
    /** Valid but lacks what listing repositories needs; call `arrangeInsufficientScope` first. */
    readonly insufficient: string;
  };
  /** Words an `insufficient_scopes` message must contain (what is missing). */
  readonly missingScopeWords: readonly string[];
  /** Makes the twin answer the insufficient token the way the real SCM does (a no-op where it models it). */
  arrangeInsufficientScope(): void;
  /** Repositories of the target the good token sees: the listing's full size. */
  readonly repositoryCount: number;
  readonly archivedCount: number;
  /** Full name of a repository outside the target, which no sync may bring in. */
  readonly outsiderFullName: string;
  /** The `name` of one repository that `renameRepository` renames. */
  readonly renameFrom: string;
  readonly renameTo: string;
  /** Renames that repository on the twin (its stable id stays). */
  renameRepository(): void;
  /** Undoes `renameRepository`. */
  restoreRepository(): void;
  /** Full name of the target's `website` repository, the one `commitFiles` writes to. */
  readonly filesRepository: string;
  /**
   * Commits `files` (path → content; other files kept) to that repository's `main` branch the way the twin's
   * control methods push (the twin's webhooks are delivered); resolves with the new commit's id.
   */
  commitFiles(files: Readonly<Record<string, string>>): Promise<string>;
  connectBody(overrides?: ConnectOverrides): ConnectBody;
  close(): Promise<void>;
}

/** Starts the twin of `kind` and wraps it in a kit. */
export async function startKit(kind: TokenKind, options: KitOptions = {}): Promise<TwinKit> {
  switch (kind) {
    case 'gitlab':
    case 'gitlab-self-managed':
      return gitLabKit(kind, options);
    case 'bitbucket-cloud':
      return bitbucketCloudKit(options);
    case 'bitbucket-data-center':
      return bitbucketDataCenterKit(options);
    case 'azure-devops':
      return azureDevOpsKit(options);
  }
}

/** Starts one kit per kind at once; `env` merges what the service needs to reach the cloud twins. */
export async function startKits(
  kinds: readonly TokenKind[] = tokenKinds,
  options: KitOptions = {},
): Promise<{ kits: Record<TokenKind, TwinKit>; env: Record<string, string>; close(): Promise<void> }> {
  const started = await Promise.all(kinds.map((kind) => startKit(kind, options)));
  const kits = Object.fromEntries(started.map((kit) => [kit.kind, kit])) as Record<TokenKind, TwinKit>;
  const env = Object.assign({}, ...started.map((kit) => kit.env)) as Record<string, string>;
  return { kits, env, close: async () => void (await Promise.all(started.map((kit) => kit.close()))) };
}

/**
 * Renames a record of a twin's state in place, so every index that holds it sees the new name. The twins
 * mark names readonly because their API never renames; the test does, as an admin would in the SCM.
 */
function renameRecord(record: object, fields: Record<string, string>): void {
  Object.assign(record, fields);
}

function rekey<V>(map: Map<string, V>, from: string, to: string): void {
  const value = map.get(from);
  if (value === undefined) throw new Error(`twin kit: nothing at ${from}`);
  map.delete(from);
  map.set(to, value);
}

// ---------------------------------------------------------------------------------------------------------------
// GitLab Cloud and Self-Managed

function gitLabScenario(generated: number | undefined): GitLabScenario {
  return {
    users: [
      { id: 1, username: 'root', name: 'Administrator', admin: true },
      { id: 11, username: 'alice', name: 'Alice Owner' },
      { id: 14, username: 'dave', name: 'Dave Outsider' },
    ],
    tokens: [
      { value: 'glpat-kit-good-api', user: 'alice', scopes: ['api'] },
      { value: 'glpat-kit-other-api', user: 'alice', scopes: ['api'] },
      { value: 'glpat-kit-read-api', user: 'alice', scopes: ['read_api'] },
      { value: 'glpat-kit-expired', user: 'alice', scopes: ['api'], expiresAt: '2020-01-01' },
    ],
    groups: [
      {
        id: 100,
        path: 'acme',
        name: 'Acme',
        members: [{ user: 'alice', accessLevel: 50 }],
        projects: [
          { id: 1000, path: 'website', defaultBranch: 'main' },
          { id: 1001, path: 'legacy', archived: true },
          { id: 1002, path: 'hostile', name: hostileRepositoryName },
        ],
        ...(generated ? { generatedProjects: { count: generated, prefix: 'bulk' } } : {}),
      },
      {
        id: 101,
        path: 'backend',
        parent: 'acme',
        projects: [{ id: 1010, path: 'api', defaultBranch: 'develop' }],
      },
      {
        id: 200,
        path: 'other-corp',
        members: [{ user: 'dave', accessLevel: 50 }],
        projects: [{ id: 2000, path: 'secret' }],
      },
    ],
  };
}

async function gitLabKit(kind: 'gitlab' | 'gitlab-self-managed', options: KitOptions): Promise<TwinKit> {
  const twin: GitLabTwin = await startGitLabTwin(gitLabScenario(options.generatedRepositories), {
    ...(options.tls ? { tls: true } : {}),
  });
  const rename = (path: string, to: string) => {
    const project = twin.project(`acme/${path}`);
    renameRecord(project, { path: to, name: to });
  };
  const selfManaged = kind === 'gitlab-self-managed';
  return {
    kind,
    selfManaged,
    twin,
    baseUrl: twin.url,
    apiSuffix: selfManaged ? '/api/v4' : '',
    env: selfManaged ? {} : { SCM_CONNECT_GITLAB_URL: twin.url },
    target: 'acme',
    unknownTarget: 'no-such-group',
    tokens: {
      good: 'glpat-kit-good-api',
      other: 'glpat-kit-other-api',
      bad: 'glpat-kit-never-issued',
      expired: 'glpat-kit-expired',
      insufficient: 'glpat-kit-read-api',
    },
    missingScopeWords: ['read_api', 'api'],
    arrangeInsufficientScope: () => undefined,
    repositoryCount: 4 + (options.generatedRepositories ?? 0),
    archivedCount: 1,
    outsiderFullName: 'other-corp/secret',
    renameFrom: 'website',
    renameTo: 'storefront',
    renameRepository: () => rename('website', 'storefront'),
    restoreRepository: () => rename('storefront', 'website'),
    filesRepository: 'acme/website',
    async commitFiles(files) {
      await twin.push('acme/website', 'main', 'Change files', files);
      return twin.project('acme/website').branches.get('main')!.commit;
    },
    connectBody: (o = {}) =>
      selfManaged
        ? {
            kind,
            baseUrl: o.baseUrl ?? twin.url,
            group: o.target ?? 'acme',
            token: o.token ?? 'glpat-kit-good-api',
            ...(o.caPem === undefined ? {} : { caPem: o.caPem }),
            ...(o.name === undefined ? {} : { name: o.name }),
          }
        : {
            kind,
            group: o.target ?? 'acme',
            token: o.token ?? 'glpat-kit-good-api',
            ...(o.name === undefined ? {} : { name: o.name }),
          },
    close: () => twin.close(),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Bitbucket Cloud

function bitbucketCloudScenario(generated: number | undefined): BitbucketCloudScenario {
  const full = [
    'repository',
    'repository:write',
    'pullrequest',
    'pullrequest:write',
    'webhook',
    'account',
  ] as const;
  return {
    users: [{ accountId: '557058:alice', displayName: 'Alice Owner', nickname: 'alice' }],
    workspaces: [
      {
        slug: 'acme',
        name: 'Acme',
        projects: [{ key: 'WEB', name: 'Web' }],
        members: [{ user: '557058:alice', permission: 'owner' }],
        repositories: [
          { slug: 'website' },
          { slug: 'api', mainbranch: 'develop' },
          { slug: 'legacy' },
          { slug: 'hostile', name: hostileRepositoryName },
        ],
        ...(generated ? { generatedRepositories: { count: generated, prefix: 'bulk' } } : {}),
      },
      { slug: 'other', name: 'Other', repositories: [{ slug: 'secret' }] },
    ],
    accessTokens: [
      { value: 'bbwat-kit-good', kind: 'workspace', workspace: 'acme', scopes: full },
      { value: 'bbwat-kit-other', kind: 'workspace', workspace: 'acme', scopes: full },
      { value: 'bbwat-kit-account-only', kind: 'workspace', workspace: 'acme', scopes: ['account'] },
      {
        value: 'bbwat-kit-expired',
        kind: 'workspace',
        workspace: 'acme',
        scopes: full,
        expiresAt: '2020-01-01T00:00:00Z',
      },
    ],
  };
}

async function bitbucketCloudKit(options: KitOptions): Promise<TwinKit> {
  const twin: BitbucketCloudTwin = await startBitbucketCloudTwin(
    bitbucketCloudScenario(options.generatedRepositories),
    { ...(options.tls ? { tls: true } : {}) },
  );
  const rename = (from: string, to: string) => {
    const workspace = twin.workspace('acme');
    renameRecord(twin.repository('acme', from), { slug: to, name: to });
    rekey(workspace.repositories, from, to);
  };
  return {
    kind: 'bitbucket-cloud',
    selfManaged: false,
    twin,
    baseUrl: twin.url,
    apiSuffix: '',
    env: { SCM_CONNECT_BITBUCKET_API_URL: twin.url, SCM_CONNECT_BITBUCKET_WEB_URL: twin.url },
    target: 'acme',
    unknownTarget: 'no-such-workspace',
    tokens: {
      good: 'bbwat-kit-good',
      other: 'bbwat-kit-other',
      bad: 'bbwat-kit-never-issued',
      expired: 'bbwat-kit-expired',
      insufficient: 'bbwat-kit-account-only',
    },
    missingScopeWords: ['repository'],
    arrangeInsufficientScope: () => undefined,
    repositoryCount: 4 + (options.generatedRepositories ?? 0),
    archivedCount: 0,
    outsiderFullName: 'other/secret',
    renameFrom: 'website',
    renameTo: 'storefront',
    renameRepository: () => rename('website', 'storefront'),
    restoreRepository: () => rename('storefront', 'website'),
    filesRepository: 'acme/website',
    commitFiles: async (files) => twin.push('acme', 'website', 'main', files).after,
    connectBody: (o = {}) => ({
      kind: 'bitbucket-cloud',
      workspace: o.target ?? 'acme',
      token: o.token ?? 'bbwat-kit-good',
      ...(o.name === undefined ? {} : { name: o.name }),
    }),
    close: () => twin.close(),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Bitbucket Data Center

function bitbucketDataCenterScenario(generated: number | undefined): BitbucketDataCenterScenario {
  return {
    version: '9.4.2',
    contextPath: '/bitbucket',
    users: [{ name: 'alice', displayName: 'Alice Admin' }],
    tokens: [
      {
        value: 'bbdc-kit-good',
        scope: { type: 'project', projectKey: 'SHOP' },
        permissions: ['PROJECT_ADMIN', 'REPO_ADMIN'],
      },
      {
        value: 'bbdc-kit-other',
        scope: { type: 'project', projectKey: 'SHOP' },
        permissions: ['PROJECT_ADMIN', 'REPO_ADMIN'],
      },
      {
        value: 'bbdc-kit-view-only',
        scope: { type: 'project', projectKey: 'SHOP' },
        permissions: ['PROJECT_READ', 'REPO_READ'],
      },
      {
        value: 'bbdc-kit-expired',
        scope: { type: 'project', projectKey: 'SHOP' },
        permissions: ['PROJECT_READ', 'REPO_READ'],
        expiresAt: '2020-01-01T00:00:00Z',
      },
    ],
    projects: [
      {
        key: 'SHOP',
        id: 77,
        name: 'Shop',
        members: [{ user: 'alice', permission: 'PROJECT_ADMIN' }],
        repositories: [
          { slug: 'website', name: 'website' },
          { slug: 'api', name: 'api', defaultBranch: 'develop' },
          { slug: 'legacy', name: 'legacy', archived: true },
          { slug: 'hostile', name: hostileRepositoryName },
        ],
        ...(generated ? { generatedRepositoryCount: generated } : {}),
      },
      { key: 'OTHER', repositories: [{ slug: 'secret' }] },
    ],
  };
}

async function bitbucketDataCenterKit(options: KitOptions): Promise<TwinKit> {
  const twin: BitbucketDataCenterTwin = await startBitbucketDataCenterTwin(
    bitbucketDataCenterScenario(options.generatedRepositories),
    { ...(options.tls ? { tls: true } : {}) },
  );
  const api = `${twin.state.contextPath}/rest/api/1.0`;
  const rename = (from: string, to: string) => {
    const project = twin.state.projects.get('SHOP')!;
    const repo = twin.state.findRepo(project, from);
    if (!repo) throw new Error(`twin kit: no repository ${from}`);
    renameRecord(repo, { slug: to, name: to });
    rekey(project.repos, from, to);
    const index = project.explicitSlugs.indexOf(from);
    if (index >= 0) project.explicitSlugs[index] = to;
  };
  return {
    kind: 'bitbucket-data-center',
    selfManaged: true,
    twin,
    baseUrl: twin.baseUrl,
    apiSuffix: '/rest/api/1.0',
    env: {},
    target: 'SHOP',
    unknownTarget: 'NOPE',
    tokens: {
      good: 'bbdc-kit-good',
      other: 'bbdc-kit-other',
      bad: 'bbdc-kit-never-issued',
      expired: 'bbdc-kit-expired',
      insufficient: 'bbdc-kit-view-only',
    },
    missingScopeWords: ['PROJECT_READ'],
    // Data Center's answer to a token with PROJECT_VIEW but not PROJECT_READ, which the twin does not model.
    arrangeInsufficientScope: () => {
      twin.faults.next(
        {
          kind: 'status',
          status: 401,
          body: {
            errors: [
              {
                context: null,
                message: 'You are not permitted to access this resource',
                exceptionName: 'com.atlassian.bitbucket.AuthorisationException',
              },
            ],
          },
        },
        1,
        `${api}/projects/SHOP/repos`,
      );
    },
    repositoryCount: 4 + (options.generatedRepositories ?? 0),
    archivedCount: 1,
    outsiderFullName: 'OTHER/secret',
    renameFrom: 'website',
    renameTo: 'storefront',
    renameRepository: () => rename('website', 'storefront'),
    restoreRepository: () => rename('storefront', 'website'),
    filesRepository: 'SHOP/website',
    commitFiles: async (files) => twin.push('SHOP', 'website', 'main', files).after,
    connectBody: (o = {}) => ({
      kind: 'bitbucket-data-center',
      baseUrl: o.baseUrl ?? twin.baseUrl,
      projectKey: o.target ?? 'SHOP',
      token: o.token ?? 'bbdc-kit-good',
      ...(o.caPem === undefined ? {} : { caPem: o.caPem }),
      ...(o.name === undefined ? {} : { name: o.name }),
    }),
    close: () => twin.close(),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Azure DevOps

function azureDevOpsScenario(generated: number | undefined): AzureDevOpsScenario {
  return {
    users: [
      { principalName: 'alice@example.com', displayName: 'Alice Admin' },
      { principalName: 'dave@example.com', displayName: 'Dave Outsider' },
    ],
    pats: [
      { value: 'ado-kit-good', user: 'alice@example.com', scopes: 'full' },
      { value: 'ado-kit-other', user: 'alice@example.com', scopes: 'full' },
      { value: 'ado-kit-project-only', user: 'alice@example.com', scopes: ['vso.project'] },
      {
        value: 'ado-kit-expired',
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
            repositories: [
              { name: 'website' },
              { name: 'api', defaultBranch: 'refs/heads/develop' },
              { name: 'legacy', isDisabled: true },
              { name: hostileRepositoryName },
            ],
          },
          ...(generated ? [{ name: 'farm', generatedRepositoryCount: generated }] : []),
        ],
        members: [{ user: 'alice@example.com', collectionAdmin: true, license: 'advanced' }],
      },
      {
        name: 'fabrikam',
        projects: [{ name: 'Vault', repositories: [{ name: 'secret' }] }],
        members: [{ user: 'dave@example.com', collectionAdmin: true }],
      },
    ],
  };
}

async function azureDevOpsKit(options: KitOptions): Promise<TwinKit> {
  const twin: AzureDevOpsTwin = await startAzureDevOpsTwin(
    azureDevOpsScenario(options.generatedRepositories),
    {
      ...(options.tls ? { tls: true } : {}),
    },
  );
  const rename = (from: string, to: string) => {
    const project = twin.state.organizations.get('contoso')!.projects.find((p) => p.name === 'Shop')!;
    const repo = twin.state.findRepo(project, from);
    if (!repo) throw new Error(`twin kit: no repository ${from}`);
    renameRecord(repo, { name: to });
    rekey(project.repos, from.toLowerCase(), to.toLowerCase());
    const index = project.explicitRepoNames.indexOf(from.toLowerCase());
    if (index >= 0) project.explicitRepoNames[index] = to.toLowerCase();
  };
  return {
    kind: 'azure-devops',
    selfManaged: false,
    twin,
    baseUrl: twin.url,
    apiSuffix: '',
    env: { SCM_CONNECT_AZURE_DEVOPS_URL: twin.url },
    target: 'contoso',
    unknownTarget: 'no-such-org',
    tokens: {
      good: 'ado-kit-good',
      other: 'ado-kit-other',
      bad: 'ado-kit-never-issued',
      expired: 'ado-kit-expired',
      insufficient: 'ado-kit-project-only',
    },
    missingScopeWords: ['vso.code'],
    arrangeInsufficientScope: () => undefined,
    repositoryCount: 4 + (options.generatedRepositories ?? 0),
    archivedCount: 1,
    outsiderFullName: 'fabrikam/Vault/secret',
    renameFrom: 'website',
    renameTo: 'storefront',
    renameRepository: () => rename('website', 'storefront'),
    restoreRepository: () => rename('storefront', 'website'),
    filesRepository: 'contoso/Shop/website',
    async commitFiles(files) {
      await twin.push('contoso', 'Shop', 'website', 'main', files);
      const shop = twin.state.findProject(twin.state.organizations.get('contoso')!, 'Shop')!;
      return twin.state.findRepo(shop, 'website')!.refs.get('refs/heads/main')!;
    },
    connectBody: (o = {}) => ({
      kind: 'azure-devops',
      organization: o.target ?? 'contoso',
      token: o.token ?? 'ado-kit-good',
      ...(o.name === undefined ? {} : { name: o.name }),
    }),
    close: () => twin.close(),
  };
}
