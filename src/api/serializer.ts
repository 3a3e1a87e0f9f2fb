import fastJson from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import { z } from 'zod';

/**
 * Responses are written by fast-json-stringify from the JSON Schema of each route's zod response schema: only the
 * properties the schema names are written (nothing else a row carries can leak into a response), and a missing
 * required property fails the request with 500. This replaces parsing every response with zod and then
 * `JSON.stringify`, which cost more than the rest of a typical read.
 */
export const serializerCompiler: FastifySerializerCompiler<z.ZodType> = ({ schema }) =>
  fastJson(z.toJSONSchema(schema, { io: 'output', target: 'draft-07', unrepresentable: 'any' }) as object);
