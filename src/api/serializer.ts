import { createRequire } from 'node:module';
import type fastJson from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import { z } from 'zod';

type Write = (data: unknown) => string;

// Loaded on the first response rather than at start-up (it brings ajv along).
const load = createRequire(import.meta.url);

/**
 * Responses are written by fast-json-stringify from the JSON Schema of each route's zod response schema: only the
 * properties the schema names are written (nothing else a row carries can leak into a response), and a missing
 * required property fails the request with 500. This replaces parsing every response with zod and then
 * `JSON.stringify`. Each writer is generated on its first use, so start-up does not pay for every route's.
 */
export const serializerCompiler: FastifySerializerCompiler<z.ZodType> = ({ schema }) => {
  let write: Write | undefined;
  return (data) => {
    if (!write) {
      const compile = load('fast-json-stringify') as typeof fastJson;
      const jsonSchema = z.toJSONSchema(schema, { io: 'output', target: 'draft-07', unrepresentable: 'any' });
      write = compile(jsonSchema as object) as Write;
    }
    return write(data);
  };
};
