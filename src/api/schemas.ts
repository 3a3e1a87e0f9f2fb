import { z } from 'zod';
import { displayName, email, password, role, tokenRole, uuid } from '../core/fields.js';

export const errorSchema = z
  .object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() })
  .describe('Every error: a stable code and a message that says what to fix.');

export const accountSchema = z.object({ id: z.string(), name: z.string(), role: tokenRole });

export const sessionSchema = z.object({
  user: z.object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    instanceAdmin: z
      .boolean()
      .describe('May create the instance’s GitHub App (Settings > Source Code Managers).'),
  }),
  accounts: z.array(accountSchema),
  currentAccountId: z.string().nullable(),
  csrfToken: z.string().describe('Send it back in the `x-csrf-token` header on every change.'),
});

export const memberSchema = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  role,
  joinedAt: z.string(),
  managed: z
    .boolean()
    .describe(
      'Added by the membership source, which keeps it current: its role and removal are not edited by hand.',
    ),
  scmRole: z.string().nullable().describe('Their role in the source’s organization or group, while managed.'),
});

export const apiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: tokenRole,
  prefix: z.string().describe('The first characters of the token, to tell tokens apart.'),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});

export const accountParams = z.strictObject({ accountId: uuid });

export const fields = { displayName, email, password, role, tokenRole, uuid };

export const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [status, errorSchema])) as Record<number, typeof errorSchema>;
