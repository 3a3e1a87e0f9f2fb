import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubTwin, type GitHubTwin } from './index.js';
import { loadOpenApi, newestGhesName, type OpenApiValidator } from './openapi-validator.js';
import { signAppJwt, testPrivateKey } from './test-keys.js';
import { testGitHubScenario } from './test-scenario.js';

const pem = testPrivateKey();

/**
 * Operations whose inline response schema contradicts GitHub's own component: `GET /app/installations` inlines
 * `account` as `allOf: [simple-user, enterprise]` (both at once), while `GET /app/installations/{id}` uses the
 * `installation` component (`anyOf`). Those answers are checked item by item against the component instead.
 */
const itemComponent: Record<string, string> = { 'GET /app/installations': 'installation' };
const specs = { cloud: loadOpenApi('api.github.com'), enterprise: loadOpenApi(newestGhesName()) };

describe.each(['cloud', 'enterprise'] as const)(
  'GitHub twin answers match the OpenAPI description (%s)',
  (flavor) => {
    let twin: GitHubTwin;
    let spec: OpenApiValidator;
    let jwt: string;
    let token: string;
    let userToken: string;

    beforeAll(async () => {
      twin = await startGitHubTwin(testGitHubScenario(pem), { flavor });
      spec = specs[flavor];
      jwt = signAppJwt(pem, { iss: 3001 });
      userToken = twin.createUserToken('octo-admin', 'acme-scanner');
      token = twin.createInstallationToken(4001);
    });
    afterAll(() => twin.close());

    /** Call the twin and check the answer's status and its JSON against the operation's response schema. */
    async function check(
      method: string,
      template: string,
      path: string,
      status: number,
      options: { auth?: string; body?: unknown; accept?: string; mediaType?: string } = {},
    ): Promise<unknown> {
      const response = await fetch(`${twin.apiUrl}${path}`, {
        method,
        headers: {
          accept: options.accept ?? 'application/vnd.github+json',
          'x-github-api-version': '2022-11-28',
          ...(options.auth ? { authorization: `Bearer ${options.auth}` } : {}),
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
      const text = await response.text();
      expect(response.status, `${method} ${path}: ${text.slice(0, 300)}`).toBe(status);
      expect(response.headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/);
      if (flavor === 'enterprise')
        expect(response.headers.get('x-github-enterprise-version')).toBe(twin.version);
      else expect(response.headers.get('x-github-enterprise-version')).toBeNull();
      const body: unknown = text ? JSON.parse(text) : undefined;
      if (status >= 400) {
        const schema = status === 422 ? 'validation-error' : 'basic-error';
        expect(spec.schemaErrors(schema, body), `${method} ${template} ${status}`).toEqual([]);
        expect(body).toMatchObject({ status: String(status), documentation_url: expect.any(String) });
      } else if (itemComponent[`${method} ${template}`]) {
        expect(Array.isArray(body)).toBe(true);
        for (const item of body as unknown[]) {
          expect(
            spec.schemaErrors(itemComponent[`${method} ${template}`]!, item),
            `${method} ${template}`,
          ).toEqual([]);
        }
      } else if (status !== 204) {
        expect(
          spec.errors(method, template, status, body, options.mediaType),
          `${method} ${template}`,
        ).toEqual([]);
      }
      return body;
    }

    it('app endpoints (JWT) and installation tokens', async () => {
      await check('GET', '/app', '/app', 200, { auth: jwt });
      await check('GET', '/app/installations', '/app/installations', 200, { auth: jwt });
      await check('GET', '/app/installations/{installation_id}', '/app/installations/4001', 200, {
        auth: jwt,
      });
      await check('GET', '/orgs/{org}/installation', '/orgs/acme/installation', 200, { auth: jwt });
      const minted = (await check(
        'POST',
        '/app/installations/{installation_id}/access_tokens',
        '/app/installations/4001/access_tokens',
        201,
        { auth: jwt },
      )) as { token: string };
      await check(
        'POST',
        '/app/installations/{installation_id}/access_tokens',
        '/app/installations/4001/access_tokens',
        201,
        {
          auth: jwt,
          body: { repositories: ['web-shop'], permissions: { contents: 'read' } },
        },
      );
      await check('GET', '/installation/repositories', '/installation/repositories?per_page=2', 200, {
        auth: minted.token,
      });
      await check('GET', '/app/hook/deliveries', '/app/hook/deliveries', 200, { auth: jwt });
    });

    it('the instance metadata scm-connect reads to recognize an Enterprise Server', async () => {
      const meta = (await check('GET', '/meta', '/meta', 200)) as { installed_version?: string };
      if (flavor === 'enterprise') expect(meta.installed_version).toBe(twin.version);
      else expect(meta.installed_version).toBeUndefined();
    });

    it('a user and an app bot by login, and the app webhook configuration', async () => {
      await check('GET', '/users/{username}', '/users/dev-dana', 200, { auth: token });
      const bot = (await check('GET', '/users/{username}', '/users/acme-scanner%5Bbot%5D', 200, {
        auth: token,
      })) as { id: number; type: string };
      expect(bot).toMatchObject({ id: twin.app('acme-scanner').botUserId, type: 'Bot' });
      await check('GET', '/users/{username}', '/users/nobody-here', 404, { auth: token });
      twin.app('acme-scanner').webhookUrl = 'https://scanner.example.test/webhooks/github';
      const config = await check('GET', '/app/hook/config', '/app/hook/config', 200, { auth: jwt });
      expect(config).toEqual({
        url: 'https://scanner.example.test/webhooks/github',
        content_type: 'json',
        insecure_ssl: '0',
        secret: '********',
      });
    });

    it('an empty repository: 409 from the git database, 404 from contents, the first file creates the branch', async () => {
      if (!twin.state.repoByName('acme', 'fresh')) {
        twin.state.addRepo(twin.state.orgByLogin('acme')!, { name: 'fresh', empty: true });
      }
      await check('GET', '/repos/{owner}/{repo}/git/ref/{ref}', '/repos/acme/fresh/git/ref/heads/main', 409, {
        auth: token,
      });
      await check(
        'GET',
        '/repos/{owner}/{repo}/contents/{path}',
        '/repos/acme/fresh/contents/README.md',
        404,
        {
          auth: token,
        },
      );
      await check(
        'PUT',
        '/repos/{owner}/{repo}/contents/{path}',
        '/repos/acme/fresh/contents/README.md',
        201,
        {
          auth: token,
          body: { message: 'Initial commit', content: Buffer.from('# fresh\n').toString('base64') },
        },
      );
      await check('GET', '/repos/{owner}/{repo}/git/ref/{ref}', '/repos/acme/fresh/git/ref/heads/main', 200, {
        auth: token,
      });
    });

    it('user token endpoints', async () => {
      await check('GET', '/user', '/user', 200, { auth: userToken });
      await check('GET', '/user/installations', '/user/installations', 200, { auth: userToken });
      await check('GET', '/user/memberships/orgs/{org}', '/user/memberships/orgs/acme', 200, {
        auth: userToken,
      });
    });

    it('organizations, members and repositories', async () => {
      await check('GET', '/orgs/{org}', '/orgs/acme', 200, { auth: token });
      await check('GET', '/orgs/{org}/members', '/orgs/acme/members?role=admin', 200, { auth: token });
      await check('GET', '/orgs/{org}/memberships/{username}', '/orgs/acme/memberships/dev-dana', 200, {
        auth: token,
      });
      await check('GET', '/orgs/{org}/repos', '/orgs/acme/repos', 200, { auth: token });
      await check('GET', '/repos/{owner}/{repo}', '/repos/acme/web-shop', 200, { auth: token });
    });

    it('pull requests, comments and reviews', async () => {
      await check('GET', '/repos/{owner}/{repo}/pulls', '/repos/acme/web-shop/pulls', 200, { auth: token });
      await check('GET', '/repos/{owner}/{repo}/pulls/{pull_number}', '/repos/acme/web-shop/pulls/1', 200, {
        auth: token,
      });
      await check(
        'GET',
        '/repos/{owner}/{repo}/pulls/{pull_number}/files',
        '/repos/acme/web-shop/pulls/1/files',
        200,
        { auth: token },
      );
      const comments = '/repos/{owner}/{repo}/issues/{issue_number}/comments';
      const created = (await check('POST', comments, '/repos/acme/web-shop/issues/1/comments', 201, {
        auth: token,
        body: { body: '<!-- scanner --> 2 findings' },
      })) as { id: number };
      await check('GET', comments, '/repos/acme/web-shop/issues/1/comments', 200, { auth: token });
      const one = '/repos/{owner}/{repo}/issues/comments/{comment_id}';
      await check('PATCH', one, `/repos/acme/web-shop/issues/comments/${created.id}`, 200, {
        auth: token,
        body: { body: 'updated' },
      });
      await check('DELETE', one, `/repos/acme/web-shop/issues/comments/${created.id}`, 204, { auth: token });
      const review = '/repos/{owner}/{repo}/pulls/{pull_number}/comments';
      await check('POST', review, '/repos/acme/web-shop/pulls/1/comments', 201, {
        auth: token,
        body: { body: 'SQL injection', path: 'src/app.js', line: 2, side: 'RIGHT' },
      });
      await check('GET', review, '/repos/acme/web-shop/pulls/1/comments', 200, { auth: token });
      const reviews = '/repos/{owner}/{repo}/pulls/{pull_number}/reviews';
      await check('POST', reviews, '/repos/acme/web-shop/pulls/1/reviews', 200, {
        auth: token,
        body: {
          event: 'COMMENT',
          body: 'Scan results',
          comments: [{ path: 'src/app.js', line: 3, body: 'XSS' }],
        },
      });
      await check('GET', reviews, '/repos/acme/web-shop/pulls/1/reviews', 200, { auth: token });
    });

    it('refs, contents and a new pull request (the CI-file flow)', async () => {
      const ref = (await check(
        'GET',
        '/repos/{owner}/{repo}/git/ref/{ref}',
        '/repos/acme/web-shop/git/ref/heads/main',
        200,
        {
          auth: token,
        },
      )) as { object: { sha: string } };
      await check('POST', '/repos/{owner}/{repo}/git/refs', '/repos/acme/web-shop/git/refs', 201, {
        auth: token,
        body: { ref: 'refs/heads/scanner/add-ci', sha: ref.object.sha },
      });
      const contents = '/repos/{owner}/{repo}/contents/{path}';
      await check('GET', contents, '/repos/acme/web-shop/contents/README.md', 200, { auth: token });
      await check('GET', contents, '/repos/acme/web-shop/contents/src', 200, { auth: token });
      const put = {
        message: 'Add scan',
        content: Buffer.from('on: push\n').toString('base64'),
        branch: 'scanner/add-ci',
      };
      await check('PUT', contents, '/repos/acme/web-shop/contents/.github/workflows/scan.yml', 201, {
        auth: token,
        body: put,
      });
      await check('POST', '/repos/{owner}/{repo}/pulls', '/repos/acme/web-shop/pulls', 201, {
        auth: token,
        body: { title: 'Add scanning', head: 'scanner/add-ci', base: 'main' },
      });
    });

    it('files at a commit: contents as objects (small, over 1 MB, a directory), blobs, commit objects', async () => {
      const webShop = twin.state.requireRepo('acme/web-shop');
      const big = Buffer.alloc(1024 * 1024 + 10, 'x');
      const commit = twin.state.commit(webShop, 'main', 'Add a large file', new Map([['data/big.txt', big]]));
      const contents = '/repos/{owner}/{repo}/contents/{path}';
      const object = { auth: token, accept: 'application/vnd.github.object+json' };
      const objectSchema = { ...object, mediaType: 'application/vnd.github.object' };
      const small = (await check(
        'GET',
        contents,
        `/repos/acme/web-shop/contents/src/app.js?ref=${commit.sha}`,
        200,
        objectSchema,
      )) as {
        type: string;
        encoding: string;
        content: string;
        sha: string;
      };
      expect(small).toMatchObject({ type: 'file', encoding: 'base64' });
      const large = (await check(
        'GET',
        contents,
        `/repos/acme/web-shop/contents/data/big.txt?ref=${commit.sha}`,
        200,
        objectSchema,
      )) as {
        encoding: string;
        content: string;
        size: number;
        sha: string;
      };
      expect([large.encoding, large.content, large.size]).toEqual(['none', '', big.length]);
      const dir = (await check(
        'GET',
        contents,
        `/repos/acme/web-shop/contents/src?ref=${commit.sha}`,
        200,
        objectSchema,
      )) as {
        type: string;
        entries: unknown[];
      };
      expect(dir.type).toBe('dir');
      expect(dir.entries.length).toBeGreaterThan(0);
      await check(
        'GET',
        contents,
        `/repos/acme/web-shop/contents/src/nothing.js?ref=${commit.sha}`,
        404,
        object,
      );
      await check(
        'GET',
        contents,
        `/repos/acme/web-shop/contents/src/app.js?ref=${'f'.repeat(40)}`,
        404,
        object,
      );
      const blob = (await check(
        'GET',
        '/repos/{owner}/{repo}/git/blobs/{file_sha}',
        `/repos/acme/web-shop/git/blobs/${large.sha}`,
        200,
        { auth: token },
      )) as {
        content: string;
        encoding: string;
      };
      expect(Buffer.from(blob.content, 'base64').equals(big), 'the blob is the file').toBe(true);
      await check(
        'GET',
        '/repos/{owner}/{repo}/git/blobs/{file_sha}',
        `/repos/acme/web-shop/git/blobs/${'e'.repeat(40)}`,
        404,
        { auth: token },
      );
      const commitTemplate = '/repos/{owner}/{repo}/git/commits/{commit_sha}';
      const gitCommit = (await check(
        'GET',
        commitTemplate,
        `/repos/acme/web-shop/git/commits/${commit.sha}`,
        200,
        { auth: token },
      )) as {
        sha: string;
      };
      expect(gitCommit.sha).toBe(commit.sha);
      await check('GET', commitTemplate, `/repos/acme/web-shop/git/commits/${'0'.repeat(40)}`, 404, {
        auth: token,
      });
      const raw = await fetch(`${twin.apiUrl}/repos/acme/web-shop/contents/data/big.txt?ref=${commit.sha}`, {
        headers: { accept: 'application/vnd.github.raw+json', authorization: `Bearer ${token}` },
      });
      expect(Buffer.from(await raw.arrayBuffer()).equals(big), 'the raw media type is the file').toBe(true);
    });

    it('error answers have GitHub shapes', async () => {
      await check('GET', '/repos/{owner}/{repo}', '/repos/acme/does-not-exist', 404, { auth: token });
      await check('GET', '/app', '/app', 401, { auth: 'ghs_unknown' });
      await check(
        'POST',
        '/repos/{owner}/{repo}/issues/{issue_number}/comments',
        '/repos/acme/web-shop/issues/1/comments',
        422,
        {
          auth: token,
          body: { body: 'x'.repeat(65_537) },
        },
      );
    });

    it('manifest conversion', async () => {
      twin.state.manifestCodes.set('fidelity-code', {
        code: 'fidelity-code',
        appId: 3001,
        expiresAt: twin.state.now() + 60_000,
        used: false,
      });
      await check(
        'POST',
        '/app-manifests/{code}/conversions',
        '/app-manifests/fidelity-code/conversions',
        201,
      );
    });
  },
);
