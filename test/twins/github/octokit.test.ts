import type { ThrottlingOptions } from '@octokit/plugin-throttling';
import { App, Octokit, RequestError } from 'octokit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubTwin, type GitHubTwin } from './index.js';
import { testPrivateKey } from './test-keys.js';
import { testGitHubScenario } from './test-scenario.js';

const pem = testPrivateKey();

/** The throttling plugin spaces writes 1-3 s apart; the twin's tests skip that spacing (limits still apply). */
const immediate = {
  key: () => ({
    schedule: <T>(_options: unknown, job: (...args: unknown[]) => T, ...args: unknown[]) => job(...args),
  }),
} as unknown as NonNullable<ThrottlingOptions['write']>;

/**
 * `Octokit` from the official SDK pointed at the twin. With `onLimit`, the throttling plugin stays on and
 * rate limits surface through it (and fail instead of waiting); without, throttling is off.
 */
const sdkFor = (twin: GitHubTwin, onLimit?: (kind: 'primary' | 'secondary', retryAfter: number) => void) =>
  Octokit.defaults({
    baseUrl: twin.apiUrl,
    throttle: onLimit
      ? {
          onRateLimit: (retryAfter: number) => (onLimit('primary', retryAfter), false),
          onSecondaryRateLimit: (retryAfter: number) => (onLimit('secondary', retryAfter), false),
          write: immediate,
          notifications: immediate,
        }
      : { enabled: false },
    retry: { enabled: false },
  });

describe.each(['cloud', 'enterprise'] as const)('octokit drives the GitHub twin (%s)', (flavor) => {
  let twin: GitHubTwin;
  let app: App;

  beforeAll(async () => {
    const scenario = testGitHubScenario(pem);
    const [acme, ...others] = scenario.orgs;
    twin = await startGitHubTwin(
      { ...scenario, orgs: [{ ...acme!, generatedRepos: { count: 250, prefix: 'svc' } }, ...others] },
      { flavor },
    );
    const scanner = twin.app('acme-scanner');
    app = new App({
      appId: flavor === 'enterprise' ? scanner.id : scanner.clientId,
      privateKey: pem,
      oauth: { clientId: scanner.clientId, clientSecret: scanner.clientSecret },
      Octokit: sdkFor(twin),
    });
  });
  afterAll(() => twin.close());

  it('authenticates as the app and lists its installations', async () => {
    const { data } = await app.octokit.request('GET /app');
    expect(data).toMatchObject({ id: 3001, slug: 'acme-scanner' });
    const ids: number[] = [];
    for await (const { installation } of app.eachInstallation.iterator()) ids.push(installation.id);
    expect(ids).toEqual([4001]);
    const { data: byOrg } = await app.octokit.rest.apps.getOrgInstallation({ org: 'acme' });
    expect(byOrg).toMatchObject({ id: 4001, repository_selection: 'all', account: { login: 'acme' } });
  });

  it('mints an installation token and paginates 253 repositories through Link headers', async () => {
    const octokit = await app.getInstallationOctokit(4001);
    const repos = await octokit.paginate('GET /installation/repositories', { per_page: 100 });
    expect(repos).toHaveLength(253);
    const orgRepos = await octokit.paginate(octokit.rest.repos.listForOrg, { org: 'acme', per_page: 100 });
    expect(new Set(orgRepos.map((r) => r.name)).size).toBe(253);
    expect(orgRepos.map((r) => r.name)).toContain('svc-250');
    const firstPage = await octokit.rest.repos.listForOrg({ org: 'acme', per_page: 100 });
    expect(firstPage.headers.link).toContain('rel="last"');
    expect(firstPage.headers['x-ratelimit-remaining']).toMatch(/^\d+$/);
  });

  it('reads members with roles', async () => {
    const octokit = await app.getInstallationOctokit(4001);
    const admins = await octokit.paginate(octokit.rest.orgs.listMembers, { org: 'acme', role: 'admin' });
    expect(admins.map((u) => u.login)).toEqual(['octo-admin']);
    const { data } = await octokit.rest.orgs.getMembershipForUser({ org: 'acme', username: 'dev-dana' });
    expect(data).toMatchObject({ role: 'member', state: 'active' });
  });

  it('reads a pull request, its files and its diff, and keeps one summary comment up to date', async () => {
    const octokit = await app.getInstallationOctokit(4001);
    const pr = { owner: 'acme', repo: 'web-shop', pull_number: 1 };
    const { data: pull } = await octokit.rest.pulls.get(pr);
    expect(pull.head.ref).toBe('feature/search');
    const files = await octokit.paginate(octokit.rest.pulls.listFiles, pr);
    expect(files.map((f) => f.filename)).toEqual(['src/app.js']);
    const diff = await octokit.rest.pulls.get({ ...pr, mediaType: { format: 'diff' } });
    expect(String(diff.data)).toContain('diff --git a/src/app.js b/src/app.js');

    const issue = { owner: 'acme', repo: 'web-shop', issue_number: 1 };
    const { data: created } = await octokit.rest.issues.createComment({
      ...issue,
      body: '<!-- scan --> 1 finding',
    });
    expect(created.user?.login).toBe('acme-scanner[bot]');
    await octokit.rest.issues.updateComment({
      owner: 'acme',
      repo: 'web-shop',
      comment_id: created.id,
      body: '<!-- scan --> 0 findings',
    });
    const comments = await octokit.paginate(octokit.rest.issues.listComments, issue);
    expect(comments.filter((c) => c.body?.startsWith('<!-- scan -->')).map((c) => c.body)).toEqual([
      '<!-- scan --> 0 findings',
    ]);
    await octokit.rest.issues.deleteComment({ owner: 'acme', repo: 'web-shop', comment_id: created.id });
    const after = await octokit.paginate(octokit.rest.issues.listComments, issue);
    expect(after.some((c) => c.id === created.id)).toBe(false);
  });

  it('places inline comments only on lines of the diff', async () => {
    const octokit = await app.getInstallationOctokit(4001);
    const pr = { owner: 'acme', repo: 'web-shop', pull_number: 1 };
    const { data: comment } = await octokit.rest.pulls.createReviewComment({
      ...pr,
      body: 'Untrusted input reaches SQL',
      path: 'src/app.js',
      line: 2,
      side: 'RIGHT',
      commit_id: (await octokit.rest.pulls.get(pr)).data.head.sha,
    });
    expect(comment).toMatchObject({ path: 'src/app.js', line: 2, side: 'RIGHT' });
    const outside = octokit.rest.pulls.createReviewComment({
      ...pr,
      body: 'x',
      path: 'src/app.js',
      line: 99,
      side: 'RIGHT',
      commit_id: comment.commit_id,
    });
    await expect(outside).rejects.toMatchObject({ status: 422 });
    const { data: review } = await octokit.rest.pulls.createReview({
      ...pr,
      event: 'COMMENT',
      body: 'Scan summary',
      comments: [{ path: 'src/app.js', line: 3, body: 'Reflected XSS' }],
    });
    expect(review.state).toBe('COMMENTED');
    const inline = await octokit.paginate(octokit.rest.pulls.listReviewComments, pr);
    expect(inline.map((c) => c.line)).toEqual([2, 3]);
  });

  it('adds a CI workflow: ref → branch → file → pull request', async () => {
    const octokit = await app.getInstallationOctokit(4001);
    const repo = { owner: 'acme', repo: 'payments' };
    const { data: meta } = await octokit.rest.repos.get(repo);
    const { data: ref } = await octokit.rest.git.getRef({ ...repo, ref: `heads/${meta.default_branch}` });
    await octokit.rest.git.createRef({ ...repo, ref: 'refs/heads/scanner/add-ci', sha: ref.object.sha });
    const again = octokit.rest.git.createRef({
      ...repo,
      ref: 'refs/heads/scanner/add-ci',
      sha: ref.object.sha,
    });
    await expect(again).rejects.toMatchObject({ status: 422 });
    const path = '.github/workflows/scan.yml';
    await octokit.rest.repos.createOrUpdateFileContents({
      ...repo,
      path,
      message: 'Add code scanning',
      content: Buffer.from('name: scan\non: [push]\n').toString('base64'),
      branch: 'scanner/add-ci',
    });
    const { data: file } = await octokit.rest.repos.getContent({ ...repo, path, ref: 'scanner/add-ci' });
    expect(
      !Array.isArray(file) && file.type === 'file' && Buffer.from(file.content, 'base64').toString(),
    ).toBe('name: scan\non: [push]\n');
    const { data: pull } = await octokit.rest.pulls.create({
      ...repo,
      title: 'Add code scanning',
      head: 'scanner/add-ci',
      base: meta.default_branch,
    });
    expect(pull).toMatchObject({ state: 'open', head: { ref: 'scanner/add-ci' } });
    const duplicate = octokit.rest.pulls.create({
      ...repo,
      title: 'again',
      head: 'scanner/add-ci',
      base: meta.default_branch,
    });
    await expect(duplicate).rejects.toMatchObject({ status: 422 });
  });

  it("exchanges an OAuth code for a user token that sees only the user's installations", async () => {
    twin.state.oauthCodes.set('sdk-code', {
      code: 'sdk-code',
      appId: 3001,
      userId: 1002,
      redirectUri: undefined,
      expiresAt: twin.state.now() + 60_000,
      used: false,
    });
    const { authentication } = await app.oauth.createToken({ code: 'sdk-code' });
    expect(authentication.token).toMatch(/^ghu_/);
    const user = new (sdkFor(twin))({ auth: authentication.token });
    expect((await user.rest.users.getAuthenticated()).data.login).toBe('dev-dana');
    const installations = await user.paginate(user.rest.apps.listInstallationsForAuthenticatedUser);
    expect(installations.map((i) => i.id)).toEqual([4001]);
    const membership = await user.rest.orgs.getMembershipForAuthenticatedUser({ org: 'acme' });
    expect(membership.data.role).toBe('member');
    await expect(app.oauth.createToken({ code: 'sdk-code' })).rejects.toThrow(/bad_verification_code/);
  });

  it('enforces installation permissions and repository selection', async () => {
    const readOnly = new App({ appId: 3002, privateKey: pem, Octokit: sdkFor(twin) });
    const octokit = await readOnly.getInstallationOctokit(4002);
    const repos = await octokit.paginate('GET /installation/repositories');
    expect(repos.map((r) => r.name)).toEqual(['web-shop']);
    await expect(octokit.rest.repos.get({ owner: 'acme', repo: 'payments' })).rejects.toMatchObject({
      status: 404,
    });
    const denied = await octokit.rest.issues
      .createComment({ owner: 'acme', repo: 'web-shop', issue_number: 1, body: 'hi' })
      .catch((error: unknown) => error);
    expect(denied).toBeInstanceOf(RequestError);
    expect(denied).toMatchObject({
      status: 403,
      message: expect.stringContaining('Resource not accessible by integration'),
    });
    expect((denied as RequestError).response?.headers['x-accepted-github-permissions']).toContain(
      'issues=write',
    );
    const suspended = await readOnly.getInstallationOctokit(4003);
    await expect(suspended.request('GET /installation/repositories')).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining('suspended'),
    });
  });

  it('converts a manifest code once', async () => {
    twin.state.manifestCodes.set('sdk-manifest', {
      code: 'sdk-manifest',
      appId: 3002,
      expiresAt: twin.state.now() + 60_000,
      used: false,
    });
    const anonymous = new (sdkFor(twin))();
    const { data } = await anonymous.rest.apps.createFromManifest({ code: 'sdk-manifest' });
    expect(data).toMatchObject({
      id: 3002,
      slug: 'read-only-bot',
      client_id: 'Iv23liReadOnlyBot01',
      client_secret: 'read-only-secret',
    });
    expect(data.pem).toContain('PRIVATE KEY');
    await expect(anonymous.rest.apps.createFromManifest({ code: 'sdk-manifest' })).rejects.toMatchObject({
      status: 404,
    });
  });
});

describe('rate limits as octokit sees them', () => {
  let twin: GitHubTwin;
  beforeAll(async () => {
    twin = await startGitHubTwin(
      testGitHubScenario(pem, { rateLimit: { limit: 4 }, secondaryLimits: { perMinute: 2, perHour: 500 } }),
    );
  });
  afterAll(() => twin.close());

  it('reports primary exhaustion with x-ratelimit-remaining: 0 and a reset time', async () => {
    const limits: [string, number][] = [];
    const octokit = new (sdkFor(twin, (kind, after) => limits.push([kind, after])))({
      auth: twin.createInstallationToken(4001),
    });
    for (let i = 0; i < 4; i++) await octokit.rest.repos.get({ owner: 'acme', repo: 'web-shop' });
    const error = await octokit.rest.repos.get({ owner: 'acme', repo: 'web-shop' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 403, response: { headers: { 'x-ratelimit-remaining': '0' } } });
    expect((error as RequestError).message).toContain('API rate limit exceeded for installation ID 4001');
    expect(limits).toHaveLength(1);
    expect(limits[0]![0]).toBe('primary');
    expect(limits[0]![1]).toBeGreaterThan(3000);
    twin.advanceTime(3_601_000);
    await expect(octokit.rest.repos.get({ owner: 'acme', repo: 'web-shop' })).rejects.toMatchObject({
      status: 401,
    });
    const renewed = new (sdkFor(twin, () => undefined))({ auth: twin.createInstallationToken(4001) });
    const answer = await renewed.rest.repos.get({ owner: 'acme', repo: 'web-shop' });
    expect(answer.headers['x-ratelimit-remaining']).toBe('3');
  });

  it('limits content creation per minute with retry-after', async () => {
    const limits: [string, number][] = [];
    const octokit = new (sdkFor(twin, (kind, after) => limits.push([kind, after])))({
      auth: twin.createUserToken('dev-dana', 'acme-scanner'),
    });
    const issue = { owner: 'acme', repo: 'web-shop', issue_number: 1 };
    await octokit.rest.issues.createComment({ ...issue, body: 'one' });
    await octokit.rest.issues.createComment({ ...issue, body: 'two' });
    const error = await octokit.rest.issues
      .createComment({ ...issue, body: 'three' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 403, message: expect.stringContaining('secondary rate limit') });
    expect(Number((error as RequestError).response?.headers['retry-after'])).toBeGreaterThan(0);
    expect(limits.map(([kind]) => kind)).toEqual(['secondary']);
    twin.advanceTime(61_000);
    await expect(octokit.rest.issues.createComment({ ...issue, body: 'four' })).resolves.toMatchObject({
      status: 201,
    });
  });
});
