import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCaPem } from '../server/twin-server.js';
import {
  demoBitbucketDataCenterScenario,
  startBitbucketDataCenterTwin,
  type BitbucketDataCenterTwin,
} from './index.js';

let twin: BitbucketDataCenterTwin;
beforeAll(async () => {
  twin = await startBitbucketDataCenterTwin(demoBitbucketDataCenterScenario());
});
afterAll(() => twin.close());

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function call(method: string, path: string, token?: string, body?: unknown): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${twin.baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

const api = '/rest/api/1.0';
const admin = 'bbdc-project-admin-token';
const reader = 'bbdc-project-read-token';
const alice = 'bbdc-alice-token';
const firstError = (a: Answer) =>
  (a.body.errors as { context: unknown; message: string; exceptionName: string }[])[0]!;

describe('Bitbucket Data Center twin: server and projects', () => {
  it('serves application-properties without authentication, under the context path, on 1.0 and latest', async () => {
    expect(twin.baseUrl).toBe(`${twin.url}/bitbucket`);
    for (const version of ['1.0', 'latest']) {
      const answer = await call('GET', `/rest/api/${version}/application-properties`);
      expect(answer.status).toBe(200);
      expect(Object.keys(answer.body).sort()).toEqual(['buildDate', 'buildNumber', 'displayName', 'version']);
      expect(answer.body.version).toBe('9.4.2');
    }
    const outside = await fetch(`${twin.url}/rest/api/1.0/application-properties`);
    expect(outside.status).toBe(404);
  });

  it('answers a project with the RestProject fields and names the caller in X-AUSERNAME', async () => {
    const answer = await call('GET', `${api}/projects/SHOP`, alice);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ key: 'SHOP', name: 'Shop', public: false, type: 'NORMAL' });
    expect(typeof answer.body.id).toBe('number');
    expect(answer.headers.get('x-ausername')).toBe('alice');
  });

  it('gives repositories the RestRepository fields, with http and ssh clone links and no default branch', async () => {
    const answer = await call('GET', `${api}/projects/SHOP/repos/web`, reader);
    expect(answer.status).toBe(200);
    for (const field of [
      'slug',
      'id',
      'name',
      'scmId',
      'state',
      'forkable',
      'project',
      'public',
      'archived',
      'links',
    ]) {
      expect(answer.body).toHaveProperty(field);
    }
    // `defaultBranch` is write-only in the reference: accepted on create, never answered.
    expect(answer.body).not.toHaveProperty('defaultBranch');
    const listed = await call('GET', `${api}/projects/SHOP/repos`, reader);
    for (const repo of listed.body.values as Record<string, unknown>[]) {
      expect(repo).not.toHaveProperty('defaultBranch');
    }
    const clone = (answer.body.links as { clone: { name: string; href: string }[] }).clone;
    expect(clone.map((c) => c.name).sort()).toEqual(['http', 'ssh']);
    expect(clone.find((c) => c.name === 'http')!.href).toBe(`${twin.baseUrl}/scm/shop/web.git`);
  });

  it('names the default branch as RestMinimalRef on /default-branch and RestBranch on /branches/default', async () => {
    const configured = await call('GET', `${api}/projects/SHOP/repos/api/default-branch`, reader);
    expect(configured.body).toEqual({ id: 'refs/heads/master', displayId: 'master', type: 'BRANCH' });
    const legacy = await call('GET', `/rest/api/latest/projects/SHOP/repos/api/branches/default`, reader);
    expect(legacy.body).toMatchObject({
      id: 'refs/heads/master',
      displayId: 'master',
      type: 'BRANCH',
      isDefault: true,
    });
    expect(legacy.body.latestCommit).toMatch(/^[0-9a-f]{40}$/);
    expect((await call('GET', `${api}/projects/SHOP/repos/api/default-branch`)).status).toBe(401);
  });

  it('answers an empty repository with 204 on /branches/default and its configured branch on /default-branch', async () => {
    const legacy = await fetch(`${twin.baseUrl}${api}/projects/SHOP/repos/sandbox/branches/default`, {
      headers: { authorization: `Bearer ${reader}` },
    });
    expect(legacy.status).toBe(204);
    expect(await legacy.text()).toBe('');
    const configured = await call('GET', `${api}/projects/SHOP/repos/sandbox/default-branch`, reader);
    expect(configured.status).toBe(200);
    expect(configured.body).toEqual({ id: 'refs/heads/main', displayId: 'main', type: 'BRANCH' });
    const branches = await call('GET', `${api}/projects/SHOP/repos/sandbox/branches`, reader);
    expect(branches.body).toMatchObject({ size: 0, values: [], isLastPage: true });
  });

  it('answers 404 on /branches/default when the configured branch was never pushed', async () => {
    const web = twin.state.findRepo(twin.state.projects.get('SHOP')!, 'web')!;
    const before = web.defaultBranch;
    web.defaultBranch = 'trunk';
    try {
      const legacy = await call('GET', `${api}/projects/SHOP/repos/web/branches/default`, reader);
      expect(legacy.status).toBe(404);
      expect(firstError(legacy).exceptionName).toBe(
        'com.atlassian.bitbucket.repository.NoSuchBranchException',
      );
      const configured = await call('GET', `${api}/projects/SHOP/repos/web/default-branch`, reader);
      expect(configured.body).toMatchObject({ displayId: 'trunk' });
    } finally {
      web.defaultBranch = before;
    }
  });

  it('pages 10,000 repositories at limit 1000 in exactly 10 requests, following nextPageStart', async () => {
    const before = twin.count(`/bitbucket${api}/projects/BIG/repos`);
    const slugs = new Set<string>();
    let start = 0;
    let pages = 0;
    for (;;) {
      const answer = await call(
        'GET',
        `${api}/projects/BIG/repos?start=${start}&limit=1000`,
        'bbdc-big-token',
      );
      pages += 1;
      expect(answer.body.limit).toBe(1000);
      for (const repo of answer.body.values as { slug: string }[]) slugs.add(repo.slug);
      if (answer.body.isLastPage) {
        expect(answer.body).not.toHaveProperty('nextPageStart');
        break;
      }
      start = answer.body.nextPageStart as number;
    }
    expect(pages).toBe(10);
    expect(twin.count(`/bitbucket${api}/projects/BIG/repos`) - before).toBe(10);
    expect(slugs.size).toBe(10_000);
    expect(slugs.has('repo-10000')).toBe(true);
  });

  it('caps limit at 1000 and defaults it to 25', async () => {
    const big = await call('GET', `${api}/projects/BIG/repos?limit=5000`, 'bbdc-big-token');
    expect(big.body).toMatchObject({ limit: 1000, size: 1000, isLastPage: false, nextPageStart: 1000 });
    const small = await call('GET', `${api}/projects/BIG/repos`, 'bbdc-big-token');
    expect(small.body).toMatchObject({ limit: 25, size: 25, start: 0, nextPageStart: 25 });
  });
});

describe('Bitbucket Data Center twin: tokens and errors', () => {
  it('answers an unknown or expired token with 401 and the RestErrors body', async () => {
    for (const token of ['nope', 'bbdc-expired-token']) {
      const answer = await call('GET', `${api}/projects/SHOP`, token);
      expect(answer.status).toBe(401);
      expect(Object.keys(answer.body)).toEqual(['errors']);
      expect(firstError(answer)).toEqual({
        context: null,
        message: 'Authentication failed. Please check your credentials and try again.',
        exceptionName: 'com.atlassian.bitbucket.auth.IncorrectPasswordAuthenticationException',
      });
    }
  });

  it('answers 401 AuthorisationException for a token of another project and for a missing permission', async () => {
    const other = await call('GET', `${api}/projects/SHOP`, 'bbdc-big-token');
    expect(other.status).toBe(401);
    expect(firstError(other).exceptionName).toBe('com.atlassian.bitbucket.AuthorisationException');
    const members = await call('GET', `${api}/projects/SHOP/permissions/users`, reader);
    expect(members.status).toBe(401);
    expect(firstError(members).message).toBe('You are not permitted to access this resource');
    const anonymous = await call('GET', `${api}/projects/SHOP`);
    expect(anonymous.status).toBe(401);
  });

  it('answers 404 NoSuchProjectException and NoSuchRepositoryException', async () => {
    const project = await call('GET', `${api}/projects/NOPE`, admin);
    expect(project.status).toBe(404);
    expect(firstError(project)).toMatchObject({
      exceptionName: 'com.atlassian.bitbucket.project.NoSuchProjectException',
      message: 'Project NOPE does not exist.',
    });
    const repo = await call('GET', `${api}/projects/SHOP/repos/nope`, admin);
    expect(firstError(repo).exceptionName).toBe(
      'com.atlassian.bitbucket.repository.NoSuchRepositoryException',
    );
  });

  it('lets anyone read a public project and limits a repository token to its repository', async () => {
    expect((await call('GET', `${api}/projects/OPEN/repos`)).status).toBe(200);
    const list = await call('GET', `${api}/projects/SHOP/repos`, 'bbdc-repo-write-token');
    expect((list.body.values as { slug: string }[]).map((r) => r.slug)).toEqual(['web']);
    expect((await call('GET', `${api}/projects/SHOP/repos/api`, 'bbdc-repo-write-token')).status).toBe(401);
  });

  it('lists members and groups with their permission for a project admin', async () => {
    const users = await call('GET', `${api}/projects/SHOP/permissions/users`, admin);
    const values = users.body.values as { user: { name: string; slug: string }; permission: string }[];
    expect(values.map((v) => [v.user.slug, v.permission])).toEqual([
      ['alice', 'PROJECT_ADMIN'],
      ['bob', 'PROJECT_WRITE'],
      ['carol', 'PROJECT_READ'],
    ]);
    const groups = await call('GET', `${api}/projects/SHOP/permissions/groups`, admin);
    expect(groups.body.values).toEqual([{ group: { name: 'developers' }, permission: 'PROJECT_WRITE' }]);
  });

  it('lists project tokens for an admin and mints new ones that work once', async () => {
    const list = await call('GET', '/rest/access-tokens/latest/projects/SHOP', admin);
    expect(list.status).toBe(200);
    expect((list.body.values as { name: string }[]).map((t) => t.name)).toContain('scanner (read)');
    expect((await call('GET', '/rest/access-tokens/latest/projects/SHOP', reader)).status).toBe(401);
    const created = await call('PUT', '/rest/access-tokens/latest/projects/SHOP', admin, {
      name: 'minted',
      permissions: ['PROJECT_READ', 'REPO_READ'],
      expiryDays: 30,
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ name: 'minted', expiryDays: 30 });
    expect((await call('GET', `${api}/projects/SHOP/repos`, created.body.token as string)).status).toBe(200);
    const bad = await call('PUT', '/rest/access-tokens/latest/projects/SHOP', admin, {
      name: 'x',
      permissions: ['ALL'],
    });
    expect(bad.status).toBe(400);
  });

  it('passes injected faults through the base', async () => {
    twin.faults.next({ kind: 'status', status: 503 }, 1, '/bitbucket/rest');
    expect((await call('GET', `${api}/projects/SHOP`, admin)).status).toBe(503);
    expect((await call('GET', `${api}/projects/SHOP`, admin)).status).toBe(200);
  });
});

describe('Bitbucket Data Center twin: pull requests, comments, files, webhooks', () => {
  const prs = `${api}/projects/SHOP/repos/web/pull-requests`;

  it('creates a pull request once and refuses a duplicate with 409', async () => {
    await call('POST', '/rest/branch-utils/latest/projects/SHOP/repos/web/branches', alice, {
      name: 'scanner/add-ci',
      startPoint: 'refs/heads/main',
    });
    const branchAgain = await call(
      'POST',
      '/rest/branch-utils/latest/projects/SHOP/repos/web/branches',
      alice,
      {
        name: 'scanner/add-ci',
        startPoint: 'refs/heads/main',
      },
    );
    expect(branchAgain.status).toBe(409);
    const form = new FormData();
    form.set('content', 'pipeline {}\n');
    form.set('message', 'Add Jenkinsfile');
    form.set('branch', 'scanner/add-ci');
    const edit = (token: string) =>
      fetch(`${twin.baseUrl}${api}/projects/SHOP/repos/web/browse/Jenkinsfile`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
    expect((await edit(admin)).status).toBe(403);
    const committed = await edit(alice);
    expect(committed.status).toBe(200);
    expect(((await committed.json()) as { message: string }).message).toBe('Add Jenkinsfile');
    expect((await edit(alice)).status).toBe(409);

    const body = {
      title: 'Add CI',
      fromRef: { id: 'refs/heads/scanner/add-ci' },
      toRef: { id: 'refs/heads/main' },
    };
    const created = await call('POST', prs, admin, body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ title: 'Add CI', state: 'OPEN', open: true, version: 0 });
    expect((await call('POST', prs, admin, body)).status).toBe(409);
    const open = await call('GET', `${prs}?state=OPEN`, reader);
    expect((open.body.values as { title: string }[]).map((p) => p.title)).toEqual(['Add CI', 'Add login']);
  });

  it('adds an anchored comment, updates it with the current version and refuses a stale one', async () => {
    const anchor = { path: 'src/app.ts', line: 1, lineType: 'ADDED', fileType: 'TO', diffType: 'EFFECTIVE' };
    const created = await call('POST', `${prs}/1/comments`, admin, {
      text: 'Finding <!-- scanner -->',
      anchor,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ version: 0, text: 'Finding <!-- scanner -->', anchor });
    const id = created.body.id as number;
    const updated = await call('PUT', `${prs}/1/comments/${id}`, admin, { text: 'Updated', version: 0 });
    expect(updated.status).toBe(200);
    expect(updated.body.version).toBe(1);
    const stale = await call('PUT', `${prs}/1/comments/${id}`, admin, { text: 'Again', version: 0 });
    expect(stale.status).toBe(409);
    expect(firstError(stale).exceptionName).toBe('com.atlassian.bitbucket.comment.CommentOutOfDateException');
    const bad = await call('POST', `${prs}/1/comments`, admin, {
      text: 'x',
      anchor: { path: 'a', lineType: 'SIDEWAYS' },
    });
    expect(bad.status).toBe(400);
    const activities = await call('GET', `${prs}/1/activities`, reader);
    expect((activities.body.values as { comment: { text: string } }[]).map((a) => a.comment.text)).toContain(
      'Updated',
    );
    expect((await call('DELETE', `${prs}/1/comments/${id}?version=0`, admin)).status).toBe(409);
    expect((await call('DELETE', `${prs}/1/comments/${id}?version=1`, admin)).status).toBe(204);
    expect((await call('GET', `${prs}/1/comments/${id}`, admin)).status).toBe(404);
  });

  it('reads files at a commit: browse type and lines, raw bytes, the commit, and their 404s', async () => {
    const repo = `${api}/projects/SHOP/repos/web`;
    const seeded = twin.state.findRepo(twin.state.projects.get('SHOP')!, 'web')!.branches.get('main')!.head;
    const { after } = twin.push('SHOP', 'web', 'main', { 'src/app.ts': 'export const app = 2;\n' });
    const raw = async (path: string, at: string) => {
      const res = await fetch(`${twin.baseUrl}${repo}/raw/${path}?at=${at}`, {
        headers: { authorization: `Bearer ${reader}` },
      });
      return { status: res.status, text: await res.text() };
    };
    expect(await raw('src/app.ts', seeded)).toEqual({ status: 200, text: 'export const app = 1;\n' });
    expect(await raw('src/app.ts', after)).toEqual({ status: 200, text: 'export const app = 2;\n' });
    expect((await raw('src/app.ts', 'refs/heads/main')).text).toBe('export const app = 2;\n');
    expect((await call('GET', `${repo}/browse/src/app.ts?at=${seeded}&type=true`, reader)).body).toEqual({
      type: 'FILE',
    });
    expect((await call('GET', `${repo}/browse/src?at=${seeded}&type=true`, reader)).body).toEqual({
      type: 'DIRECTORY',
    });
    expect((await call('GET', `${repo}/browse/src/app.ts?at=${seeded}&size=true`, reader)).body).toEqual({
      size: 22,
    });
    const lines = await call('GET', `${repo}/browse/src/app.ts?at=${after}`, reader);
    expect(lines.body).toMatchObject({ lines: [{ text: 'export const app = 2;' }], isLastPage: true });
    const listing = await call('GET', `${repo}/browse/src?at=${after}`, reader);
    expect(listing.body).toMatchObject({
      children: { values: [{ path: { name: 'app.ts' }, type: 'FILE' }] },
    });
    const missing = await call('GET', `${repo}/browse/src/none.ts?at=${seeded}&type=true`, reader);
    expect([missing.status, firstError(missing).exceptionName]).toEqual([
      404,
      'com.atlassian.bitbucket.content.NoSuchPathException',
    ]);
    const unknown = await call('GET', `${repo}/browse/src/app.ts?at=${'f'.repeat(40)}&type=true`, reader);
    expect([unknown.status, firstError(unknown).exceptionName]).toEqual([
      404,
      'com.atlassian.bitbucket.commit.NoSuchCommitException',
    ]);
    expect((await raw('src/app.ts', 'f'.repeat(40))).status).toBe(404);
    expect((await call('GET', `${repo}/commits/${after}`, reader)).body).toMatchObject({ id: after });
    expect((await call('GET', `${repo}/commits/${'f'.repeat(40)}`, reader)).status).toBe(404);
    expect((await call('GET', `${repo}/commits/${seeded}`, reader)).body).toMatchObject({ id: seeded });
    const other = await call(
      'GET',
      `${api}/projects/SHOP/repos/web/raw/src/app.ts?at=${seeded}`,
      'bbdc-expired-token',
    );
    expect(other.status).toBe(401);
  });

  it('refuses pull requests on an archived repository with 409', async () => {
    const body = { title: 'x', fromRef: { id: 'refs/heads/main' }, toRef: { id: 'refs/heads/main' } };
    const archived = await call('POST', `${api}/projects/SHOP/repos/legacy/pull-requests`, admin, body);
    expect(archived.status).toBe(409);
    expect(firstError(archived).exceptionName).toBe(
      'com.atlassian.bitbucket.repository.RepositoryArchivedException',
    );
  });

  it('creates a webhook with a secret it keeps to itself, and signs deliveries with it', async () => {
    const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    try {
      const created = await call('POST', `${api}/projects/SHOP/webhooks`, admin, {
        name: 'scanner',
        url,
        events: ['pr:opened', 'repo:refs_changed'],
        configuration: { secret: 'topsecret' },
      });
      // The reference answers a created webhook with 200.
      expect(created.status).toBe(200);
      expect(created.body).toMatchObject({
        name: 'scanner',
        url,
        active: true,
        scopeType: 'project',
        configuration: {},
      });
      expect(
        (await call('POST', `${api}/projects/SHOP/webhooks`, reader, { name: 'y', url, events: ['x'] }))
          .status,
      ).toBe(401);
      const deliveries = await twin.deliver('pr:opened', { eventKey: 'pr:opened' }, { projectKey: 'SHOP' });
      expect(deliveries).toMatchObject([{ webhookId: created.body.id, url, status: 200 }]);
      const [delivery] = received;
      const expected = createHmac('sha256', 'topsecret').update(delivery!.body).digest('hex');
      expect(delivery!.headers['x-hub-signature']).toBe(`sha256=${expected}`);
      expect(delivery!.headers['x-event-key']).toBe('pr:opened');
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});

describe('Bitbucket Data Center twin: users and the caller headers', () => {
  it('answers a user by slug as RestApplicationUser, numeric id included', async () => {
    const answer = await call('GET', `${api}/users/alice`, reader);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      name: 'alice',
      slug: 'alice',
      displayName: 'Alice Admin',
      active: true,
      type: 'NORMAL',
    });
    expect(typeof answer.body.id).toBe('number');
  });

  it('answers the service user behind a project token, whose id it sends in X-AUSERID', async () => {
    const project = await call('GET', `${api}/projects/SHOP`, reader);
    const name = project.headers.get('x-ausername')!;
    const user = await call('GET', `${api}/users/${name}`, reader);
    expect(user.body).toMatchObject({ name, type: 'SERVICE' });
    expect(String(user.body.id)).toBe(project.headers.get('x-auserid'));
  });

  it('answers an unknown user with 404 NoSuchUserException and an anonymous caller with 401', async () => {
    const unknown = await call('GET', `${api}/users/nobody`, reader);
    expect(unknown.status).toBe(404);
    expect(firstError(unknown).exceptionName).toBe('com.atlassian.bitbucket.user.NoSuchUserException');
    expect((await call('GET', `${api}/users/alice`)).status).toBe(401);
  });

  it('lists a deactivated user among the project permissions, marked active: false', async () => {
    const scenario = demoBitbucketDataCenterScenario();
    const withLeaver = await startBitbucketDataCenterTwin({
      ...scenario,
      users: [...scenario.users, { name: 'dave', active: false }],
      projects: [{ key: 'SHOP', members: [{ user: 'dave', permission: 'PROJECT_WRITE' }] }],
    });
    try {
      const answer = await fetch(`${withLeaver.baseUrl}${api}/projects/SHOP/permissions/users`, {
        headers: { authorization: `Bearer ${admin}` },
      });
      const body = (await answer.json()) as { values: { user: { name: string; active: boolean } }[] };
      expect(body.values.map((v) => v.user)).toMatchObject([{ name: 'dave', active: false }]);
    } finally {
      await withLeaver.close();
    }
  });

  it('drops X-AUSERID when the scenario puts a proxy in front that strips it', async () => {
    twin.state.userHeaders = 'name-only';
    try {
      const answer = await call('GET', `${api}/projects/SHOP`, alice);
      expect(answer.headers.get('x-ausername')).toBe('alice');
      expect(answer.headers.has('x-auserid')).toBe(false);
    } finally {
      twin.state.userHeaders = 'id-and-name';
    }
  });
});

describe('Bitbucket Data Center twin: what older releases serve', () => {
  const at = async (version: string, run: (older: BitbucketDataCenterTwin) => Promise<void>) => {
    const older = await startBitbucketDataCenterTwin({ ...demoBitbucketDataCenterScenario(), version });
    try {
      await run(older);
    } finally {
      await older.close();
    }
  };
  const get = async (older: BitbucketDataCenterTwin, path: string) => {
    const res = await fetch(`${older.baseUrl}${path}`, { headers: { authorization: `Bearer ${reader}` } });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };

  it('has no /default-branch before 7.5, only /branches/default', async () => {
    await at('7.4.2', async (older) => {
      expect((await get(older, `${api}/projects/SHOP/repos/api/default-branch`)).status).toBe(404);
      const legacy = await get(older, `${api}/projects/SHOP/repos/api/branches/default`);
      expect(legacy.body).toMatchObject({ displayId: 'master', isDefault: true });
    });
    await at('7.5.0', async (older) => {
      const configured = await get(older, `${api}/projects/SHOP/repos/api/default-branch`);
      expect(configured.body).toEqual({ id: 'refs/heads/master', displayId: 'master', type: 'BRANCH' });
    });
  });

  it('has no archived flag on repositories before 8.0 and no draft flag on pull requests before 8.18', async () => {
    await at('7.21.0', async (older) => {
      expect((await get(older, `${api}/projects/SHOP/repos/web`)).body).not.toHaveProperty('archived');
    });
    await at('8.17.0', async (older) => {
      expect((await get(older, `${api}/projects/SHOP/repos/web`)).body).toHaveProperty('archived', false);
      const pr = await get(older, `${api}/projects/SHOP/repos/web/pull-requests/1`);
      expect(pr.body).toHaveProperty('title', 'Add login');
      expect(pr.body).not.toHaveProperty('draft');
    });
    const pr = await call('GET', `${api}/projects/SHOP/repos/web/pull-requests/1`, reader);
    expect(pr.body).toHaveProperty('draft', false);
  });
});

describe('Bitbucket Data Center twin over TLS', () => {
  it('serves HTTPS with the test CA', async () => {
    const secure = await startBitbucketDataCenterTwin({ users: [], tokens: [], projects: [] }, { tls: true });
    try {
      const body = await new Promise<string>((resolve, reject) => {
        https
          .get(`${secure.baseUrl}/rest/api/latest/application-properties`, { ca: testCaPem() }, (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => resolve(text));
          })
          .on('error', reject);
      });
      expect(JSON.parse(body)).toMatchObject({ displayName: 'Bitbucket' });
    } finally {
      await secure.close();
    }
  });
});
