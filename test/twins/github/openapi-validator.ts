import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const require = createRequire(import.meta.url);
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

interface OpenApiDocument {
  readonly paths: Record<string, Record<string, { responses?: Record<string, OpenApiResponse> }>>;
  readonly components: {
    readonly schemas: Record<string, unknown>;
    readonly responses?: Record<string, OpenApiResponse>;
  };
}
interface OpenApiResponse {
  readonly $ref?: string;
  readonly content?: Record<string, { schema?: unknown }>;
}

/** Validates twin answers against one of `@octokit/openapi`'s GitHub descriptions (e.g. `api.github.com`, `ghes-3.19`). */
export interface OpenApiValidator {
  readonly name: string;
  /**
   * Errors of `body` against the `status` response of `method path` (OpenAPI path template) for `mediaType`
   * (default `application/json`; e.g. `application/vnd.github.object` for that custom media type); `[]` when valid.
   */
  errors(method: string, path: string, status: number, body: unknown, mediaType?: string): string[];
  /** Errors of `body` against a named component schema (e.g. `basic-error`, `validation-error`). */
  schemaErrors(component: string, body: unknown): string[];
}

/**
 * OpenAPI 3.0 `nullable` is not JSON Schema: next to `allOf`/`anyOf` (no `type`) spell it as `anyOf` with null,
 * and next to `enum` add `null` to the values.
 */
function normalizeNullable(node: unknown): unknown {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) node[i] = normalizeNullable(node[i]);
    return node;
  }
  if (typeof node !== 'object' || node === null) return node;
  const record = node as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (typeof value === 'object' && value !== null) record[key] = normalizeNullable(value);
  }
  if (record.nullable !== true) return record;
  if (Array.isArray(record.enum) && !record.enum.includes(null)) record.enum = [...record.enum, null];
  if (record.type !== undefined) return record;
  delete record.nullable;
  return { anyOf: [record, { type: 'null' }] };
}

export function loadOpenApi(name: string): OpenApiValidator {
  const file = require.resolve(`@octokit/openapi/generated/${name}.json`);
  const doc = JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument;
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema({ components: { schemas: normalizeNullable(doc.components.schemas) } }, 'gh');
  const cache = new Map<string, ValidateFunction>();

  function schemaFor(method: string, path: string, status: number, mediaType: string): unknown {
    const operation = doc.paths[path]?.[method.toLowerCase()];
    if (!operation) throw new Error(`${name}: no operation ${method} ${path}`);
    let response = operation.responses?.[String(status)];
    if (!response) throw new Error(`${name}: ${method} ${path} has no ${status} response`);
    if (response.$ref) response = doc.components.responses?.[response.$ref.split('/').pop()!];
    const schema = response?.content?.[mediaType]?.schema;
    if (!schema) throw new Error(`${name}: ${method} ${path} ${status} has no ${mediaType} schema`);
    return normalizeNullable(
      JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"gh#/components/')),
    );
  }

  const run = (key: string, schema: () => unknown, body: unknown): string[] => {
    let validate = cache.get(key);
    if (!validate) {
      validate = ajv.compile(schema() as object);
      cache.set(key, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
    );
  };

  return {
    name,
    errors: (method, path, status, body, mediaType = 'application/json') =>
      run(`${method} ${path} ${status} ${mediaType}`, () => schemaFor(method, path, status, mediaType), body),
    schemaErrors: (component, body) =>
      run(`#${component}`, () => ({ $ref: `gh#/components/schemas/${component}` }), body),
  };
}

/** The newest GHES description shipped in `@octokit/openapi`. */
export function newestGhesName(): string {
  const dir = require
    .resolve('@octokit/openapi/generated/api.github.com.json')
    .replace(/api\.github\.com\.json$/, '');
  const versions = (readdirNames(dir) ?? [])
    .map((f) => /^ghes-(\d+)\.(\d+)\.json$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(b[1]) - Number(a[1]) || Number(b[2]) - Number(a[2]));
  if (!versions[0]) throw new Error('no GHES description found');
  return `ghes-${versions[0][1]}.${versions[0][2]}`;
}

function readdirNames(dir: string): string[] | undefined {
  const fs = require('node:fs') as typeof import('node:fs');
  return fs.readdirSync(dir);
}
