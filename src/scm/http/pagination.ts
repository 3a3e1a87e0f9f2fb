import { z } from 'zod';

/** One page as the strategy sees it. */
export interface Page {
  readonly data: unknown;
  readonly headers: Readonly<Record<string, string>>;
  /** The URL this page was fetched from (relative links resolve against it). */
  readonly url: URL;
}

/**
 * How one API pages its collections. A strategy owns only "where are the items, what is the next request";
 * the client sends the requests, checks that every next URL stays on the base URL's origin and caps the count.
 */
export interface PaginationStrategy {
  /** Query parameters for the first request (the page size); parameters the caller set win. */
  firstQuery(): Record<string, string>;
  /** The page's items and the next page's URL, or `undefined` after the last page. Throws on a malformed page. */
  read(page: Page): { readonly items: readonly unknown[]; readonly next: URL | undefined };
}

/** Thrown by a strategy when a page does not have the shape of its API. */
export class MalformedPageError extends Error {
  constructor(what: string) {
    super(`The page is not a valid ${what} page.`);
    this.name = 'MalformedPageError';
  }
}

const parse = <T>(schema: z.ZodType<T>, data: unknown, what: string): T => {
  const result = schema.safeParse(data);
  if (!result.success) throw new MalformedPageError(what);
  return result.data;
};

const withParam = (url: URL, name: string, value: string): URL => {
  const next = new URL(url);
  next.searchParams.set(name, value);
  return next;
};

/**
 * GitHub and GitLab: the body is an array; the next page is the `Link` header's `rel="next"` (GitLab offset
 * and keyset pagination both give it). Page size `per_page=100`.
 */
export const linkHeaderPagination = (
  opts: { perPageParam?: string; perPage?: number } = {},
): PaginationStrategy => ({
  firstQuery: () => ({ [opts.perPageParam ?? 'per_page']: String(opts.perPage ?? 100) }),
  read(page) {
    const items = parse(z.array(z.unknown()), page.data ?? [], 'Link-header');
    const next = nextLink(page.headers['link'], page.url);
    return { items, next };
  },
});

/** The `rel="next"` target of an RFC 8288 `Link` header, resolved against the page URL. */
export function nextLink(header: string | undefined, base: URL): URL | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (!match) continue;
    const rels = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(match[2]!)?.[1]?.toLowerCase().split(/\s+/) ?? [];
    if (!rels.includes('next')) continue;
    try {
      return new URL(match[1]!, base);
    } catch {
      throw new MalformedPageError('Link-header');
    }
  }
  return undefined;
}

const bitbucketCloudPage = z.object({ values: z.array(z.unknown()), next: z.string().optional() });

/** Bitbucket Cloud: `{values, next}` where `next` is the absolute URL of the next page. Page size `pagelen=100`. */
export const nextUrlPagination = (opts: { pagelen?: number } = {}): PaginationStrategy => ({
  firstQuery: () => ({ pagelen: String(opts.pagelen ?? 100) }),
  read(page) {
    const body = parse(bitbucketCloudPage, page.data, 'Bitbucket Cloud');
    return {
      items: body.values,
      next: body.next ? resolve(body.next, page.url, 'Bitbucket Cloud') : undefined,
    };
  },
});

const dataCenterPage = z.object({
  values: z.array(z.unknown()),
  isLastPage: z.boolean(),
  nextPageStart: z.number().int().nonnegative().nullish(),
});

/**
 * Bitbucket Data Center: `{values, isLastPage, nextPageStart}`; the next request repeats the URL with
 * `start=nextPageStart` (never computed from the page size). Page size `limit=1000` (servers may cap it lower).
 */
export const startLimitPagination = (opts: { limit?: number } = {}): PaginationStrategy => ({
  firstQuery: () => ({ limit: String(opts.limit ?? 1000) }),
  read(page) {
    const body = parse(dataCenterPage, page.data, 'Bitbucket Data Center');
    if (body.isLastPage) return { items: body.values, next: undefined };
    if (body.nextPageStart === undefined || body.nextPageStart === null) {
      throw new MalformedPageError('Bitbucket Data Center');
    }
    return { items: body.values, next: withParam(page.url, 'start', String(body.nextPageStart)) };
  },
});

/**
 * Azure DevOps: items under `value` (or `itemsKey`, e.g. `items` for user entitlements); the continuation
 * token comes in the `x-ms-continuationtoken` header (or a `continuationToken` body field) and goes back as the
 * `continuationToken` query parameter. Page size `$top=100`; `top: null` for collections that take no page
 * size (graph groups, user entitlements).
 */
export const continuationTokenPagination = (
  opts: { top?: number | null; itemsKey?: string } = {},
): PaginationStrategy => {
  const itemsKey = opts.itemsKey ?? 'value';
  const envelope = z.object({ continuationToken: z.string().nullish() }).catchall(z.unknown());
  return {
    firstQuery: (): Record<string, string> => (opts.top === null ? {} : { $top: String(opts.top ?? 100) }),
    read(page) {
      const body = parse(envelope, page.data, 'Azure DevOps');
      const items = parse(z.array(z.unknown()), body[itemsKey], 'Azure DevOps');
      const token = page.headers['x-ms-continuationtoken'] || body.continuationToken;
      return { items, next: token ? withParam(page.url, 'continuationToken', token) : undefined };
    },
  };
};

function resolve(link: string, base: URL, what: string): URL {
  try {
    return new URL(link, base);
  } catch {
    throw new MalformedPageError(what);
  }
}
