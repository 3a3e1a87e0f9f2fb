import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serializerCompiler } from '../../src/api/serializer.js';

describe('response serializer', () => {
  const app = async (result: unknown) => {
    const fastify = Fastify();
    fastify.setSerializerCompiler(serializerCompiler);
    fastify.get(
      '/thing',
      {
        schema: {
          response: {
            200: z.object({
              name: z.string(),
              note: z.string().nullable(),
              tags: z.array(z.object({ id: z.string() })),
              extra: z.record(z.string(), z.unknown()).optional(),
            }),
          },
        },
      },
      async () => result,
    );
    return fastify;
  };

  it('writes only what the schema names, at any depth', async () => {
    const fastify = await app({
      name: 'n',
      note: null,
      token: 'glpat-secret',
      tags: [{ id: 'a', secret: 'x' }],
      extra: { free: { form: 1 } },
    });
    const answer = await fastify.inject('/thing');
    expect(answer.json()).toEqual({
      name: 'n',
      note: null,
      tags: [{ id: 'a' }],
      extra: { free: { form: 1 } },
    });
    expect(answer.body).not.toContain('secret');
  });

  it('fails with 500 rather than write an answer missing a required property', async () => {
    const fastify = await app({ note: 'no name', tags: [] });
    const answer = await fastify.inject('/thing');
    expect(answer.statusCode).toBe(500);
    expect(answer.body).not.toContain('no name');
  });
});
