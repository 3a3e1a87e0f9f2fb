import type { TwinRouter } from '../server/twin-server.js';
import { addOrgRoute, projectRole, type AdoCaller } from './access.js';
import { connectionIdentity, list } from './shapes.js';
import type { AdoUser, AzureDevOpsState } from './state.js';

/** The "Git Repositories" security namespace and its bits (`GET _apis/securitynamespaces`). */
export const gitRepositoriesNamespace = '2e9eb7ed-3c0a-47d4-87c1-0ffdd275fd87';
export const gitPermission = {
  administer: 1,
  genericRead: 2,
  genericContribute: 4,
  createBranch: 16,
  createTag: 32,
  manageNote: 64,
  pullRequestContribute: 16384,
} as const;

/** Effective repository permissions of each project role ("Default Git repository and branch permissions"). */
const roleBits: Readonly<Record<string, number>> = {
  projectReader: gitPermission.genericRead | gitPermission.pullRequestContribute,
  projectContributor:
    gitPermission.genericRead |
    gitPermission.genericContribute |
    gitPermission.createBranch |
    gitPermission.createTag |
    gitPermission.manageNote |
    gitPermission.pullRequestContribute,
  projectAdministrator: 0xffff,
};

/**
 * Legacy identities (`ims/7.1/identities.json`, "Identities - Read Identities", `vso.identity`) and access control
 * lists (`security/7.1/security.json`, "Access Control Lists - Query", its httpExample with
 * `includeExtendedInfo=True`): what a client needs to read another user's effective permission on a repository.
 */
export function addSecurityRoutes(state: AzureDevOpsState, router: TwinRouter): void {
  const identityJson = (user: AdoUser) => ({
    ...connectionIdentity(user, state.tenantId),
    members: [],
    memberOf: [],
    memberIds: [],
  });
  const compact = (id: string) => id.replace(/-/g, '').toLowerCase();

  // GET {vssps}/{org}/_apis/identities?identityIds=&descriptors=&searchFilter=&filterValue=
  addOrgRoute(
    state,
    router,
    'GET',
    '/:org/_apis/identities',
    { scope: ['vso.identity'] },
    (request, caller) => {
      const q = request.url.searchParams;
      const users = [...caller.org.members.values()].map((m) => m.user);
      const split = (name: string) => (q.get(name) ?? '').split(',').filter((v) => v !== '');
      let found: AdoUser[];
      if (q.has('identityIds')) {
        const ids = split('identityIds').map(compact);
        found = users.filter((u) => ids.includes(compact(u.id)));
      } else if (q.has('descriptors')) {
        const descriptors = split('descriptors').map((d) => d.toLowerCase());
        found = users.filter((u) => descriptors.includes(identityJson(u).descriptor.toLowerCase()));
      } else {
        const value = (q.get('filterValue') ?? '').toLowerCase();
        found = users.filter(
          (u) => u.principalName.toLowerCase() === value || u.displayName.toLowerCase() === value,
        );
      }
      return { body: list(found.map(identityJson)) };
    },
  );

  // GET /{org}/_apis/accesscontrollists/{securityNamespaceId}?token=&descriptors=&includeExtendedInfo=&recurse=
  // (the reference lists no scope for this operation)
  addOrgRoute(state, router, 'GET', '/:org/_apis/accesscontrollists/:namespace', {}, (request, caller) => {
    const q = request.url.searchParams;
    const token = q.get('token') ?? '';
    const [root, projectId, repoId] = token.split('/');
    const project = projectId === undefined ? undefined : state.findProject(caller.org, projectId);
    const repo = project && repoId !== undefined ? state.findRepo(project, repoId) : undefined;
    if (
      request.params.namespace!.toLowerCase() !== gitRepositoriesNamespace ||
      root !== 'repoV2' ||
      !project ||
      (repoId !== undefined && !repo)
    ) {
      return { body: list([]) };
    }
    const extended = q.get('includeExtendedInfo')?.toLowerCase() === 'true';
    const wanted = (q.get('descriptors') ?? '')
      .split(',')
      .filter((d) => d !== '')
      .map((d) => d.toLowerCase());
    const aces: Record<string, unknown> = {};
    for (const member of caller.org.members.values()) {
      const descriptor = identityJson(member.user).descriptor;
      if (wanted.length > 0 && !wanted.includes(descriptor.toLowerCase())) continue;
      const asCaller: AdoCaller = { org: caller.org, pat: { ...caller.pat, user: member.user }, member };
      const effective = roleBits[projectRole(asCaller, project) ?? ''] ?? 0;
      // Permissions come from the project's groups: nothing is set on the token for the user themself.
      aces[descriptor] = {
        descriptor,
        allow: 0,
        deny: 0,
        ...(extended
          ? { extendedInfo: { effectiveAllow: effective, effectiveDeny: 0, inheritedAllow: effective } }
          : {}),
      };
    }
    return {
      body: list([{ inheritPermissions: true, token, acesDictionary: aces, includeExtendedInfo: extended }]),
    };
  });
}
