import { promisify } from 'node:util';
import { gunzip as gunzipCallback } from 'node:zlib';
import { AppError } from '../../core/errors.js';
import { isStorableText, unstorableTextMessage } from '../../core/fields.js';
import { formatJsonPath } from './json-path.js';
import { jsonSyntaxErrorOffset } from './json-syntax.js';
import { maxCompressedLogBytes, maxLogBytes, maxNestingDepth } from './limits.js';

const gunzip = promisify(gunzipCallback);

/** A log as uploaded: the body's bytes and how they are encoded. */
export interface UploadedLog {
  readonly body: Buffer;
  /** The `Content-Encoding` header, if any. */
  readonly contentEncoding: string | undefined;
}

/** A log read and parsed, with its text and, when it came compressed, the compressed bytes as sent. */
export interface ReadLog {
  readonly log: unknown;
  /** The decompressed log's bytes. */
  readonly bytes: Buffer;
  /** The body as sent when it was gzip: stored as it is instead of compressing again. */
  readonly gzipped: Buffer | undefined;
}

const mb = (bytes: number) => `${bytes / 1024 / 1024} MB`;

export const logTooLarge = (detail: string) =>
  new AppError(
    413,
    'log_too_large',
    `${detail}: upload at most ${mb(maxCompressedLogBytes)} gzip-compressed (${mb(maxLogBytes)} once decompressed), as GitHub code scanning allows; split the scan into several uploads.`,
  );

const invalid = (message: string) => new AppError(400, 'invalid_sarif', message);

/**
 * Reads an uploaded log strictly: gzip (by header or by its magic bytes) decompressed up to {@link maxLogBytes},
 * UTF-8 only (a byte order mark is skipped), nesting bounded before anything is parsed, JSON, and no text that
 * neither database can store. Every refusal names what to fix; nothing here echoes the log's content.
 */
export async function readLog(upload: UploadedLog): Promise<ReadLog> {
  const { body } = upload;
  if (body.length === 0) throw invalid('The request body is empty: send the SARIF log as the body.');
  const gzipped = isGzip(upload.contentEncoding, body);
  if (gzipped && body.length > maxCompressedLogBytes) {
    throw logTooLarge(`The compressed log is ${body.length.toLocaleString('en-US')} bytes`);
  }
  const bytes = gzipped ? await decompress(body) : body;
  if (bytes.length > maxLogBytes) {
    throw logTooLarge(`The log is ${bytes.length.toLocaleString('en-US')} bytes`);
  }
  const text = decodeUtf8(bytes);
  checkNesting(text);
  const log = parseJson(text);
  checkStorable(text, log);
  return { log, bytes, gzipped: gzipped ? body : undefined };
}

function isGzip(header: string | undefined, body: Buffer): boolean {
  const encoding = (header ?? '').trim().toLowerCase();
  if (encoding === 'gzip' || encoding === 'x-gzip') return true;
  if (encoding !== '' && encoding !== 'identity') {
    throw new AppError(
      415,
      'unsupported_encoding',
      `Content-Encoding "${encoding.slice(0, 40)}" is not supported: send the log as it is, or gzip-compressed with Content-Encoding: gzip.`,
    );
  }
  // A gzip stream begins 1f 8b, which no JSON text does: a .sarif.gz sent without the header is still read.
  return body.length > 2 && body[0] === 0x1f && body[1] === 0x8b;
}

async function decompress(body: Buffer): Promise<Buffer> {
  try {
    return await gunzip(body, { maxOutputLength: maxLogBytes });
  } catch (error) {
    if (error instanceof RangeError || (error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw logTooLarge(`The log decompresses to more than ${maxLogBytes.toLocaleString('en-US')} bytes`);
    }
    throw new AppError(
      400,
      'invalid_gzip',
      'The body is not valid gzip data (truncated or corrupt): compress the log again with gzip, or send it uncompressed without Content-Encoding.',
    );
  }
}

function decodeUtf8(bytes: Uint8Array): string {
  if (bytes.includes(0)) {
    throw invalid(
      'The log holds a NUL byte, which JSON never does: send the SARIF file as the scanner wrote it.',
    );
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalid(
      'The log is not valid UTF-8: SARIF logs are JSON encoded as UTF-8; convert it and upload again.',
    );
  }
}

/** Line and column (1-based) of a character offset, for messages about the text. */
function lineAndColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

/** Refuses nesting deeper than {@link maxNestingDepth} with one pass over the text, before parsing it. */
function checkNesting(text: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > maxNestingDepth) {
        throw invalid(
          `The log nests arrays and objects more than ${maxNestingDepth} levels deep (at ${lineAndColumn(text, i)}); SARIF needs far fewer: check what wrote it.`,
        );
      }
    } else if (c === 0x5d || c === 0x7d) depth -= 1;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : '';
    // V8's message may quote the text around the problem: only its first words are kept.
    const kind = /^[^,"]*?(?=,|\s+in JSON|$)/.exec(reason)?.[0]?.slice(0, 80) ?? '';
    const offset = jsonSyntaxErrorOffset(text);
    const where = offset === undefined ? '' : ` at ${lineAndColumn(text, offset)}`;
    throw invalid(
      `The log is not valid JSON${where}${kind ? ` (${kind})` : ''}: upload the complete file the scanner wrote.`,
    );
  }
}

/** Escapes that can produce U+0000 or half a surrogate pair; the UTF-8 text itself holds neither. */
const suspectEscape = /\\u0000|\\u[dD][89a-fA-F][0-9a-fA-F]{2}|"__proto__"/;

/**
 * Refuses text neither database can store (U+0000, lone surrogates) and `__proto__` keys, naming the first
 * place. Only when the text has an escape or key that could produce one: most logs are never walked.
 */
function checkStorable(text: string, log: unknown): void {
  if (!suspectEscape.test(text)) return;
  const where = findUnstorable(log);
  if (where !== undefined) throw invalid(where);
}

interface Step {
  readonly value: unknown;
  readonly key: PropertyKey | undefined;
  readonly parent: Step | undefined;
}

const pathOf = (step: Step): PropertyKey[] => {
  const path: PropertyKey[] = [];
  for (let at: Step | undefined = step; at?.key !== undefined; at = at.parent) path.unshift(at.key);
  return path;
};

/** The message for the first unstorable string or forbidden key, walking with its own stack. */
function findUnstorable(log: unknown): string | undefined {
  const pending: Step[] = [{ value: log, key: undefined, parent: undefined }];
  for (let step = pending.pop(); step; step = pending.pop()) {
    const { value } = step;
    if (typeof value === 'string') {
      if (!isStorableText(value)) return `${formatJsonPath(pathOf(step))}: ${unstorableTextMessage}.`;
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) pending.push({ value: value[i], key: i, parent: step });
    } else if (typeof value === 'object' && value !== null) {
      const entries = Object.entries(value);
      for (const [key] of entries) {
        if (key === '__proto__')
          return `${formatJsonPath(pathOf(step))}: the key "__proto__" is not allowed.`;
        if (!isStorableText(key)) {
          return `${formatJsonPath(pathOf(step))}: a key ${unstorableTextMessage}.`;
        }
      }
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        pending.push({ value: child, key, parent: step });
      }
    }
  }
  return undefined;
}
