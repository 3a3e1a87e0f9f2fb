import type { Config } from '../config/config.js';
import type { Db } from '../db/database.js';
import { accountDefaultRole } from '../db/accounts.js';
import {
  findMembershipSource,
  issuerOfSource,
  listSourceCandidates,
  providerOfKind,
  type MembershipProvider,
  type ReconcileOutcome,
  type RoleMapping,
} from '../db/membership-sources.js';
import type { Role } from '../db/schema.js';
import { slotStart } from '../jobs/schedules.js';
import { githubScmRoles } from '../scm/github/members.js';
import { gitlabScmRoles } from '../scm/gitlab/members.js';
import { sourceLabel } from './source.js';

export interface MembershipCandidateView {
  readonly connectionId: string;
  readonly kind: MembershipProvider;
  readonly host: string;
  readonly organization: { readonly externalId: string; readonly name: string };
}

export interface MembershipSourceView extends MembershipCandidateView {
  readonly label: string;
  readonly roleMapping: RoleMapping | null;
  readonly scmRoles: string[];
  readonly lastReconciledAt: string | null;
  readonly lastOutcome: ReconcileOutcome | null;
  readonly nextRunAt: string;
}

export interface MembershipSettingsView {
  readonly source: MembershipSourceView | null;
  readonly defaultRole: Role;
  readonly candidates: MembershipCandidateView[];
}

/** The roles each SCM has, highest first, for the mapping editor and to check a mapping. */
export const scmRolesOf = (provider: MembershipProvider): readonly string[] =>
  provider === 'github' ? githubScmRoles : gitlabScmRoles;

const hostOf = (root: string | undefined): string => {
  try {
    return root === undefined ? '' : new URL(root).host;
  } catch {
    return root ?? '';
  }
};

/** Settings > Members' membership panel: the source with its last and next run, the default role, the choices. */
export async function membershipSettingsView(
  db: Db,
  config: Pick<Config, 'membershipEveryMs'>,
  accountId: string,
  now = new Date(),
): Promise<MembershipSettingsView> {
  const [source, defaultRole, candidates] = await Promise.all([
    findMembershipSource(db, accountId),
    accountDefaultRole(db, accountId),
    listSourceCandidates(db, accountId),
  ]);
  const candidateViews = candidates.flatMap((candidate) => {
    const kind = providerOfKind(candidate.kind);
    return kind
      ? [
          {
            connectionId: candidate.connectionId,
            kind,
            host: candidate.host,
            organization: candidate.organization,
          },
        ]
      : [];
  });
  if (!source) return { source: null, defaultRole, candidates: candidateViews };
  const every = config.membershipEveryMs;
  return {
    source: {
      connectionId: source.connectionId,
      kind: source.provider,
      host: hostOf(await issuerOfSource(db, source)),
      organization: { externalId: source.organizationExternalId, name: source.organizationName },
      label: sourceLabel(source),
      roleMapping: source.roleMapping,
      scmRoles: [...scmRolesOf(source.provider)],
      lastReconciledAt: source.lastReconciledAt,
      lastOutcome: source.lastOutcome,
      nextRunAt: new Date(slotStart(now, every).getTime() + every).toISOString(),
    },
    defaultRole: source.defaultRole,
    candidates: candidateViews,
  };
}
