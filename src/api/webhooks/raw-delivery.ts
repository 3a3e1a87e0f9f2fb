import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebhookHeaders } from '../../scm/webhook-receiver.js';

/** GitHub's documented payload cap; the receiver route takes no more, whatever the API's own body limit. */
export const webhookBodyLimit = 25 * 1024 * 1024;

/**
 * Every header as sent, by lower-case name, from the raw header list: Node joins a repeated header into one
 * comma-separated value, which would hide a second signature.
 */
export function headersOf(rawHeaders: readonly string[]): WebhookHeaders {
  const headers = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const values = headers.get(name);
    if (values) values.push(rawHeaders[i + 1]!);
    else headers.set(name, [rawHeaders[i + 1]!]);
  }
  return headers;
}

/**
 * In the receiver's scope: JSON bodies are kept as the exact bytes received (signatures are over them), up to
 * {@link webhookBodyLimit}, which Fastify enforces from `Content-Length` before reading and while reading a
 * chunked body; other content types are refused with 415 by Fastify. The bytes are kept beside the request, not
 * as its parsed body, so that hooks which inspect parsed bodies never walk 25 MB of them. Returns the reader.
 */
export function acceptRawJson(scope: FastifyInstance): (request: FastifyRequest) => Buffer {
  const bodies = new WeakMap<FastifyRequest, Buffer>();
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: webhookBodyLimit },
    (request, body, done) => {
      bodies.set(request, body as Buffer);
      done(null, null);
    },
  );
  return (request) => bodies.get(request) ?? Buffer.alloc(0);
}
