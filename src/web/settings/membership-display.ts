import type {
  MembershipCandidate,
  MembershipSource,
  ReconcileOutcome,
  RoleMapping,
} from '../api/membership-client.js';

type Kind = MembershipCandidate['kind'];

export const scmName = (kind: Kind): string => (kind === 'github' ? 'GitHub' : 'GitLab');

/** "GitHub organization acme", "GitLab group platform". */
export const organizationLabel = (candidate: Pick<MembershipCandidate, 'kind' | 'organization'>): string =>
  `${scmName(candidate.kind)} ${candidate.kind === 'github' ? 'organization' : 'group'} ${candidate.organization.name}`;

/** A choice of the source select: the organization, and its host when that is not obvious. */
export const candidateLabel = (candidate: MembershipCandidate): string =>
  `${organizationLabel(candidate)} (${candidate.host})`;

/** The select's value for a candidate: connection and organization together name it. */
export const candidateKey = (candidate: Pick<MembershipCandidate, 'connectionId' | 'organization'>): string =>
  `${candidate.connectionId}/${candidate.organization.externalId}`;

/** An SCM role as people read it: `owner` → "Owner", `minimal_access` → "Minimal access". */
export const scmRoleLabel = (role: string): string => {
  const words = role.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** The mapping offered when an admin turns it on: owners become admins, everyone else members. */
export const defaultRoleMapping = (scmRoles: readonly string[]): RoleMapping =>
  Object.fromEntries(scmRoles.map((role) => [role, role === 'owner' ? 'admin' : 'member']));

/** What the last reconciliation did, in words. */
export const outcomeText = (outcome: ReconcileOutcome | null | undefined): string => {
  if (!outcome) return 'Not run yet';
  if (!outcome.ok) return `Failed: ${outcome.error ?? 'no reason given'}`;
  const parts = [`${outcome.added} added`, `${outcome.removed} removed`, `${outcome.updated} updated`];
  return `Succeeded: ${parts.join(', ')}`;
};

/** Why a managed member's role and removal are not edited here; `role` is null when the role may be changed. */
export interface ManagedReasons {
  readonly role: string | null;
  readonly remove: string;
}

export const managedReasons = (source: Pick<MembershipSource, 'label' | 'roleMapping'>): ManagedReasons => ({
  role: source.roleMapping
    ? `Roles come from ${source.label}’s role mapping: change it there or turn the mapping off.`
    : null,
  remove: `Remove them from ${source.label}: scm-connect follows within a minute.`,
});
