import { z } from 'zod';
import { integerId } from './app-credentials.js';

/** GitHub's numeric ids as integer strings: a number past 2^53 has lost digits already, so it is refused. */
export const webhookId = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const parsed = integerId(value);
  if (parsed === undefined) {
    ctx.addIssue({ code: 'custom', message: 'is not a GitHub id (a positive integer)' });
    return z.NEVER;
  }
  return parsed;
});

/** A user or organization as a delivery names it. */
export const webhookAccount = z.object({ id: webhookId, login: z.string() });
