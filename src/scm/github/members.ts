import type { ScmMember, ScmOrganizationRef } from '../provider.js';
import { checkOrganization, pagesOf, type GitHubContext } from './provider-context.js';
import { githubPageSize } from './repos.js';
import { idOf, parseGitHub, userSchema } from './schemas.js';

const toUser = (value: unknown) => {
  const user = parseGitHub(userSchema, value, 'organization member');
  return { externalId: idOf(user.id, 'member'), login: user.login };
};

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
 * account's installation has one member, the user, as `admin`.
 */
export async function* listGitHubMembers(
  context: GitHubContext,
  org: ScmOrganizationRef,
): AsyncGenerator<ScmMember> {
  checkOrganization(context, org);
  const { account } = context.installation;
  if (account.type === 'User') {
    yield { externalId: account.id, login: account.login, role: 'admin' };
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
    yield { ...member, role: admins.has(member.externalId) ? 'admin' : 'member' };
  }
}
