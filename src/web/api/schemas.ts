import { z } from 'zod/mini';

/**
 * The shapes of the API answers the UI reads. Parsing them keeps `unknown` server data out of the components;
 * unknown fields are dropped, so additions on the server do not break the UI.
 */
export const roleSchema = z.enum(['admin', 'member']);
export type Role = z.infer<typeof roleSchema>;

export const accountSummarySchema = z.object({ id: z.string(), name: z.string(), role: roleSchema });
export type AccountSummary = z.infer<typeof accountSummarySchema>;

export const sessionSchema = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string() }),
  accounts: z.array(accountSummarySchema),
  currentAccountId: z.nullable(z.string()),
  csrfToken: z.string(),
});
export type Session = z.infer<typeof sessionSchema>;

export const setupStatusSchema = z.object({ needed: z.boolean() });

export const accountListSchema = z.object({ items: z.array(accountSummarySchema) });

export const memberSchema = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  joinedAt: z.string(),
});
export type Member = z.infer<typeof memberSchema>;
export const memberListSchema = z.object({ items: z.array(memberSchema) });

export const invitationSchema = z.object({
  email: z.string(),
  role: roleSchema,
  url: z.string(),
  expiresAt: z.string(),
});
export type Invitation = z.infer<typeof invitationSchema>;

export const addMemberResultSchema = z.object({
  member: z.optional(memberSchema),
  invitation: z.optional(invitationSchema),
});
export type AddMemberResult = z.infer<typeof addMemberResultSchema>;

export const invitationInfoSchema = z.object({ email: z.string(), accountName: z.string() });
export type InvitationInfo = z.infer<typeof invitationInfoSchema>;

export const apiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.nullish(z.string()),
});
export type ApiToken = z.infer<typeof apiTokenSchema>;
export const apiTokenListSchema = z.object({ items: z.array(apiTokenSchema) });
export const createdTokenSchema = z.object({ token: apiTokenSchema, secret: z.string() });
export type CreatedToken = z.infer<typeof createdTokenSchema>;

/** The UI reads only the summary of a test report; the full report has its own view later. */
export const testReportSchema = z.object({
  ok: z.optional(z.boolean()),
  checkedAt: z.optional(z.string()),
  summary: z.optional(z.string()),
});

export const organizationSchema = z.object({
  id: z.string(),
  name: z.string(),
  webUrl: z.nullish(z.string()),
});
export type Organization = z.infer<typeof organizationSchema>;

export const connectionSchema = z.object({
  id: z.string(),
  kind: z.string(),
  name: z.string(),
  baseUrl: z.nullish(z.string()),
  target: z.nullish(z.string()),
  status: z.enum(['connected', 'pending', 'error']),
  hasToken: z.boolean(),
  tokenUpdatedAt: z.nullish(z.string()),
  createdAt: z.string(),
  lastTest: z.nullish(z.catch(testReportSchema, {})),
  organizations: z.array(organizationSchema),
});
export type Connection = z.infer<typeof connectionSchema>;
export const connectionListSchema = z.object({ items: z.array(connectionSchema) });

/** The error body of every API answer. */
export const errorBodySchema = z.object({ code: z.optional(z.string()), message: z.optional(z.string()) });
