import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError } from '../core/errors.js';
import { isScmError, type ScmError } from '../scm/errors.js';

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
    reply.status(404).send({
      code: 'not_found',
      message: `No route ${request.method} ${(request.url.split('?')[0] ?? '').slice(0, 200)}.`,
    }),
  );
}
