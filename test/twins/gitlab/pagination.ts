import { TwinHttpError, type TwinRequest, type TwinResponse } from '../server/twin-server.js';

/** Above this many records GitLab leaves out `x-total`, `x-total-pages` and the `last` link. */
const countLimit = 10_000;

/** GitLab's answer to `pagination=keyset` where keyset pagination is not available. */
const keysetUnavailable = () =>
  new TwinHttpError(405, { error: 'Keyset pagination is not yet available for this type of request' });

/**
 * Answers a list the way GitLab's REST API does: offset pagination (`page`, `per_page` ≤ 100) with the
 * `x-*` headers and a `Link` header, or, for lists of projects (`keyset: true`) ordered by id, keyset
 * pagination (`pagination=keyset&order_by=id`) with only `Link: rel="next"`. GitLab offers this keyset
 * pagination for projects only; elsewhere `pagination=keyset` is refused with 405.
 */
export function paginate<T extends { id: number }>(
  request: TwinRequest,
  items: readonly T[],
  render: (item: T) => unknown,
  options: { readonly keyset?: boolean; readonly headers?: Record<string, string> } = {},
): TwinResponse {
  const query = request.url.searchParams;
  const extraHeaders = options.headers ?? {};
  const perPage = clamp(Number(query.get('per_page') ?? 20) || 20, 1, 100);
  if (query.get('pagination') === 'keyset') {
    if (!options.keyset) throw keysetUnavailable();
    return keyset(request, items, render, perPage, extraHeaders);
  }

  const page = Math.max(1, Math.floor(Number(query.get('page') ?? 1)) || 1);
  const total = items.length;
  const totalPages = Math.max(1, Math.ceil(total / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const next = page < totalPages ? page + 1 : undefined;
  const prev = page > 1 ? page - 1 : undefined;
  const counted = total <= countLimit;
  const link = (p: number) => linkTo(request, { page: String(p), per_page: String(perPage) });
  const links = [
    prev && `<${link(prev)}>; rel="prev"`,
    next && `<${link(next)}>; rel="next"`,
    `<${link(1)}>; rel="first"`,
    counted && `<${link(totalPages)}>; rel="last"`,
  ].filter(Boolean);
  return {
    headers: {
      ...extraHeaders,
      link: links.join(', '),
      'x-page': String(page),
      'x-per-page': String(perPage),
      'x-next-page': next ? String(next) : '',
      'x-prev-page': prev ? String(prev) : '',
      ...(counted ? { 'x-total': String(total), 'x-total-pages': String(totalPages) } : {}),
    },
    body: slice.map(render),
  };
}

function keyset<T extends { id: number }>(
  request: TwinRequest,
  items: readonly T[],
  render: (item: T) => unknown,
  perPage: number,
  extraHeaders: Record<string, string>,
): TwinResponse {
  const query = request.url.searchParams;
  if ((query.get('order_by') ?? 'id') !== 'id') throw keysetUnavailable();
  const descending = query.get('sort') === 'desc';
  const sorted = [...items].sort((a, b) => (descending ? b.id - a.id : a.id - b.id));
  const after = query.get('id_after');
  const before = query.get('id_before');
  const remaining = sorted.filter(
    (item) => (after === null || item.id > Number(after)) && (before === null || item.id < Number(before)),
  );
  const slice = remaining.slice(0, perPage);
  const headers: Record<string, string> = { ...extraHeaders };
  if (remaining.length > perPage) {
    const last = slice[slice.length - 1]!;
    const cursor: Record<string, string> = { [descending ? 'id_before' : 'id_after']: String(last.id) };
    const next = linkTo(request, { ...cursor, per_page: String(perPage), order_by: 'id' }, [
      'id_after',
      'id_before',
    ]);
    headers.link = `<${next}>; rel="next"`;
  }
  return { headers, body: slice.map(render) };
}

function linkTo(request: TwinRequest, set: Record<string, string>, drop: readonly string[] = []): string {
  const url = new URL(request.url.pathname + request.url.search, request.origin);
  for (const name of drop) url.searchParams.delete(name);
  for (const [name, value] of Object.entries(set)) url.searchParams.set(name, value);
  return url.toString();
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, Math.floor(value)));
