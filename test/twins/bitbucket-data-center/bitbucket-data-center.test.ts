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

  it('gives repositories the RestRepository fields, with http and ssh clone links', async () => {
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
    const clone = (answer.body.links as { clone: { name: string; href: string }[] }).clone;
    expect(clone.map((c) => c.name).sort()).toEqual(['http', 'ssh']);
    expect(clone.find((c) => c.name === 'http')!.href).toBe(`${twin.baseUrl}/scm/shop/web.git`);
    const branch = await call('GET', `${api}/projects/SHOP/repos/api/default-branch`, reader);
    expect(branch.body).toMatchObject({ id: 'refs/heads/master', displayId: 'master', type: 'BRANCH' });
    const legacy = await call('GET', `/rest/api/latest/projects/SHOP/repos/api/branches/default`, reader);
    expect(legacy.body.displayId).toBe('master');
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
      expect(created.status).toBe(201);
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
      expect(deliveries).toEqual([{ webhookId: created.body.id, url, status: 200 }]);
      const [delivery] = received;
      const expected = createHmac('sha256', 'topsecret').update(delivery!.body).digest('hex');
      expect(delivery!.headers['x-hub-signature']).toBe(`sha256=${expected}`);
      expect(delivery!.headers['x-event-key']).toBe('pr:opened');
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
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
