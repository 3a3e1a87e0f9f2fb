import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError } from '../core/errors.js';
import { isScmError, type ScmError } from '../scm/errors.js';

const jsonType = 'application/json; charset=utf-8';

interface ErrorBody {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** Codes that mean the address the caller typed is unusable: fix the request, 400. */
const addressCodes = new Set([
  'invalid_base_url',
  'scheme_not_allowed',
  'ssrf_blocked',
  'dns_resolution_failed',
]);

/**
 * Maps what an SCM said to what our caller gets: a status class and a message with a fix, nothing upstream.
 * 400 for an address we will not or cannot reach, 422 for what the SCM refused or our checks of its answers
 * refused (token, scopes, target), 429 / 502 / 504 for the SCM being limited, broken or slow.
 */
export function scmErrorAnswer(error: ScmError): { status: number; body: ErrorBody } {
  const status =
    error.kind === 'blocked-address' || addressCodes.has(error.code)
      ? 400
      : error.kind === 'auth' ||
          error.kind === 'forbidden' ||
          error.kind === 'not-found' ||
          (error.kind === 'invalid' && error.status === undefined)
        ? 422
        : error.kind === 'rate-limited'
          ? 429
          : error.kind === 'timeout'
            ? 504
            : 502;
  const message = error.fix ? `${error.message} ${error.fix}` : error.message;
  return { status, body: { code: error.code, message } };
}

/**
 * Every error leaves as `{code, message}` with the right status: validation problems name the field, SCM
 * problems say what to fix, and anything unexpected is logged and answered without a stack trace.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError | ScmError | Error, request, reply) => {
    // A handler may have set another type (a file, plain text) before it failed.
    void reply.type(jsonType);
    if (error instanceof AppError) {
      return reply.status(error.status).send({
        code: error.code,
        message: error.message,
        ...(error.details ? { details: error.details } : {}),
      });
    }
    if (isScmError(error)) {
      const answer = scmErrorAnswer(error);
      if (error.retryAt)
        void reply.header(
          'retry-after',
          Math.max(1, Math.ceil((error.retryAt.getTime() - Date.now()) / 1000)),
        );
      return reply.status(answer.status).send(answer.body);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map((v) => {
        const where = [error.validationContext, ...v.instancePath.split('/').filter(Boolean)].join('.');
        return { path: where, message: v.message ?? 'is invalid' };
      });
      const first = issues[0];
      return reply.status(400).send({
        code: 'validation_failed',
        message: first ? `${first.path}: ${first.message}` : 'The request is invalid.',
        details: { issues },
      });
    }
    const fastifyError = error as FastifyError;
    const status = fastifyError.statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      const known: Record<string, [string, string]> = {
        FST_ERR_CTP_INVALID_MEDIA_TYPE: ['unsupported_media_type', 'Send the body as application/json.'],
        FST_ERR_CTP_BODY_TOO_LARGE: ['body_too_large', 'The request body is too large.'],
        FST_ERR_CTP_EMPTY_JSON_BODY: ['invalid_json', 'The request body is empty; send a JSON object.'],
        FST_ERR_CTP_INVALID_CONTENT_LENGTH: [
          'invalid_request',
          'The Content-Length header does not match the body.',
        ],
        FST_ERR_CTP_INVALID_JSON_BODY: ['invalid_json', 'The request body is not valid JSON.'],
      };
      const [code, message] = known[fastifyError.code] ?? [
        'invalid_request',
        'The request could not be read.',
      ];
      return reply.status(status).send({ code, message });
    }
    request.log.error({ err: error }, 'request failed');
    return reply
      .status(500)
      .send({ code: 'internal_error', message: 'Something went wrong on our side; try again.' });
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .type(jsonType)
      .send({
        code: 'not_found',
        message: `No route ${request.method} ${(request.url.split('?')[0] ?? '').slice(0, 200)}.`,
      }),
  );
}

/**
 * Fastify's `frameworkErrors`: what it finds before routing (a malformed percent-encoding, a path segment
 * over the length limit) leaves as `{code, message}` like every other error.
 */
export function answerFrameworkError(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  const [status, code, message] =
    error.code === 'FST_ERR_BAD_URL'
      ? [400, 'invalid_url', 'The URL is not valid: check its percent-encoding (%XX with UTF-8 bytes).']
      : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? [414, 'url_too_long', 'A part of the URL path is too long.']
        : [500, 'internal_error', 'Something went wrong on our side; try again.'];
  void reply.status(status).type(jsonType).send({ code, message });
}

/** What Node's HTTP parser refused, by its error code: [status, code, message]. */
function clientErrorAnswer(errorCode: string | undefined): [number, string, string] {
  switch (errorCode) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, 'request_timeout', 'The request did not arrive in time; send it again.'];
    case 'HPE_HEADER_OVERFLOW':
      return [
        431,
        'headers_too_large',
        'The request headers are too large: send fewer or smaller headers and cookies.',
      ];
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return [400, 'invalid_request', 'The Content-Length header is not valid.'];
    case 'HPE_INVALID_HEADER_TOKEN':
      return [400, 'invalid_request', 'A request header has characters HTTP does not allow.'];
    default:
      return [400, 'invalid_request', 'The request is not valid HTTP.'];
  }
}

/**
 * Fastify's `clientErrorHandler`: Node's parser refused the request before Fastify saw it (headers too large,
 * a bad Content-Length, a timeout). Answers `{code, message}` on the raw socket, unless a response is already
 * under way there, and closes the connection.
 */
export function answerClientError(
  this: FastifyInstance,
  error: Error & { code?: string },
  socket: Duplex,
): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] = clientErrorAnswer(error.code);
  this.log.debug({ code: error.code, status }, 'client error');
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const body = JSON.stringify({ code, message });
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
        `content-type: ${jsonType}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
        'x-content-type-options: nosniff\r\ncache-control: no-store\r\nconnection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy();
}

/** Node's `checkExpectation`: an `Expect` header other than `100-continue` is 417, with the same body shape. */
export function answerUnmetExpectation(_request: IncomingMessage, response: ServerResponse): void {
  const body = JSON.stringify({
    code: 'expectation_failed',
    message: 'Only `Expect: 100-continue` is understood; send the request without this Expect header.',
  });
  response.writeHead(417, {
    'content-type': jsonType,
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  response.end(body);
}
