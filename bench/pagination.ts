/**
 * bench/pagination: how many requests it takes to list every repository, compared with the documented
 * minimum ceil(N / largest page size) (1 for an unpaginated answer), and how long it takes.
 *
 * Part 1 lists N repositories (N = 1, 100, 101, 10,000) through the HTTP layer's `paginate` with each API
 * family's strategy, against a twin that holds exactly N. Part 2 lists 10,000 repositories through each
 * provider's `listOrganizations` + `listRepositories`, with latency added to every twin answer (Bitbucket Data
 * Center's minimum adds one default-branch request per repository: its listing carries none; GitHub's adds the
 * one installation token the listing mints). The twins run
 * in this process on 127.0.0.1, so wall times include the twins' own work; "fetch ms" sends the same requests
 * again with a plain `fetch` to show that share. A request count other than the minimum, or an item count
 * other than N, is marked MISMATCH and makes the script exit non-zero.
 *
 *   npm run bench:pagination
 *   npx tsx bench/pagination.ts [--sizes 1,100,101,10000] [--repos 10000] [--latency 20]
 */
import { parseArgs } from 'node:util';
import { z, type ZodType } from 'zod';
import type { ScmKindId } from '../src/core/scm-kinds.js';
import { apiVersion, projectPageSize } from '../src/scm/azure-devops/client.js';
import { createAzureDevOpsProvider } from '../src/scm/azure-devops/index.js';
import { createBitbucketCloudProvider } from '../src/scm/bitbucket-cloud/index.js';
import { createBitbucketDataCenterProvider } from '../src/scm/bitbucket-data-center/index.js';
import type { CreateScmHttp, ProviderFactory } from '../src/scm/connection-settings.js';
import { createGitHubAppClients } from '../src/scm/github/app-clients.js';
import { createGitHubProvider } from '../src/scm/github/index.js';
import { createGitLabProvider } from '../src/scm/gitlab/index.js';
import type { ScmProvider } from '../src/scm/provider.js';
import {
  continuationTokenPagination,
  linkHeaderPagination,
  nextUrlPagination,
  startLimitPagination,
  type PaginationStrategy,
  type ScmRequest,
} from '../src/scm/http/index.js';
import { createTestScmHttp } from '../test/helpers/scm-http.js';
import { startAzureDevOpsTwin, type AzureDevOpsScenario } from '../test/twins/azure-devops/index.js';
import { startBitbucketCloudTwin, type BitbucketCloudScenario } from '../test/twins/bitbucket-cloud/index.js';
import {
  startBitbucketDataCenterTwin,
  type BitbucketDataCenterScenario,
} from '../test/twins/bitbucket-data-center/index.js';
import { startGitHubTwin, type GitHubScenario } from '../test/twins/github/index.js';
import { testPrivateKey } from '../test/twins/github/test-keys.js';
import { startGitLabTwin, type GitLabScenario } from '../test/twins/gitlab/index.js';
import type { TwinServer } from '../test/twins/server/twin-server.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1,100,101,10000' },
    repos: { type: 'string', default: '10000' },
    latency: { type: 'string', default: '20' },
  },
});
const sizes = args.sizes!.split(',').map((size) => Number(size));
const providerRepos = Number(args.repos);
const latencyMs = Number(args.latency);
if ([...sizes, providerRepos, latencyMs].some((value) => !Number.isInteger(value) || value < 0)) {
  throw new Error('--sizes, --repos and --latency take non-negative whole numbers.');
}

/** Largest page sizes: 100 is documented for GitHub, GitLab and Bitbucket Cloud; 1,000 is Data Center's default cap. */
const pageSize = { github: 100, gitlab: 100, bitbucketCloud: 100, dataCenter: 1000 } as const;

/** Sent by the Azure DevOps client so a refused PAT answers 401 rather than a sign-in page. */
const suppressRedirect = { 'x-tfs-fedauthredirect': 'Suppress' };

/** The credentials of the scenarios below, as each API takes them. */
const auth = {
  gitlab: { 'private-token': 'glpat-bench' },
  bitbucketCloud: { authorization: 'Bearer bbwat-bench' },
  dataCenter: { authorization: 'Bearer bbdc-bench' },
  azure: { authorization: `Basic ${Buffer.from(':ado-bench').toString('base64')}` },
} as const;

// ---------------------------------------------------------------------------------------------------------------
// Scenarios holding exactly n repositories

function githubScenario(n: number, privateKey: string): GitHubScenario {
  return {
    users: [{ login: 'bench-admin', id: 1001 }],
    orgs: [{ login: 'bench', id: 5001, generatedRepos: { count: n, prefix: 'svc', private: true } }],
    apps: [
      {
        id: 3001,
        slug: 'bench-scanner',
        client_id: 'Iv23liBenchScanner01',
        client_secret: 'bench-client-secret',
        private_key: privateKey,
        permissions: { metadata: 'read' },
        owner: 'bench',
      },
    ],
    installations: [{ id: 4001, app: 'bench-scanner', account: 'bench', repository_selection: 'all' }],
  };
}

/** Half the projects in the top-level group (id 400), half in a subgroup, so `include_subgroups` has to work. */
function gitlabScenario(n: number): GitLabScenario {
  const inSubgroup = Math.floor(n / 2);
  return {
    users: [{ id: 11, username: 'alice' }],
    tokens: [{ value: 'glpat-bench', user: 'alice', scopes: ['read_api'] }],
    groups: [
      {
        id: 400,
        path: 'bench',
        members: [{ user: 'alice', accessLevel: 30 }],
        generatedProjects: { count: n - inSubgroup, prefix: 'top' },
      },
      {
        id: 401,
        path: 'sub',
        parent: 'bench',
        ...(inSubgroup > 0 ? { generatedProjects: { count: inSubgroup, prefix: 'sub' } } : {}),
      },
    ],
  };
}

const bitbucketCloudScenario = (n: number): BitbucketCloudScenario => ({
  users: [],
  workspaces: [{ slug: 'bench', generatedRepositories: { count: n } }],
  accessTokens: [{ value: 'bbwat-bench', kind: 'workspace', workspace: 'bench', scopes: ['repository'] }],
});

const dataCenterScenario = (n: number): BitbucketDataCenterScenario => ({
  users: [],
  tokens: [
    {
      value: 'bbdc-bench',
      scope: { type: 'project', projectKey: 'BENCH' },
      permissions: ['PROJECT_READ', 'REPO_READ'],
    },
  ],
  projects: [{ key: 'BENCH', generatedRepositoryCount: n }],
});

/** Organization `bench`: `repositories[i]` repositories in project `Project-{i+1}`, then `emptyProjects` more. */
const azureScenario = (repositories: readonly number[], emptyProjects = 0): AzureDevOpsScenario => ({
  users: [{ principalName: 'bench@example.com' }],
  pats: [{ value: 'ado-bench', user: 'bench@example.com', scopes: ['vso.code', 'vso.project'] }],
  organizations: [
    {
      name: 'bench',
      projects: repositories.map((count, index) => ({
        name: `Project-${index + 1}`,
        generatedRepositoryCount: count,
      })),
      generatedProjectCount: emptyProjects,
      members: [{ user: 'bench@example.com', collectionAdmin: true }],
    },
  ],
});

/** A started twin and how to reach it. */
interface Started {
  readonly twin: TwinServer;
  readonly baseUrl: string;
  /** The credentials (and fixed headers) every request carries. */
  readonly headers: Readonly<Record<string, string>>;
}

// ---------------------------------------------------------------------------------------------------------------
// Part 1: the HTTP layer's pagination

interface Family {
  readonly name: string;
  /** Largest page size; undefined for an unpaginated answer. */
  readonly pageSize: number | undefined;
  start(n: number): Promise<Started>;
  readonly request: ScmRequest;
  readonly strategy: PaginationStrategy;
  /** Reads an item's id. */
  readonly item: ZodType<string | number>;
  readonly maxResponseBytes?: number;
}

const numericId = z.object({ id: z.number() }).transform((item) => item.id);
const guidId = z.object({ id: z.string() }).transform((item) => item.id);

/** Azure DevOps' `git/repositories`: one answer holding everything, so there is never a next page. */
const singleAnswer: PaginationStrategy = {
  firstQuery: () => ({}),
  read: (page) => ({
    items: z.object({ value: z.array(z.unknown()) }).parse(page.data).value,
    next: undefined,
  }),
};

function families(githubKey: string): Family[] {
  const gitlab = (mode: 'offset' | 'keyset'): Family => ({
    name: `GitLab (${mode})`,
    pageSize: pageSize.gitlab,
    start: async (n) => {
      const twin = await startGitLabTwin(gitlabScenario(n));
      return { twin, baseUrl: twin.url, headers: auth.gitlab };
    },
    // GET /api/v4/groups/:id/projects?include_subgroups=true&per_page=100, following Link rel="next"
    request: {
      path: '/api/v4/groups/400/projects',
      query: {
        include_subgroups: true,
        order_by: 'id',
        sort: 'asc',
        pagination: mode === 'keyset' ? 'keyset' : undefined,
      },
    },
    strategy: linkHeaderPagination({ perPage: pageSize.gitlab }),
    item: numericId,
  });
  const azureRequest = (path: string): ScmRequest => ({
    path,
    headers: suppressRedirect,
    query: { 'api-version': apiVersion },
  });

  return [
    {
      name: 'GitHub',
      pageSize: pageSize.github,
      start: async (n) => {
        const twin = await startGitHubTwin(githubScenario(n, githubKey));
        const headers = { authorization: `Bearer ${twin.createInstallationToken(4001)}` };
        return { twin, baseUrl: twin.apiUrl, headers };
      },
      // GET /orgs/{org}/repos?per_page=100, following Link rel="next"
      request: { path: '/orgs/bench/repos' },
      strategy: linkHeaderPagination({ perPage: pageSize.github }),
      item: numericId,
    },
    gitlab('offset'),
    gitlab('keyset'),
    {
      name: 'Bitbucket Cloud',
      pageSize: pageSize.bitbucketCloud,
      start: async (n) => {
        const twin = await startBitbucketCloudTwin(bitbucketCloudScenario(n));
        return { twin, baseUrl: twin.url, headers: auth.bitbucketCloud };
      },
      // GET /2.0/repositories/{workspace}?pagelen=100, following `next`
      request: { path: '/2.0/repositories/bench' },
      strategy: nextUrlPagination({ pagelen: pageSize.bitbucketCloud }),
      item: z.object({ uuid: z.string() }).transform((repo) => repo.uuid),
    },
    {
      name: 'Bitbucket DC',
      pageSize: pageSize.dataCenter,
      start: async (n) => {
        const twin = await startBitbucketDataCenterTwin(dataCenterScenario(n));
        return { twin, baseUrl: twin.baseUrl, headers: auth.dataCenter };
      },
      // GET /rest/api/1.0/projects/{KEY}/repos?limit=1000, then start=nextPageStart
      request: { path: '/rest/api/1.0/projects/BENCH/repos' },
      strategy: startLimitPagination({ limit: pageSize.dataCenter }),
      item: numericId,
    },
    {
      name: 'Azure DevOps projects',
      pageSize: projectPageSize,
      start: async (n) => {
        const twin = await startAzureDevOpsTwin(azureScenario([], n));
        return { twin, baseUrl: twin.url, headers: auth.azure };
      },
      // GET /{org}/_apis/projects?$top=1000, then continuationToken from x-ms-continuationtoken
      request: azureRequest('/bench/_apis/projects'),
      strategy: continuationTokenPagination({ top: projectPageSize }),
      item: guidId,
    },
    {
      name: 'Azure DevOps repos',
      pageSize: undefined,
      start: async (n) => {
        const twin = await startAzureDevOpsTwin(azureScenario([n]));
        return { twin, baseUrl: twin.url, headers: auth.azure };
      },
      // GET /{org}/{project}/_apis/git/repositories (one unpaginated answer)
      request: azureRequest('/bench/Project-1/_apis/git/repositories'),
      strategy: singleAnswer,
      item: guidId,
      // 10,000 repositories are about 9 MiB in one answer; the provider allows 64 MiB.
      maxResponseBytes: 64 * 1024 * 1024,
    },
  ];
}

interface Measured {
  readonly items: number;
  readonly distinct: number;
  readonly requests: number;
  readonly ms: number;
  /** The same requests sent again one by one with a plain `fetch`: the twin's and loopback's share of `ms`. */
  readonly fetchMs: number;
  /** Method, path and query of the first request, or `-` when none was sent. */
  readonly firstRequest: string;
}

/**
 * Drains `ids`, counting items, distinct ids and the requests the twin saw meanwhile; then sends those requests
 * again with a plain `fetch` and `headers`, to tell the time spent in our client from the twin's.
 */
async function measure(
  twin: TwinServer,
  ids: AsyncIterable<string | number>,
  headers: Readonly<Record<string, string>>,
): Promise<Measured> {
  const before = twin.log.length;
  const started = performance.now();
  const seen = new Set<string | number>();
  let items = 0;
  for await (const id of ids) {
    items += 1;
    seen.add(id);
  }
  const ms = performance.now() - started;
  const sent = twin.log.slice(before);
  const replayStarted = performance.now();
  for (const request of sent) {
    const response = await fetch(`${twin.url}${request.path}${request.query}`, { headers });
    await response.arrayBuffer();
  }
  const fetchMs = performance.now() - replayStarted;
  const [first] = sent;
  const firstRequest = first ? `${first.method} ${first.path}${first.query}` : '-';
  return { items, distinct: seen.size, requests: sent.length, ms, fetchMs, firstRequest };
}

const minimumFor = (n: number, size: number | undefined) =>
  size === undefined ? 1 : Math.max(1, Math.ceil(n / size));

const itemCount = (measured: Measured) =>
  measured.distinct === measured.items
    ? String(measured.items)
    : `${measured.items} (${measured.distinct} distinct)`;

async function runPart1(): Promise<{ rows: string[][]; failed: boolean }> {
  const rows: string[][] = [];
  let failed = false;
  for (const family of families(testPrivateKey())) {
    for (const n of sizes) {
      const minimum = minimumFor(n, family.pageSize);
      const clients = createTestScmHttp();
      let twin: TwinServer | undefined;
      try {
        const started = await family.start(n);
        twin = started.twin;
        const http = clients.createHttp({
          baseUrl: new URL(started.baseUrl),
          auth: () => started.headers,
          ...(family.maxResponseBytes ? { maxResponseBytes: family.maxResponseBytes } : {}),
        });
        const ids = http.paginate(family.request, family.strategy, family.item);
        const result = await measure(twin, ids, { ...started.headers, ...family.request.headers });
        const ok = result.items === n && result.distinct === n && result.requests === minimum;
        failed ||= !ok;
        const times = [result.ms.toFixed(0), result.fetchMs.toFixed(0)];
        rows.push([
          family.name,
          String(n),
          itemCount(result),
          String(result.requests),
          String(minimum),
          ...times,
          ok ? 'ok' : 'MISMATCH',
        ]);
      } catch (error) {
        failed = true;
        rows.push([
          family.name,
          String(n),
          '-',
          '-',
          String(minimum),
          '-',
          '-',
          `MISMATCH (${describe(error)})`,
        ]);
      } finally {
        await clients.close();
        await twin?.close();
      }
    }
  }
  return { rows, failed };
}

// ---------------------------------------------------------------------------------------------------------------
// Part 2: the providers

interface ProviderCase {
  readonly name: string;
  /** How the repositories are laid out in the twin. */
  readonly layout: string;
  /** What the provider needs besides the listing requests themselves. */
  readonly needs: string;
  readonly repositories: number;
  /** The fewest requests the API allows for the listing itself. */
  readonly minimum: number;
  start(): Promise<Started>;
  /** The provider for the started twin, over the bench's HTTP clients. */
  connect(started: Started, createHttp: CreateScmHttp): ScmProvider;
}

/** A token-based provider: settings from the started twin, the factory of its kind. */
const tokenConnect =
  (kind: ScmKindId, factory: ProviderFactory, target: string, token: string) =>
  (started: Started, createHttp: CreateScmHttp): ScmProvider =>
    factory(
      { kind, baseUrl: new URL(started.baseUrl), target, token },
      { createHttp, now: () => new Date() },
    );

function providerCases(n: number, githubKey: string): ProviderCase[] {
  const azure = (projects: number): ProviderCase => {
    const perProject = Math.ceil(n / projects);
    return {
      name: 'Azure DevOps',
      layout: `${projects} project${projects === 1 ? '' : 's'} x ${perProject.toLocaleString('en')}`,
      needs:
        'reads connectionData first (the organization id); the listing itself reads the projects ' +
        `($top=${projectPageSize}) and then one unpaginated git/repositories answer per project`,
      repositories: projects * perProject,
      minimum: minimumFor(projects, projectPageSize) + projects,
      connect: tokenConnect('azure-devops', createAzureDevOpsProvider, 'bench', 'ado-bench'),
      start: async () => {
        const twin = await startAzureDevOpsTwin(
          azureScenario(Array.from({ length: projects }, () => perProject)),
        );
        return { twin, baseUrl: twin.url, headers: { ...auth.azure, ...suppressRedirect } };
      },
    };
  };
  return [
    {
      name: 'GitHub',
      layout: 'one installation, all repos',
      needs:
        'reads the installation with the app JWT first (its account: `GET /app/installations/{id}`); the ' +
        'listing mints one installation token (`POST /app/installations/{id}/access_tokens`) and then reads ' +
        `\`GET /installation/repositories\` ${pageSize.github} a page, so its minimum is the pages plus that token`,
      repositories: n,
      minimum: minimumFor(n, pageSize.github) + 1,
      start: async () => {
        const twin = await startGitHubTwin(githubScenario(n, githubKey));
        const headers = { authorization: `Bearer ${twin.createInstallationToken(4001)}` };
        return { twin, baseUrl: twin.apiUrl, headers };
      },
      connect: (started, createHttp) => {
        const now = () => new Date();
        const credentials = {
          webUrl: new URL(started.twin.url),
          apiUrl: new URL(started.baseUrl),
          appId: '3001',
          slug: 'bench-scanner',
          clientId: 'Iv23liBenchScanner01',
          clientSecret: 'bench-client-secret',
          privateKey: githubKey,
          webhookSecret: 'unused',
        };
        return createGitHubProvider({
          kind: 'github',
          clients: createGitHubAppClients({ credentials, createHttp, now }),
          installation: {
            installationId: '4001',
            account: { id: '5001', login: 'bench', type: 'Organization' },
          },
          now,
        });
      },
    },
    {
      name: 'GitLab',
      layout: 'group + subgroup, half each',
      needs:
        'reads the group first (its id, and that it is top-level); lists with keyset pagination, and an ' +
        'instance that refuses keyset (400/405) costs one more request before offset pagination',
      repositories: n,
      minimum: minimumFor(n, pageSize.gitlab),
      connect: tokenConnect('gitlab', createGitLabProvider, 'bench', 'glpat-bench'),
      start: async () => {
        const twin = await startGitLabTwin(gitlabScenario(n));
        return { twin, baseUrl: twin.url, headers: auth.gitlab };
      },
    },
    {
      name: 'Bitbucket Cloud',
      layout: 'one workspace',
      needs: 'reads the workspace first, for the UUID the listing is addressed by',
      repositories: n,
      minimum: minimumFor(n, pageSize.bitbucketCloud),
      connect: tokenConnect('bitbucket-cloud', createBitbucketCloudProvider, 'bench', 'bbwat-bench'),
      start: async () => {
        const twin = await startBitbucketCloudTwin(bitbucketCloudScenario(n));
        return { twin, baseUrl: twin.url, headers: auth.bitbucketCloud };
      },
    },
    {
      name: 'Bitbucket DC',
      layout: 'one project',
      needs:
        'reads the project (key, id and name) and application-properties (the version picks ' +
        '…/default-branch on 7.5+, …/branches/default before) first; the listing carries no default branch, ' +
        `so its minimum is ceil(N / ${pageSize.dataCenter}) pages plus one default-branch request per repository`,
      repositories: n,
      minimum: minimumFor(n, pageSize.dataCenter) + n,
      connect: tokenConnect(
        'bitbucket-data-center',
        createBitbucketDataCenterProvider,
        'BENCH',
        'bbdc-bench',
      ),
      start: async () => {
        const twin = await startBitbucketDataCenterTwin(dataCenterScenario(n));
        return { twin, baseUrl: twin.baseUrl, headers: auth.dataCenter };
      },
    },
    azure(1),
    azure(10),
  ];
}

async function* externalIds(repositories: AsyncIterable<{ readonly externalId: string }>) {
  for await (const repository of repositories) yield repository.externalId;
}

async function runPart2(): Promise<{ rows: string[][]; notes: string[]; failed: boolean }> {
  const rows: string[][] = [];
  const notes: string[] = [];
  let failed = false;
  for (const item of providerCases(providerRepos, testPrivateKey())) {
    const clients = createTestScmHttp();
    let twin: TwinServer | undefined;
    try {
      const started = await item.start();
      twin = started.twin;
      twin.faults.latencyMs = latencyMs;
      // The GitHub App's clients are closed with the HTTP clients they were made from (`clients.close()`).
      const provider = item.connect(started, clients.createHttp);

      const logStart = twin.log.length;
      const orgStarted = performance.now();
      const organizations = [];
      for await (const organization of provider.listOrganizations()) organizations.push(organization);
      const orgMs = performance.now() - orgStarted;
      const orgRequests = twin.log.slice(logStart).map((request) => `${request.method} ${request.path}`);
      const [organization] = organizations;
      if (!organization || organizations.length !== 1)
        throw new Error(`${organizations.length} organizations`);

      const listing = await measure(
        twin,
        externalIds(provider.listRepositories(organization)),
        started.headers,
      );
      const expected = item.repositories;
      const ok =
        listing.items === expected && listing.distinct === expected && listing.requests === item.minimum;
      failed ||= !ok;
      const counts = [String(orgRequests.length), String(listing.requests), String(item.minimum)];
      const times = [orgMs.toFixed(0), listing.ms.toFixed(0), listing.fetchMs.toFixed(0)];
      rows.push([item.name, item.layout, itemCount(listing), ...counts, ...times, ok ? 'ok' : 'MISMATCH']);
      notes.push(
        `${item.name} (${item.layout}): ${item.needs}.`,
        `    listOrganizations sent: ${orgRequests.join(', ')}`,
        `    first listing request:  ${listing.firstRequest}`,
      );
    } catch (error) {
      failed = true;
      const blanks = ['-', '-', '-', String(item.minimum), '-', '-', '-'];
      rows.push([item.name, item.layout, ...blanks, `MISMATCH (${describe(error)})`]);
    } finally {
      await clients.close();
      await twin?.close();
    }
  }
  return { rows, notes, failed };
}

// ---------------------------------------------------------------------------------------------------------------
// Output

function describe(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 120) : String(error);
}

/** Prints a table: the first two columns left-aligned, the rest right-aligned. */
function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column < 2 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ');
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
}

console.log('bench/pagination: requests needed to list every repository vs the documented minimum');
console.log('ceil(N / largest page size), and wall time. Twins run in this process on 127.0.0.1.');
console.log(
  'Run: npm run bench:pagination  (npx tsx bench/pagination.ts [--sizes 1,100,101,10000] [--repos 10000] [--latency 20])',
);
console.log(
  `Page sizes: GitHub ${pageSize.github}, GitLab ${pageSize.gitlab}, Bitbucket Cloud ${pageSize.bitbucketCloud}, ` +
    `Bitbucket DC ${pageSize.dataCenter}, Azure DevOps projects ${projectPageSize} (the client's $top; no documented cap), ` +
    'Azure DevOps git/repositories unpaginated.',
);
console.log(
  '"fetch ms": the same requests sent again one by one with a plain fetch (the twin\'s and loopback\'s share).',
);
console.log('');
console.log("Part 1: http.paginate with each family's strategy, no added latency");
const part1 = await runPart1();
printTable(['family', 'N', 'items', 'requests', 'minimum', 'ms', 'fetch ms', 'check'], part1.rows);
console.log('');
console.log(
  `Part 2: provider listOrganizations + listRepositories, ${providerRepos.toLocaleString('en')} repositories, ` +
    `${latencyMs} ms added to every answer; "minimum" is for the listing alone ` +
    '(GitHub: the pages plus one installation token; Bitbucket DC: the pages plus one default-branch request per repository)',
);
const part2 = await runPart2();
printTable(
  ['provider', 'layout', 'repos', 'org req', 'list req', 'minimum', 'org ms', 'list ms', 'fetch ms', 'check'],
  part2.rows,
);
console.log('');
for (const note of part2.notes) console.log(note);
if (part1.failed || part2.failed) {
  console.log('');
  console.log(
    'MISMATCH: at least one listing did not take exactly the minimum number of requests (or lost items).',
  );
  process.exitCode = 1;
}
