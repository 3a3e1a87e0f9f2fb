import { TwinHttpError, type TwinRequest } from '../server/twin-server.js';

export type Fields = Record<string, unknown>;

/**
 * The request's parameters as GitLab reads them: a JSON body, a form body with bracket keys
 * (`position[base_sha]`, `actions[][action]`), merged over the query string.
 */
export async function readFields(request: TwinRequest): Promise<Fields> {
  const fields: Fields = {};
  for (const [key, value] of request.url.searchParams) assign(fields, key, value);
  const type = String(request.headers['content-type'] ?? '');
  if (request.body.length === 0) return fields;
  if (type.includes('multipart/form-data')) {
    const form = await new Request(request.url, {
      method: 'POST',
      headers: { 'content-type': type },
      body: new Uint8Array(request.body),
    }).formData();
    for (const [key, value] of form)
      assign(fields, key, typeof value === 'string' ? value : await value.text());
    return fields;
  }
  if (type.includes('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(request.body.toString('utf8'))) assign(fields, key, value);
    return fields;
  }
  const parsed = request.json<unknown>();
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) Object.assign(fields, parsed);
  return fields;
}

function assign(target: Fields, key: string, value: string): void {
  const segments = key.replace(/\]/g, '').split('[');
  let cursor: Fields | unknown[] = target;
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    const nextSegment = segments[index + 1];
    if (Array.isArray(cursor)) {
      if (last) {
        cursor.push(value);
        return;
      }
      const tail = cursor[cursor.length - 1];
      const reuse = isFields(tail) && nextSegment !== undefined && !(nextSegment in tail);
      const element: Fields = reuse ? tail : {};
      if (!reuse) cursor.push(element);
      cursor = element;
      return;
    }
    if (last) {
      cursor[segment] = value;
      return;
    }
    const existing: unknown = cursor[segment];
    const child: Fields | unknown[] =
      isFields(existing) || Array.isArray(existing) ? existing : nextSegment === '' ? [] : {};
    cursor[segment] = child;
    cursor = child;
  });
}

const isFields = (value: unknown): value is Fields =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** A required string parameter; GitLab answers `400 {"error":"x is missing"}` without it. */
export function requireString(fields: Fields, name: string): string {
  const value = fields[name];
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  throw new TwinHttpError(400, { error: `${name} is missing` });
}

export function optionalString(fields: Fields, name: string): string | undefined {
  const value = fields[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

export function flag(fields: Fields, name: string): boolean | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  return value === true || value === 'true' || value === '1' || value === 1;
}

export function record(fields: Fields, name: string): Fields | undefined {
  const value = fields[name];
  return isFields(value) ? value : undefined;
}
