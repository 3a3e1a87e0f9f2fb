import { z } from 'zod/mini';
import type { Http, RequestOptions } from './http.js';
import { roleSchema, type Role } from './schemas.js';

const scmKindSchema = z.enum(['github', 'gitlab']);

const scmOrganizationSchema = z.object({ externalId: z.string(), name: z.string() });

/** An organization or top-level group of one of the account's connections that can manage membership. */
export const membershipCandidateSchema = z.object({
  connectionId: z.string(),
  kind: scmKindSchema,
  host: z.string(),
  organization: scmOrganizationSchema,
});
export type MembershipCandidate = z.infer<typeof membershipCandidateSchema>;

export const roleMappingSchema = z.record(z.string(), roleSchema);
/** Account roles by SCM role (`owner` → `admin`); null when every new member gets the default role. */
export type RoleMapping = Readonly<Record<string, Role>>;

export const reconcileOutcomeSchema = z.object({
  ok: z.boolean(),
  added: z.number(),
  removed: z.number(),
  updated: z.number(),
  error: z.nullish(z.string()),
});
export type ReconcileOutcome = z.infer<typeof reconcileOutcomeSchema>;

export const membershipSourceSchema = z.object({
  connectionId: z.string(),
  kind: scmKindSchema,
  host: z.string(),
  organization: scmOrganizationSchema,
  /** "GitHub organization acme", "GitLab group platform". */
  label: z.string(),
  roleMapping: z.nullable(roleMappingSchema),
  /** The roles the SCM has, in its order, for the mapping editor. */
  scmRoles: z.array(z.string()),
  lastReconciledAt: z.nullish(z.string()),
  lastOutcome: z.nullish(reconcileOutcomeSchema),
  nextRunAt: z.nullish(z.string()),
});
export type MembershipSource = z.infer<typeof membershipSourceSchema>;

export const membershipSettingsSchema = z.object({
  source: z.nullable(membershipSourceSchema),
  defaultRole: roleSchema,
  candidates: z.array(membershipCandidateSchema),
});
export type MembershipSettings = z.infer<typeof membershipSettingsSchema>;

export interface MembershipSourceInput {
  readonly connectionId: string;
  readonly organizationExternalId: string;
  readonly roleMapping: RoleMapping | null;
}

const reconcileStartedSchema = z.object({ jobId: z.string() });

/** Settings > Members: the organization or group that manages the account's membership, and the default role. */
export interface MembershipApi {
  membershipSettings(accountId: string, options?: RequestOptions): Promise<MembershipSettings>;
  /** Admin only; starts a reconciliation at once and answers the settings as they now are. */
  setMembershipSource(accountId: string, input: MembershipSourceInput): Promise<MembershipSettings>;
  /** Admin only; the managed members stay, as ordinary members. */
  removeMembershipSource(accountId: string): Promise<void>;
  setDefaultRole(accountId: string, role: Role): Promise<void>;
  /** Admin only; answers the id of the reconciliation job. */
  reconcileMembership(accountId: string): Promise<string>;
}

const sourcePath = (accountId: string) =>
  `/api/v1/accounts/${encodeURIComponent(accountId)}/membership-source`;

export const createMembershipApi = (http: Http): MembershipApi => ({
  membershipSettings: (accountId, options) =>
    http.request('GET', sourcePath(accountId), membershipSettingsSchema, undefined, options),
  setMembershipSource: (accountId, input) =>
    http.request('PUT', sourcePath(accountId), membershipSettingsSchema, input),
  removeMembershipSource: (accountId) => http.requestEmpty('DELETE', sourcePath(accountId), {}),
  setDefaultRole: (accountId, role) =>
    http.requestEmpty('PUT', `/api/v1/accounts/${encodeURIComponent(accountId)}/default-role`, { role }),
  reconcileMembership: async (accountId) =>
    (await http.request('POST', `${sourcePath(accountId)}/reconcile`, reconcileStartedSchema, {})).jobId,
});
