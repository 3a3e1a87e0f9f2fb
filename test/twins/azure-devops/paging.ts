import type { TwinRequest } from '../server/twin-server.js';

/**
 * One page of `items` after `continuationToken` (the number of items already returned, as the projects
 * reference describes it; opaque to callers elsewhere), with the token of the next page when there is one.
 * `skip`: the endpoint also takes `$skip` (projects).
 */
export function continuationPage<T>(
  request: TwinRequest,
  items: readonly T[],
  pageSize: number,
  { skip = false } = {},
) {
  const q = request.url.searchParams;
  const start = q.get('continuationToken') ?? (skip ? q.get('$skip') : null) ?? '0';
  const from = Number.parseInt(start, 10) || 0;
  const slice = items.slice(from, from + Math.max(1, pageSize));
  const next = from + slice.length < items.length ? String(from + slice.length) : undefined;
  const headers: Record<string, string> = next ? { 'x-ms-continuationtoken': next } : {};
  return { slice, next, headers };
}

/** `$top` as the request gives it, else `fallback`. */
export const topOf = (request: TwinRequest, fallback: number): number =>
  Number.parseInt(request.url.searchParams.get('$top') ?? '', 10) || fallback;
