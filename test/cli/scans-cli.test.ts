import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { detectCi, type ScanContextInput } from '../../src/cli/ci-context.js';
import { runScans, type ScansDeps } from '../../src/cli/scans.js';
import { ApiClient, setUpAdmin } from '../helpers/api-client.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { insertConnection, type InsertedConnection } from '../api/scans/scans-world.js';
import { sarif } from '../api/scans/sarif-fixtures.js';

const sha = (c: string) => c.repeat(40);

describe('detectCi: the scan context from each CI system’s own variables', () => {
  const eventFiles: Record<string, string> = {
    '/github/event.json': JSON.stringify({
      pull_request: { number: 17, base: { sha: sha('b'), ref: 'main' }, head: { sha: sha('c') } },
    }),
  };
  const readFile = (file: string) => eventFiles[file];

  it.each<[string, Record<string, string>, string | undefined, ScanContextInput]>([
    [
      'GitHub Actions, a push',
      {
        GITHUB_ACTIONS: 'true',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'acme/web-shop',
        GITHUB_SHA: sha('a'),
        GITHUB_REF_NAME: 'feature/login',
        GITHUB_REF_TYPE: 'branch',
        GITHUB_EVENT_PATH: '/github/push.json',
      },
      'GitHub Actions',
      { repository: 'https://github.com/acme/web-shop', commit: sha('a'), branch: 'feature/login' },
    ],
    [
      'GitHub Actions, a pull request',
      {
        GITHUB_ACTIONS: 'true',
        GITHUB_SERVER_URL: 'https://ghe.example.com',
        GITHUB_REPOSITORY: 'acme/web-shop',
        GITHUB_SHA: sha('a'),
        GITHUB_REF_NAME: '17/merge',
        GITHUB_HEAD_REF: 'feature/login',
        GITHUB_BASE_REF: 'main',
        GITHUB_EVENT_PATH: '/github/event.json',
      },
      'GitHub Actions',
      {
        repository: 'https://ghe.example.com/acme/web-shop',
        commit: sha('a'),
        branch: 'feature/login',
        pullRequest: '17',
        baseCommit: sha('b'),
        baseBranch: 'main',
      },
    ],
    [
      'GitHub Actions, a tag',
      {
        GITHUB_ACTIONS: 'true',
        GITHUB_REPOSITORY: 'acme/web-shop',
        GITHUB_SHA: sha('a'),
        GITHUB_REF_NAME: 'v1.0',
        GITHUB_REF_TYPE: 'tag',
      },
      'GitHub Actions',
      { repository: 'acme/web-shop', commit: sha('a') },
    ],
    [
      'GitLab CI, a branch pipeline',
      {
        GITLAB_CI: 'true',
        CI_SERVER_URL: 'https://gitlab.example.com',
        CI_PROJECT_PATH: 'acme/backend/api',
        CI_COMMIT_SHA: sha('a'),
        CI_COMMIT_REF_NAME: 'develop',
      },
      'GitLab CI',
      { repository: 'https://gitlab.example.com/acme/backend/api', commit: sha('a'), branch: 'develop' },
    ],
    [
      'GitLab CI, a merge request pipeline',
      {
        GITLAB_CI: 'true',
        CI_SERVER_URL: 'https://gitlab.com',
        CI_PROJECT_PATH: 'acme/website',
        CI_COMMIT_SHA: sha('a'),
        CI_COMMIT_REF_NAME: 'feature/x',
        CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'feature/x',
        CI_MERGE_REQUEST_IID: '5',
        CI_MERGE_REQUEST_DIFF_BASE_SHA: sha('b'),
        CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
      },
      'GitLab CI',
      {
        repository: 'https://gitlab.com/acme/website',
        commit: sha('a'),
        branch: 'feature/x',
        pullRequest: '5',
        baseCommit: sha('b'),
        baseBranch: 'main',
      },
    ],
    [
      'GitLab CI, a tag pipeline',
      {
        GITLAB_CI: 'true',
        CI_PROJECT_PATH: 'acme/website',
        CI_COMMIT_SHA: sha('a'),
        CI_COMMIT_REF_NAME: 'v2',
        CI_COMMIT_TAG: 'v2',
      },
      'GitLab CI',
      { repository: 'acme/website', commit: sha('a') },
    ],
    [
      'Bitbucket Pipelines, a branch',
      {
        BITBUCKET_BUILD_NUMBER: '12',
        BITBUCKET_REPO_FULL_NAME: 'acme/website',
        BITBUCKET_GIT_HTTP_ORIGIN: 'http://bitbucket.org/acme/website',
        BITBUCKET_COMMIT: sha('a'),
        BITBUCKET_BRANCH: 'main',
      },
      'Bitbucket Pipelines',
      { repository: 'http://bitbucket.org/acme/website', commit: sha('a'), branch: 'main' },
    ],
    [
      'Bitbucket Pipelines, a pull request (its short destination sha left out)',
      {
        BITBUCKET_BUILD_NUMBER: '13',
        BITBUCKET_REPO_FULL_NAME: 'acme/website',
        BITBUCKET_COMMIT: sha('a'),
        BITBUCKET_BRANCH: 'feature/y',
        BITBUCKET_PR_ID: '9',
        BITBUCKET_PR_DESTINATION_BRANCH: 'main',
        BITBUCKET_PR_DESTINATION_COMMIT: 'bbbbbbbbbbbb',
      },
      'Bitbucket Pipelines',
      {
        repository: 'acme/website',
        commit: sha('a'),
        branch: 'feature/y',
        pullRequest: '9',
        baseBranch: 'main',
      },
    ],
    [
      'Azure Pipelines, a branch',
      {
        TF_BUILD: 'True',
        BUILD_REPOSITORY_URI: 'https://contoso@dev.azure.com/contoso/Shop/_git/web',
        BUILD_SOURCEVERSION: sha('a'),
        BUILD_SOURCEBRANCH: 'refs/heads/feature/z',
        BUILD_SOURCEBRANCHNAME: 'z',
      },
      'Azure Pipelines',
      { repository: 'https://dev.azure.com/contoso/Shop/_git/web', commit: sha('a'), branch: 'feature/z' },
    ],
    [
      'Azure Pipelines, a pull request',
      {
        TF_BUILD: 'True',
        BUILD_REPOSITORY_URI: 'https://dev.azure.com/contoso/Shop/_git/web',
        BUILD_SOURCEVERSION: sha('a'),
        BUILD_SOURCEBRANCH: 'refs/pull/31/merge',
        SYSTEM_PULLREQUEST_PULLREQUESTID: '31',
        SYSTEM_PULLREQUEST_SOURCEBRANCH: 'refs/heads/feature/z',
        SYSTEM_PULLREQUEST_TARGETBRANCH: 'refs/heads/main',
      },
      'Azure Pipelines',
      {
        repository: 'https://dev.azure.com/contoso/Shop/_git/web',
        commit: sha('a'),
        branch: 'feature/z',
        pullRequest: '31',
        baseBranch: 'main',
      },
    ],
    [
      'Jenkins, a freestyle job (credentials in GIT_URL dropped)',
      {
        JENKINS_URL: 'https://jenkins.example.com/',
        GIT_URL: 'https://builder:s3cr3t@bitbucket.example.com/scm/shop/website.git',
        GIT_COMMIT: sha('a'),
        GIT_BRANCH: 'origin/release/2.0',
      },
      'Jenkins',
      {
        repository: 'https://bitbucket.example.com/scm/shop/website.git',
        commit: sha('a'),
        branch: 'release/2.0',
      },
    ],
    [
      'Jenkins, a multibranch pull request',
      {
        JENKINS_URL: 'https://jenkins.example.com/',
        GIT_URL: 'git@github.com:acme/web-shop.git',
        GIT_COMMIT: sha('a'),
        BRANCH_NAME: 'PR-24',
        CHANGE_ID: '24',
        CHANGE_BRANCH: 'feature/q',
        CHANGE_TARGET: 'main',
      },
      'Jenkins',
      {
        repository: 'git@github.com:acme/web-shop.git',
        commit: sha('a'),
        branch: 'feature/q',
        pullRequest: '24',
        baseBranch: 'main',
      },
    ],
    ['no CI system', { GIT_COMMIT: sha('a') }, undefined, {}],
  ])('%s', (_what, env, name, context) => {
    const detected = detectCi(env, readFile);
    expect(detected?.name).toBe(name);
    const defined = Object.fromEntries(
      Object.entries(detected?.context ?? {}).filter(([, v]) => v !== undefined),
    );
    expect(defined).toEqual(context);
  });
});

/** Runs `scm-connect scans …` in this process and returns its exit code and output. */
async function cli(args: string[], env: Record<string, string>, deps?: Partial<ScansDeps>) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err.push(String(chunk));
    return true;
  });
  try {
    const code = await runScans(args, env, {
      readFile: () => undefined,
      readLog: (file) => readFileSync(file),
      sleep: () => Promise.resolve(),
      ...deps,
    });
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

describe('scm-connect scans upload, against a running service', () => {
  let service: TestService;
  let accountId: string;
  let github: InsertedConnection;
  let token: string;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    // No worker: the scans stay as the upload left them, and the test plays processing.
    service = await startTestService({ SCM_CONNECT_WORKER: 'false' });
    const { client, session } = await setUpAdmin(service);
    accountId = session.currentAccountId!;
    github = await insertConnection(service.database.db, accountId, {
      kind: 'github',
      name: 'acme',
      baseUrl: 'https://github.com',
      target: 'acme',
      repositories: ['acme/web-shop'],
    });
    const created = await client.post<{ secret: string }>(`/api/v1/accounts/${accountId}/tokens`, {
      name: 'ci',
      role: 'scan-upload',
    });
    token = created.body.secret;
    dir = mkdtempSync(path.join(tmpdir(), 'scm-connect-scans-cli-'));
    file = path.join(dir, 'results.sarif');
    writeFileSync(file, JSON.stringify(sarif({ tool: 'cli-tool', results: 5 })));
  });
  afterAll(async () => {
    await service?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ciEnv = (commit: string) => ({
    SCM_CONNECT_URL: service.url,
    SCM_CONNECT_API_TOKEN: token,
    GITHUB_ACTIONS: 'true',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/web-shop',
    GITHUB_SHA: commit,
    GITHUB_REF_NAME: 'main',
  });

  const scanRow = (commit: string) =>
    service.database.db
      .selectFrom('scans')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('commit_sha', '=', commit)
      .executeTakeFirst();

  it('uploads with the context of the CI job, prints the scan’s URL, and never the token', async () => {
    const result = await cli(['upload', file], ciEnv(sha('1')));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /Uploaded 5 results as scan [0-9a-f-]{36} of acme\/web-shop at 111111111111 on main \(context from GitHub Actions\)/,
    );
    const row = await scanRow(sha('1'));
    expect(row).toMatchObject({
      repository_id: github.repositories['acme/web-shop'],
      branch: 'main',
      status: 'queued',
    });
    expect(result.stdout).toContain(`Findings: ${service.url}/findings?scan=${row!.id}`);
    expect(result.stdout + result.stderr).not.toContain(token);

    const again = await cli(['upload', file], ciEnv(sha('1')));
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`Already uploaded: scan ${row!.id}`);
  });

  it('takes flags over the CI variables, and a .sarif.gz as it is', async () => {
    const { gzipSync } = await import('node:zlib');
    const zipped = path.join(dir, 'results.sarif.gz');
    writeFileSync(zipped, gzipSync(readFileSync(file)));
    const result = await cli(
      [
        'upload',
        zipped,
        '--commit',
        sha('2'),
        '--branch',
        'feature/a',
        '--pull-request',
        '8',
        '--base-commit',
        sha('3'),
        '--json',
      ],
      ciEnv(sha('9')),
    );
    expect(result.code, result.stderr).toBe(0);
    const answer = JSON.parse(result.stdout) as {
      scan: { commitSha: string; branch: string; pullRequestNumber: number; baseCommitSha: string };
    };
    expect(answer.scan).toMatchObject({
      commitSha: sha('2'),
      branch: 'feature/a',
      pullRequestNumber: 8,
      baseCommitSha: sha('3'),
    });
  });

  it('with --wait, polls until the scan is processed and prints what processing found', async () => {
    const commit = sha('4');
    const result = await cli(['upload', file, '--wait'], ciEnv(commit), {
      // The service has no worker here: the test processes the scan while the CLI waits.
      sleep: async () => {
        await service.database.db
          .updateTable('scans')
          .set({
            status: 'processed',
            processed_at: new Date().toISOString(),
            summary: JSON.stringify({ new: 2, open: { high: 1, low: 1 }, fixed: 0 }),
          })
          .where('commit_sha', '=', commit)
          .execute();
      },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Processed.');
    expect(result.stdout).toContain('  new: 2');
    expect(result.stdout).toContain('  open: high 1, low 1');
  });

  it('exits 1 with the reason when processing fails, or when the wait times out', async () => {
    const failing = await cli(['upload', file, '--wait'], ciEnv(sha('5')), {
      sleep: async () => {
        await service.database.db
          .updateTable('scans')
          .set({
            status: 'failed',
            error_code: 'scm_unreachable',
            error_message: 'GitHub did not answer; it is retried.',
          })
          .where('commit_sha', '=', sha('5'))
          .execute();
      },
    });
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain(
      'processing failed: GitHub did not answer; it is retried. (scm_unreachable)',
    );

    const slow = await cli(['upload', file, '--wait', '--timeout', '0.001'], ciEnv(sha('6')), {
      sleep: () => new Promise((resolve) => setTimeout(resolve, 5)),
    });
    expect(slow.code).toBe(1);
    expect(slow.stderr).toContain('still queued');
  });

  it('exits non-zero with the service’s code and message when refused, never printing the token', async () => {
    const unknown = await cli(
      ['upload', file, '--repository', 'https://github.com/acme/nope'],
      ciEnv(sha('7')),
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('(repository_not_found)');
    expect(unknown.stderr).toContain('acme/nope');
    expect(unknown.stderr).not.toContain(token);

    const broken = path.join(dir, 'broken.sarif');
    writeFileSync(broken, '{"version": "2.1.0", "runs": [');
    const invalid = await cli(['upload', broken], ciEnv(sha('8')));
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('not valid JSON');
    expect(invalid.stderr).toContain('(invalid_sarif)');

    const revoked = await cli(['upload', file], {
      ...ciEnv(sha('8')),
      SCM_CONNECT_API_TOKEN: 'scmc_revoked-token',
    });
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toContain('(unauthorized)');
    expect(revoked.stderr).not.toContain('scmc_revoked-token');

    const noToken = await cli(['upload', file], { SCM_CONNECT_URL: service.url });
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain('SCM_CONNECT_API_TOKEN');

    expect((await cli(['upload', path.join(dir, 'missing.sarif')], ciEnv(sha('8')))).code).toBe(2);
    expect((await cli(['upload', file, '--pull-request', 'abc'], ciEnv(sha('8')))).code).toBe(2);
    expect((await cli(['upload'], ciEnv(sha('8')))).code).toBe(2);
    const help = await cli(['--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('GitHub Actions, GitLab CI, Bitbucket Pipelines, Azure Pipelines, Jenkins');
  });

  it('a scan-upload token lists its own account (how the CLI finds it)', async () => {
    const client = new ApiClient(service.url);
    client.bearer = token;
    const accounts = await client.get<{ items: { id: string; role: string }[] }>('/api/v1/accounts');
    expect(accounts.body.items).toMatchObject([{ id: accountId, role: 'scan-upload' }]);
  });
});
