import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAzureDevOpsScenario, startAzureDevOpsTwin, type AzureDevOpsTwin } from './index.js';

let twin: AzureDevOpsTwin;
beforeAll(async () => {
  twin = await startAzureDevOpsTwin(demoAzureDevOpsScenario());
});
afterAll(() => twin.close());

const basic = (pat: string) => `Basic ${Buffer.from(`:${pat}`).toString('base64')}`;

async function call(
  path: string,
  pat?: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...init.headers };
  if (pat) headers.authorization = basic(pat);
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${twin.url}${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  const json =
    res.headers.get('content-type')?.includes('json') && text
      ? (JSON.parse(text) as Record<string, unknown>)
      : {};
  return { status: res.status, headers: res.headers, text, body: json };
}

const pat = 'ado-scanner-pat';
const errorShape = ['$id', 'errorCode', 'eventId', 'innerException', 'message', 'typeKey', 'typeName'];

describe('Azure DevOps twin: authentication answers', () => {
  it('answers a missing api-version with 400 VssVersionNotSpecifiedException in the service error shape', async () => {
    const answer = await call('/contoso/_apis/projects', pat);
    expect(answer.status).toBe(400);
    expect(Object.keys(answer.body).sort()).toEqual(errorShape);
    expect(answer.body).toMatchObject({
      $id: '1',
      innerException: null,
      typeKey: 'VssVersionNotSpecifiedException',
      errorCode: 0,
      eventId: 3000,
    });
    expect(answer.body.message).toContain('No api-version was supplied for the "GET" request.');
    expect((await call('/contoso/_apis/projects?api-version=9.0', pat)).body.typeKey).toBe(
      'VssVersionOutOfRangeException',
    );
  });

  it('takes the api-version from the Accept header too', async () => {
    const answer = await call('/contoso/_apis/projects', pat, {
      headers: { accept: 'application/json;api-version=7.1' },
    });
    expect(answer.status).toBe(200);
  });

  it('answers a bad, expired or foreign-organization PAT with 203 + HTML sign-in page, or 401 when suppressed', async () => {
    for (const [path, token] of [
      ['/contoso/_apis/projects?api-version=7.1', 'nope'],
      ['/contoso/_apis/projects?api-version=7.1', 'ado-expired-pat'],
      ['/bigorg/_apis/projects?api-version=7.1', pat],
      ['/contoso/_apis/projects?api-version=7.1', undefined],
    ] as const) {
      const browserLike = await call(path, token);
      expect(browserLike.status).toBe(203);
      expect(browserLike.headers.get('content-type')).toContain('text/html');
      expect(browserLike.text).toContain('Sign In');
      const suppressed = await call(path, token, { headers: { 'x-tfs-fedauthredirect': 'Suppress' } });
      expect(suppressed.status).toBe(401);
      expect(suppressed.headers.get('www-authenticate')).toContain('Basic realm=');
      expect(suppressed.body.typeKey).toBe('UnauthorizedRequestException');
    }
  });

  it('answers 401 TF400813 for a PAT without the scope and 404 for an unknown organization', async () => {
    const scopeless = await call('/contoso/_apis/userentitlements?api-version=7.1', 'ado-code-read-pat');
    expect(scopeless.status).toBe(401);
    expect(scopeless.body.message).toBe(
      "TF400813: The user 'carol@example.com' is not authorized to access this resource.",
    );
    const unknown = await call('/no-such-org/_apis/projects?api-version=7.1', pat);
    expect(unknown.status).toBe(404);
    expect(Object.keys(unknown.body).sort()).toEqual(errorShape);
  });

  it('answers connectionData without an api-version and the profile on the profile host', async () => {
    const data = await call('/contoso/_apis/connectionData', pat);
    expect(data.status).toBe(200);
    expect(data.body.authenticatedUser).toMatchObject({ providerDisplayName: 'Alice Admin', isActive: true });
    const profile = await call('/_apis/profile/profiles/me?api-version=7.1', pat);
    expect(profile.body).toMatchObject({ displayName: 'Alice Admin', emailAddress: 'alice@example.com' });
  });
});

describe('Azure DevOps twin: listing and paging', () => {
  it('pages 252 projects with $top=100 through x-ms-continuationtoken in 3 requests', async () => {
    const names: string[] = [];
    let token: string | null = '';
    let requests = 0;
    while (token !== null) {
      const suffix: string = token ? `&continuationToken=${token}` : '';
      const answer = await call(`/contoso/_apis/projects?api-version=7.1&$top=100${suffix}`, pat);
      requests += 1;
      names.push(...(answer.body.value as { name: string }[]).map((p) => p.name));
      expect(answer.body.count).toBe((answer.body.value as unknown[]).length);
      token = answer.headers.get('x-ms-continuationtoken');
    }
    expect(requests).toBe(3);
    expect(new Set(names).size).toBe(252);
    expect(names.at(-1)).toBe('project-0250');
  });

  it('lists 10,000 repositories of an organization in one unpaginated answer', async () => {
    const answer = await call('/bigorg/_apis/git/repositories?api-version=7.1', 'ado-full-pat');
    expect(answer.status).toBe(200);
    expect(answer.body.count).toBe(10_000);
    const repos = answer.body.value as { id: string; name: string }[];
    expect(new Set(repos.map((r) => r.id)).size).toBe(10_000);
    const last = repos.at(-1)!;
    expect(last.name).toBe('repo-10000');
    const one = await call(`/bigorg/_apis/git/repositories/${last.id}?api-version=7.1`, 'ado-full-pat');
    expect(one.body).toMatchObject({ id: last.id, name: 'repo-10000', defaultBranch: 'refs/heads/main' });
  });

  it('matches the fixed path segments case-insensitively and answers TF401019 / TF200016', async () => {
    const lower = await call('/contoso/Shop/_apis/git/repositories/web/pullrequests?api-version=7.1', pat);
    const camel = await call('/contoso/Shop/_apis/git/repositories/web/pullRequests?api-version=7.1', pat);
    expect(lower.body).toEqual(camel.body);
    expect(lower.body.count).toBe(1);
    const repo = await call('/contoso/Shop/_apis/git/repositories/nope?api-version=7.1', pat);
    expect(repo.status).toBe(404);
    expect(repo.body.message).toMatch(/^TF401019: /);
    const hidden = await call('/contoso/Internal/_apis/git/repositories?api-version=7.1', 'ado-bob-pat');
    expect(hidden.status).toBe(404);
    expect(hidden.body.typeKey).toBe('ProjectDoesNotExistWithNameException');
  });

  it('needs -preview for graph users and lists members with their access level', async () => {
    expect((await call('/contoso/_apis/graph/users?api-version=7.1', pat)).body.typeKey).toBe(
      'VssInvalidPreviewVersionException',
    );
    const users = await call('/contoso/_apis/graph/users?api-version=7.1-preview.1', pat);
    expect((users.body.value as { principalName: string }[]).map((u) => u.principalName)).toEqual([
      'alice@example.com',
      'bob@example.com',
      'carol@example.com',
      'dave@example.com',
    ]);
    const entitlements = await call('/contoso/_apis/userentitlements?api-version=7.1', pat);
    const items = entitlements.body.items as {
      user: { principalName: string };
      accessLevel: { accountLicenseType: string };
    }[];
    expect(items.map((i) => [i.user.principalName, i.accessLevel.accountLicenseType])).toEqual([
      ['alice@example.com', 'advanced'],
      ['bob@example.com', 'express'],
      ['carol@example.com', 'stakeholder'],
      ['dave@example.com', 'express'],
    ]);
    expect(entitlements.body).toMatchObject({ totalCount: 4, continuationToken: null });
  });

  it('refuses a push from a project reader with 403 TF401027 and a stale push with 409 TF401028', async () => {
    const push = (token: string, oldObjectId: string) =>
      call('/contoso/Shop/_apis/git/repositories/web/pushes?api-version=7.1', token, {
        method: 'POST',
        body: {
          refUpdates: [{ name: 'refs/heads/main', oldObjectId }],
          commits: [
            {
              comment: 'x',
              changes: [
                {
                  changeType: 'add',
                  item: { path: '/x.txt' },
                  newContent: { content: 'x', contentType: 'rawtext' },
                },
              ],
            },
          ],
        },
      });
    const head = twin.state.organizations
      .get('contoso')!
      .projects[0]!.repos.get('web')!
      .refs.get('refs/heads/main')!;
    const reader = await push('ado-carol-write-pat', head);
    expect(reader.status).toBe(403);
    expect(reader.body.message).toMatch(/^TF401027: You need the Git 'GenericContribute' permission/);
    const stale = await push('ado-bob-pat', '1'.repeat(40));
    expect(stale.status).toBe(409);
    expect(stale.body.message).toMatch(/^TF401028: /);
    expect((await push('ado-bob-pat', head)).status).toBe(201);
  });
});

describe('Azure DevOps twin: files at a commit', () => {
  it('answers items as JSON or raw, blobs by objectId, and TF401174 / TF401175 for a missing path or commit', async () => {
    const shop = twin.state.findProject(twin.state.organizations.get('contoso')!, 'Shop')!;
    const web = twin.state.findRepo(shop, 'web')!;
    const seeded = web.refs.get('refs/heads/main')!;
    // A commit on top of the seeded one that no ref points at: still readable by its id.
    const files = new Map([...web.commits.get(seeded)!.files, ['/src/app.ts', 'export const app = 2;\n']]);
    const after = twin.state.commit(web, seeded, 'Change the app', files).id;
    const repo = `/contoso/Shop/_apis/git/repositories/${web.id}`;
    const item = (path: string, commit: string, extra = '') =>
      call(
        `${repo}/items?path=${encodeURIComponent(path)}&versionDescriptor.version=${commit}&versionDescriptor.versionType=commit&api-version=7.1${extra}`,
        pat,
      );
    const old = await item('/src/app.ts', seeded, '&$format=json');
    expect(old.body).toMatchObject({ gitObjectType: 'blob', path: '/src/app.ts', commitId: seeded });
    const now = await item('src/app.ts', after, '&$format=json&includeContent=true');
    expect(now.body).toMatchObject({ content: 'export const app = 2;\n', commitId: after });
    expect(now.body.objectId).not.toBe(old.body.objectId);
    expect((await item('/src/app.ts', seeded, '&$format=octetStream')).text).toBe('export const app = 1;\n');
    const blob = await call(
      `${repo}/blobs/${String(old.body.objectId)}?$format=octetstream&api-version=7.1`,
      pat,
    );
    expect(blob.text).toBe('export const app = 1;\n');
    expect((await item('/src', after)).body).toMatchObject({ isFolder: true, gitObjectType: 'tree' });
    const missing = await item('/src/none.ts', after);
    expect([missing.status, missing.body.typeKey]).toEqual([404, 'GitItemNotFoundException']);
    expect(missing.body.message).toContain('TF401174');
    const unknown = await item('/src/app.ts', 'f'.repeat(40));
    expect([unknown.status, unknown.body.typeKey]).toEqual([404, 'GitUnresolvableToCommitException']);
    expect((await call(`${repo}/commits/${after}?api-version=7.1`, pat)).body).toMatchObject({
      commitId: after,
    });
    expect((await call(`${repo}/commits/${'f'.repeat(40)}?api-version=7.1`, pat)).status).toBe(404);
    expect((await call(`${repo}/blobs/${'e'.repeat(40)}?api-version=7.1`, pat)).status).toBe(404);
  });
});

describe('Azure DevOps twin: service hooks and faults', () => {
  it('creates subscriptions (https for basic auth, password masked) and delivers events with the configured header', async () => {
    const received: http.IncomingHttpHeaders[] = [];
    const receiver = http.createServer((req, res) => {
      received.push(req.headers);
      req.resume();
      req.on('end', () => res.end());
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/ado`;
    const subscribe = (consumerInputs: Record<string, string>, token = pat) =>
      call('/contoso/_apis/hooks/subscriptions?api-version=7.1', token, {
        method: 'POST',
        body: {
          publisherId: 'tfs',
          eventType: 'git.pullrequest.created',
          consumerId: 'webHooks',
          consumerActionId: 'httpRequest',
          consumerInputs,
        },
      });
    try {
      expect((await subscribe({ url, basicAuthUsername: 'u', basicAuthPassword: 'p' })).status).toBe(400);
      const secure = await subscribe({
        url: 'https://hooks.example.com/ado',
        basicAuthUsername: 'u',
        basicAuthPassword: 'p',
      });
      expect(secure.status).toBe(200);
      expect((secure.body.consumerInputs as Record<string, string>).basicAuthPassword).toBe('********');
      // Bob's token may call the endpoint (vso.code_write carries it) but he may not edit subscriptions.
      const notAdmin = await subscribe({ url }, 'ado-bob-pat');
      expect(notAdmin.status).toBe(403);
      expect(notAdmin.body.typeKey).toBe('AccessCheckException');
      const plain = await subscribe({ url, httpHeaders: 'X-Scanner-Secret: abc123' });
      expect(plain.status).toBe(200);
      const deliveries = await twin.deliver('contoso', 'git.pullrequest.created', { pullRequestId: 1 });
      expect(deliveries.find((d) => d.url === url)).toMatchObject({
        status: 200,
        subscriptionId: plain.body.id,
      });
      expect(received[0]!['x-scanner-secret']).toBe('abc123');
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it('passes injected rate limits through the base', async () => {
    twin.faults.next({ kind: 'rate-limit', retryAfterSeconds: 7 }, 1, '/contoso/');
    const limited = await call('/contoso/_apis/projects?api-version=7.1', pat);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect((await call('/contoso/_apis/projects?api-version=7.1', pat)).status).toBe(200);
  });
});
