import type { TwinRequest, TwinResponse } from './twin-server.js';

/** Escape text for HTML element content and attribute values. */
export const esc = (value: unknown): string =>
  String(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** A complete, plain HTML page of the twin named `site`. `body` must already be escaped. */
export function htmlPage(
  site: string,
  title: string,
  body: string,
  status = 200,
  headers: Record<string, string | string[]> = {},
): TwinResponse {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)} · ${esc(site)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem}fieldset{margin:1rem 0}label{display:block;margin:.25rem 0}button{font-size:1rem;padding:.4rem 1rem}.error{color:#b00}</style>
</head>
<body><main>
<h1>${esc(title)}</h1>
${body}
</main></body>
</html>`,
  };
}

export function redirect(location: string, headers: Record<string, string | string[]> = {}): TwinResponse {
  return { status: 302, headers: { location, ...headers }, body: '' };
}

/** Form fields of an `application/x-www-form-urlencoded` (or JSON) body. */
export function formOf(request: TwinRequest): URLSearchParams {
  const type = String(request.headers['content-type'] ?? '');
  if (type.includes('application/json')) {
    const json = request.json<unknown>();
    const params = new URLSearchParams();
    if (typeof json === 'object' && json !== null) {
      for (const [k, v] of Object.entries(json)) if (v !== undefined && v !== null) params.set(k, String(v));
    }
    return params;
  }
  return new URLSearchParams(request.body.toString('utf8'));
}

/** A hidden input for each entry. */
export const hidden = (fields: Record<string, string | undefined>): string =>
  Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('\n');

/** The value of cookie `name` on a request. */
export function cookieOf(request: TwinRequest, name: string): string | undefined {
  for (const part of String(request.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

/** Only a path on this site: what a `return_to` / `redirect_to` may be. */
export const safeReturn = (value: string | null): string =>
  value && value.startsWith('/') && !value.startsWith('//') ? value : '/';
