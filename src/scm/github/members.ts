import { z } from 'zod';
import { isScmError } from '../errors.js';
import type { ScmMember, ScmMemberRef, ScmOrganizationRef } from '../provider.js';
import { checkOrganization, onInstallation, pagesOf, type GitHubContext } from './provider-context.js';
import { githubPageSize } from './repos.js';
import { idOf, parseGitHub, userSchema } from './schemas.js';

const toUser = (value: unknown) => {
  const user = parseGitHub(userSchema, value, 'organization member');
  return { externalId: idOf(user.id, 'member'), login: user.login };
};

/** The roles a GitHub organization member can hold, as a role mapping names them. */
export const githubScmRoles: readonly string[] = ['owner', 'member'];

/** An organization owner is `admin` in GitHub's API and `owner` in its UI, which is what a role mapping names. */
const asMember = (user: ScmMemberRef, admin: boolean): ScmMember => ({
  ...user,
  role: admin ? 'admin' : 'member',
  scmRole: admin ? 'owner' : 'member',
});

/** Organization members, one role: `GET /orgs/{org}/members?role=…&per_page=100`, page by page. */
function membersWithRole(context: GitHubContext, org: string, role: 'admin' | 'all') {
  // GET /orgs/{org}/members?role={role}&per_page=100
  const pages = context.octokit().paginate.iterator('GET /orgs/{org}/members', {
    org,
    role,
    per_page: githubPageSize,
  });
  return pagesOf<unknown>(context, 'list the organization members', pages);
}

/**
 * Members of the installation's organization, each once: owners (`role=admin`) are read first, then everyone
 * (`role=all`) is yielded with `admin` or `member`. Needs the organization permission `members: read`. A user
 * account's installation has one member, the user, as `admin`. Pending invitations and outside collaborators are
 * not members, and GitHub does not list them here.
 */
export async function* listGitHubMembers(
  context: GitHubContext,
  org: ScmOrganizationRef,
): AsyncGenerator<ScmMember> {
  checkOrganization(context, org);
  const { account } = context.installation;
  if (account.type === 'User') {
    yield asMember({ externalId: account.id, login: account.login }, true);
    return;
  }
  const admins = new Set<string>();
  for await (const item of membersWithRole(context, account.login, 'admin'))
    admins.add(toUser(item).externalId);
  const seen = new Set<string>();
  for await (const item of membersWithRole(context, account.login, 'all')) {
    const member = toUser(item);
    if (seen.has(member.externalId)) continue;
    seen.add(member.externalId);
    yield asMember(member, admins.has(member.externalId));
  }
}

/** "Get organization membership for a user": `state` is `pending` for an invitation not yet accepted. */
const membershipSchema = z.object({
  state: z.string(),
  role: z.string(),
  user: userSchema.nullable().optional(),
});

const loginPattern = /^[A-Za-z0-9](?:[A-Za-z0-9-]){0,38}$/;

/**
 * One person's membership of the installation's organization, asked live: `GET /orgs/{org}/memberships/{username}`
 * (organization permission `members: read`). Only an `active` membership counts, as `admin` (owner) or `member`:
 * a pending invitation, a billing manager, an outside collaborator (404) and a login now held by another user id
 * are not members.
 */
export async function checkGitHubMember(
  context: GitHubContext,
  org: ScmOrganizationRef,
  user: ScmMemberRef,
): Promise<ScmMember | undefined> {
  checkOrganization(context, org);
  const { account } = context.installation;
  if (account.type === 'User') {
    return user.externalId === account.id
      ? asMember({ externalId: account.id, login: account.login }, true)
      : undefined;
  }
  if (!loginPattern.test(user.login)) return undefined;
  let data: unknown;
  try {
    // GET /orgs/{org}/memberships/{username}
    const answer = await onInstallation(context, "read the person's organization membership", () =>
      context.octokit().request('GET /orgs/{org}/memberships/{username}', {
        org: account.login,
        username: user.login,
      }),
    );
    data = answer.data;
  } catch (error) {
    if (isScmError(error) && error.status === 404) return undefined;
    throw error;
  }
  const membership = parseGitHub(membershipSchema, data, 'organization membership');
  if (membership.state !== 'active') return undefined;
  if (membership.role !== 'admin' && membership.role !== 'member') return undefined;
  // The login is only how GitHub's path names the person: the id decides who they are.
  const found = membership.user ? toUser(membership.user) : undefined;
  if (found?.externalId !== user.externalId) return undefined;
  return asMember(found, membership.role === 'admin');
}
