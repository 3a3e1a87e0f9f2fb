import type { FastifyReply } from 'fastify';

/**
 * Sends JSON the database already rendered (see `HotQueries.membersJson`). The route's response schema still
 * describes it in the OpenAPI document; tests compare such answers with that schema on both engines.
 */
export function sendJsonText(reply: Pick<FastifyReply, 'type'>, text: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(text);
}
