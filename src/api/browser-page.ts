import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';
import { isScmError } from '../scm/errors.js';
import { scmErrorAnswer } from './errors.js';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Answers a browser redirect target (a GitHub callback) that could not finish: the status and `{code, message}`
 * as everywhere, or, for a page load, the same message on a page with a way back to Settings.
 */
export function sendBrowserError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  body: { readonly code: string; readonly message: string },
) {
  const wantsHtml = (request.headers.accept ?? '').includes('text/html');
  if (!wantsHtml) return reply.status(status).type('application/json; charset=utf-8').send(body);
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>scm-connect</title></head>` +
        `<body><main><h1>GitHub could not be connected</h1><p role="alert" data-code="${escapeHtml(body.code)}">` +
        `${escapeHtml(body.message)}</p><p><a href="/settings">Back to Source Code Managers</a></p></main></body></html>`,
    );
}

/** {@link sendBrowserError} for what a browser route caught: an AppError or ScmError as it says; anything else rethrown. */
export function sendBrowserFailure(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  if (error instanceof AppError) {
    return sendBrowserError(request, reply, error.status, { code: error.code, message: error.message });
  }
  if (isScmError(error)) {
    const answer = scmErrorAnswer(error);
    return sendBrowserError(request, reply, answer.status, answer.body);
  }
  throw error;
}
