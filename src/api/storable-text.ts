import type { FastifyInstance } from 'fastify';
import { badRequest } from '../core/errors.js';
import { findUnstorableText, unstorableTextMessage } from '../core/fields.js';

/**
 * Refuses text neither engine can store (U+0000, lone surrogates) in the path parameters, query string and
 * parsed body of every route, naming the field, before validation and so before any handler queries. The
 * auth hook that runs earlier passes only hashes and well-formed ids to the database; headers cannot carry
 * such text (Node's parser refuses control characters, and reads other bytes as Latin-1).
 */
export function registerStorableTextCheck(app: FastifyInstance): void {
  // Callback style: it runs on every request (see registerSecurityHeaders).
  app.addHook('preValidation', (request, _reply, done) => {
    const where =
      findUnstorableText(request.params, 'params') ??
      findUnstorableText(request.query, 'query') ??
      findUnstorableText(request.body, 'body');
    if (where === undefined) {
      done();
      return;
    }
    const message = `${where}: ${unstorableTextMessage}.`;
    done(
      badRequest('validation_failed', message, { issues: [{ path: where, message: unstorableTextMessage }] }),
    );
  });
}
