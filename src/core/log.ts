import { pino, type DestinationStream, type Logger } from 'pino';
import { REDACTED, maskUrl, redactValue, scrubText } from './redact.js';

/**
 * Fields pino replaces with `[Redacted]` wherever they are logged. They are the first layer: every logged object
 * also goes through {@link redactValue} (secret-named fields at any depth) and every line through
 * {@link scrubText} (URLs, `Bearer`/`Basic` credentials, PEM keys, known token formats).
 */
export const REDACT_PATHS: readonly string[] = Object.freeze([
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'req.headers["private-token"]',
  'req.headers["x-gitlab-token"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["private-token"]',
  'token',
  'password',
  'secret',
  'privateKey',
  'webhookSecret',
  'clientSecret',
  'accessToken',
  'refreshToken',
  '*.token',
  '*.password',
  '*.secret',
  '*.privateKey',
  '*.webhookSecret',
  '*.clientSecret',
  '*.accessToken',
  '*.refreshToken',
]);

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const SERIALIZED_KEYS = new Set(['req', 'res', 'err']);
/** Strings are scrubbed once, on the whole line, by the `streamWrite` hook. */
const LINE_SCRUBBED = { scrubStrings: false } as const;

export interface CreateLoggerOptions {
  /** One of fatal, error, warn, info, debug, trace, silent. */
  readonly level: string;
  /** Where lines go; standard output when not given. */
  readonly destination?: DestinationStream;
}

/**
 * The service logger: pino JSON lines with secrets removed. Fastify takes it as `loggerInstance`; its `req`, `res`
 * and `err` serializers replace Fastify's own so request URLs are masked.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  if (!LEVELS.includes(options.level)) {
    throw new Error(`Unknown log level "${options.level}": use one of ${LEVELS.join(', ')}.`);
  }
  const config: pino.LoggerOptions = {
    level: options.level,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
    serializers: { req: serializeRequest, res: serializeResponse, err: serializeError },
    formatters: { log: redactLogObject, bindings: (bindings) => redactLogObject(bindings) },
    hooks: { streamWrite: scrubText },
  };
  return options.destination === undefined ? pino(config) : pino(config, options.destination);
}

/** Everything but the keys that have a serializer goes through {@link redactValue}. Logging never throws. */
function redactLogObject(object: Record<string, unknown>): Record<string, unknown> {
  const rest: Record<string, unknown> = {};
  const serialized: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    if (SERIALIZED_KEYS.has(key)) serialized[key] = value;
    else rest[key] = value;
  }
  const redacted = safely(() => redactValue(rest, LINE_SCRUBBED));
  return { ...(isObject(redacted) ? redacted : { unreadable: true }), ...serialized };
}

/**
 * An incoming request (Fastify or Node) becomes method, masked URL and peer; headers are left out. Any other value
 * (a plain description of an outgoing call) is redacted like any logged object.
 */
export function serializeRequest(req: unknown): unknown {
  if (!isObject(req) || !isServerRequest(req)) return safely(() => redactValue(req, LINE_SCRUBBED));
  const socket = Reflect.get(req, 'socket');
  const url = Reflect.get(req, 'url');
  return {
    method: Reflect.get(req, 'method'),
    url: typeof url === 'string' ? maskUrl(url) : undefined,
    host: stringOrUndefined(Reflect.get(req, 'host')),
    remoteAddress: stringOrUndefined(Reflect.get(req, 'ip')) ?? socketField(socket, 'remoteAddress'),
    remotePort: socketField(socket, 'remotePort'),
  };
}

/** A reply (Fastify or Node) becomes its status code; any other value is redacted like any logged object. */
export function serializeResponse(res: unknown): unknown {
  if (isObject(res) && typeof Reflect.get(res, 'statusCode') === 'number' && isServerResponse(res)) {
    return { statusCode: Reflect.get(res, 'statusCode') };
  }
  return safely(() => redactValue(res, LINE_SCRUBBED));
}

/** An error becomes `{type, message, stack, …fields, cause}` with secret fields and credentials in text removed. */
export function serializeError(err: unknown): unknown {
  return safely(() => redactValue(err, LINE_SCRUBBED));
}

function isServerRequest(req: object): boolean {
  return typeof Reflect.get(req, 'method') === 'string' && ('socket' in req || 'raw' in req);
}

function isServerResponse(res: object): boolean {
  return 'raw' in res || typeof Reflect.get(res, 'getHeaders') === 'function';
}

function socketField(socket: unknown, field: 'remoteAddress' | 'remotePort'): unknown {
  return isObject(socket) ? Reflect.get(socket, field) : undefined;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function safely(run: () => unknown): unknown {
  try {
    return run();
  } catch {
    return '[Unreadable]';
  }
}
