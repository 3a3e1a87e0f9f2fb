import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  startTwinServer,
  TwinRouter,
  type TwinResponse,
  type TwinServer,
} from '../../../test/twins/server/twin-server.js';
import { ScmError } from '../errors.js';
import { parseAllowlist } from './allowlist.js';
import {
  createScmHttp,
  createScmHttpShared,
  type ScmHttp,
  type ScmHttpOptions,
  type ScmRequest,
} from './client.js';
import {
  continuationTokenPagination,
  linkHeaderPagination,
  nextLink,
  nextUrlPagination,
  startLimitPagination,
  type PaginationStrategy,
} from './pagination.js';
import { startCanary, type Canary } from './testing/canary.js';

const item = z.object({ id: z.number() });
const items = (count: number) => Array.from({ length: count }, (_, index) => ({ id: index + 1 }));
const page = <T>(all: T[], from: number, size: number) => all.slice(from, from + size);
const ids = (count: number) => items(count).map((entry) => entry.id);

let twin: TwinServer;
let canary: Canary;
let evilNext = '';
const clients: ScmHttp[] = [];

function client(options: Partial<ScmHttpOptions> = {}) {
  const http = createScmHttp({
    baseUrl: new URL(twin.url),
    policy: { allowlist: parseAllowlist(`127.0.0.1:${twin.port}`), accountId: 'org-a' },
    shared: createScmHttpShared(),
    allowHttp: true,
    ...options,
  });
  clients.push(http);
  return http;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const entry of iterable) all.push(entry);
  return all;
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => {
      if (error instanceof ScmError) return error;
      throw error;
    },
  );

beforeAll(async () => {
  canary = await startCanary({ hosts: ['127.0.0.1'] });
  const repos = items(250);
  const router = new TwinRouter()
    // GitHub: offset pages, absolute Link.
    .get('/orgs/acme/repos', (request): TwinResponse => {
      const perPage = Number(request.url.searchParams.get('per_page') ?? 30);
      const pageNo = Number(request.url.searchParams.get('page') ?? 1);
      const last = Math.ceil(repos.length / perPage);
      const link =
        pageNo < last
          ? `<${request.origin}/orgs/acme/repos?per_page=${perPage}&page=${pageNo + 1}>; rel="next"`
          : '';
      return {
        headers: link
          ? { link: `${link}, <${request.origin}/orgs/acme/repos?page=${last}>; rel="last"` }
          : {},
        body: page(repos, (pageNo - 1) * perPage, perPage),
      };
    })
    // GitLab keyset: relative Link with id_after.
    .get('/api/v4/groups/1/projects', (request): TwinResponse => {
      const perPage = Number(request.url.searchParams.get('per_page'));
      const after = Number(request.url.searchParams.get('id_after') ?? 0);
      const body = repos.filter((repo) => repo.id > after).slice(0, perPage);
      const lastId = body.at(-1)?.id ?? 0;
      const more = lastId < repos.length;
      const next = `/api/v4/groups/1/projects?pagination=keyset&per_page=${perPage}&order_by=id&sort=asc&id_after=${lastId}`;
      return { headers: more ? { link: `<${next}>; rel="next"` } : {}, body };
    })
    // Bitbucket Cloud: {values, next}.
    .get('/2.0/repositories/ws', (request) => {
      const pagelen = Number(request.url.searchParams.get('pagelen') ?? 10);
      const pageNo = Number(request.url.searchParams.get('page') ?? 1);
      const values = page(repos, (pageNo - 1) * pagelen, pagelen);
      const more = pageNo * pagelen < repos.length;
      return {
        body: {
          pagelen,
          values,
          ...(more
            ? { next: `${request.origin}/2.0/repositories/ws?pagelen=${pagelen}&page=${pageNo + 1}` }
            : {}),
        },
      };
    })
    // Bitbucket Data Center: caps limit at 25 whatever is asked.
    .get('/rest/api/latest/projects/KEY/repos', (request) => {
      const limit = Math.min(25, Number(request.url.searchParams.get('limit') ?? 25));
      const start = Number(request.url.searchParams.get('start') ?? 0);
      const values = page(repos.slice(0, 60), start, limit);
      const isLastPage = start + limit >= 60;
      return {
        body: {
          size: values.length,
          limit,
          start,
          isLastPage,
          values,
          ...(isLastPage ? {} : { nextPageStart: start + limit }),
        },
      };
    })
    // Azure DevOps: token in the x-ms-continuationtoken header.
    .get('/org/_apis/projects', (request): TwinResponse => {
      const top = Number(request.url.searchParams.get('$top'));
      const from = Number(request.url.searchParams.get('continuationToken') ?? 0);
      const value = page(repos, from, top);
      const more = from + top < repos.length;
      return {
        headers: more ? { 'x-ms-continuationtoken': String(from + top) } : {},
        body: { count: value.length, value },
      };
    })
    // Azure DevOps user entitlements: {items, continuationToken} in the body.
    .get('/org/_apis/userentitlements', (request) => {
      const from = Number(request.url.searchParams.get('continuationToken') ?? 0);
      const more = from + 100 < repos.length;
      return { body: { items: page(repos, from, 100), continuationToken: more ? String(from + 100) : null } };
    })
    .get('/evil-link', (request) => ({
      headers: { link: `<${evilNext}>; rel="next"` },
      body: request.url.searchParams.has('followed') ? [] : [{ id: 1 }],
    }))
    .get('/evil-next', () => ({ body: { values: [{ id: 1 }], next: evilNext } }))
    .get('/loop', (request) => ({
      headers: { link: `<${request.origin}/loop?per_page=100>; rel="next"` },
      body: [],
    }))
    .get('/bad-item', () => ({ body: [{ id: 'one' }] }))
    .get('/bad-page', () => ({ body: { values: 'nope' } }));
  twin = await startTwinServer(router);
});
afterAll(async () => {
  await twin.close();
  await canary.close();
});
beforeEach(() => {
  twin.log.length = 0;
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((http) => http.close()));
  expect(canary.connections()).toBe(0);
});

describe('pagination strategies against small twins', () => {
  it.each<[string, ScmRequest, PaginationStrategy, number, number]>([
    ['GitHub Link header', { path: '/orgs/acme/repos' }, linkHeaderPagination(), 250, Math.ceil(250 / 100)],
    [
      'GitHub, per_page 30',
      { path: '/orgs/acme/repos' },
      linkHeaderPagination({ perPage: 30 }),
      250,
      Math.ceil(250 / 30),
    ],
    [
      'GitLab keyset',
      { path: '/api/v4/groups/1/projects', query: { pagination: 'keyset', order_by: 'id', sort: 'asc' } },
      linkHeaderPagination(),
      250,
      Math.ceil(250 / 100),
    ],
    ['Bitbucket Cloud', { path: '/2.0/repositories/ws' }, nextUrlPagination(), 250, Math.ceil(250 / 100)],
    [
      'Bitbucket Data Center (server caps limit at 25)',
      { path: '/rest/api/latest/projects/KEY/repos' },
      startLimitPagination(),
      60,
      Math.ceil(60 / 25),
    ],
    [
      'Azure DevOps header token',
      { path: '/org/_apis/projects' },
      continuationTokenPagination(),
      250,
      Math.ceil(250 / 100),
    ],
    [
      'Azure DevOps body token',
      { path: '/org/_apis/userentitlements' },
      continuationTokenPagination({ itemsKey: 'items' }),
      250,
      Math.ceil(250 / 100),
    ],
  ])('%s: every item, in ceil(N / page size) requests', async (_name, request, strategy, total, requests) => {
    const all = await collect(client().paginate(request, strategy, item));
    expect(all.map((entry) => entry.id)).toEqual(ids(total));
    expect(twin.count(request.path)).toBe(requests);
  });

  it('lets a page size the caller set win over the strategy default', async () => {
    await collect(
      client().paginate({ path: '/orgs/acme/repos', query: { per_page: 50 } }, linkHeaderPagination(), item),
    );
    expect(twin.count('/orgs/acme/repos')).toBe(5);
    expect(twin.log[0]?.query).toBe('?per_page=50');
  });

  it('sends no page size to an Azure DevOps collection that takes none (top: null)', async () => {
    const strategy = continuationTokenPagination({ itemsKey: 'items', top: null });
    const all = await collect(client().paginate({ path: '/org/_apis/userentitlements' }, strategy, item));
    expect(all).toHaveLength(250);
    expect(twin.log.map((call) => call.query)).toEqual([
      '',
      '?continuationToken=100',
      '?continuationToken=200',
    ]);
  });
});

describe('pagination safety', () => {
  it.each([
    ['another port', () => `http://127.0.0.1:${canary.port}/evil-link?followed=1`],
    ['metadata', () => 'http://169.254.169.254/latest/meta-data/'],
    ['userinfo on the same origin', () => `${twin.url.replace('//', '//user:pw@')}/evil-link?followed=1`],
    ['https on the same host', () => `${twin.url.replace('http:', 'https:')}/evil-link?followed=1`],
  ])('refuses a Link next to %s (pagination_origin_mismatch)', async (_name, link) => {
    evilNext = link();
    const error = await failure(
      collect(client().paginate({ path: '/evil-link' }, linkHeaderPagination(), item)),
    );
    expect([error.kind, error.code]).toEqual(['invalid', 'pagination_origin_mismatch']);
    expect(twin.count('/evil-link')).toBe(1);
  });

  it('refuses a Bitbucket next to another origin', async () => {
    evilNext = `http://127.0.0.1:${canary.port}/2.0/repositories/ws?page=2`;
    const error = await failure(
      collect(client().paginate({ path: '/evil-next' }, nextUrlPagination(), item)),
    );
    expect(error.code).toBe('pagination_origin_mismatch');
  });

  it('fails too_many_pages past maxPages instead of truncating silently', async () => {
    const error = await failure(
      collect(client({ maxPages: 2 }).paginate({ path: '/orgs/acme/repos' }, linkHeaderPagination(), item)),
    );
    expect([error.kind, error.code]).toEqual(['too-large', 'too_many_pages']);
    expect(twin.count('/orgs/acme/repos')).toBe(2);
  });

  it('stops a next link that points back to a page already read', async () => {
    const error = await failure(collect(client().paginate({ path: '/loop' }, linkHeaderPagination(), item)));
    expect(error.code).toBe('upstream_invalid_response');
    expect(twin.count('/loop')).toBe(1);
  });

  it('fails upstream_invalid_response on an item or a page of the wrong shape', async () => {
    const badItem = await failure(
      collect(client().paginate({ path: '/bad-item' }, linkHeaderPagination(), item)),
    );
    expect(badItem.code).toBe('upstream_invalid_response');
    const badPage = await failure(
      collect(client().paginate({ path: '/bad-page' }, nextUrlPagination(), item)),
    );
    expect(badPage.code).toBe('upstream_invalid_response');
  });
});

describe('nextLink', () => {
  const base = new URL('https://git.corp/api/v4/projects?page=1');
  it.each([
    ['<https://git.corp/api/v4/projects?page=2>; rel="next"', 'https://git.corp/api/v4/projects?page=2'],
    ['<https://x/1>; rel="prev", <https://x/3>; rel="next"', 'https://x/3'],
    ['</api/v4/projects?id_after=5>; rel=next', 'https://git.corp/api/v4/projects?id_after=5'],
    ['<https://x/a,b>; rel="last", <https://x/c>; rel="next"', 'https://x/c'],
    ['<https://x/3>; rel="prev next"', 'https://x/3'],
    ['<https://x/1>; rel="last"', undefined],
    ['', undefined],
  ])('%s → %s', (header, expected) => {
    expect(nextLink(header, base)?.href).toBe(expected);
  });
});
