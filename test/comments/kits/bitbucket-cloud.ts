import type { BitbucketCloudTwin } from '../../twins/bitbucket-cloud/index.js';
import type { BitbucketActor, BitbucketComment } from '../../twins/bitbucket-cloud/state.js';
import type { PullRequestKit, PullRequestKitFactory, TwinStatus, TwinThread } from '../pull-request-kit.js';

/*
 * The Bitbucket Cloud kit: pull requests on the family's `acme/website`, opened, pushed, merged and declined
 * through the twin's control methods (which deliver `repo:push`, `pullrequest:created`, `pullrequest:fulfilled`
 * and `pullrequest:rejected`); people reply through the API with their own Atlassian API tokens, so the twin
 * delivers `pullrequest:comment_created` to scm-connect. The connection comments as its workspace access token.
 */

/** The access token the families' connection uses (test/helpers/twin-kits.ts). */
const connectionToken = 'bbwat-kit-good';

/** A person with `write` on the repository and one with `read`, both workspace members. */
const people = {
  writer: {
    accountId: '557058:kit-writer',
    displayName: 'Wendy Writer',
    nickname: 'wendy',
    email: 'wendy@example.com',
    token: 'ATATT-kit-writer',
    permission: 'write',
  },
  reader: {
    accountId: '557058:kit-reader',
    displayName: 'Rita Reader',
    nickname: 'rita',
    email: 'rita@example.com',
    token: 'ATATT-kit-reader',
    permission: 'read',
  },
} as const;

const writeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const basic = (email: string, token: string) =>
  `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`;

/** The name the twin shows for an actor: nickname, else Atlassian account id, else display name (tokens). */
export const twinLogin = (actor: BitbucketActor): string =>
  actor.nickname ?? actor.accountId ?? actor.displayName;

const statusOf = (state: string): TwinStatus['state'] =>
  state === 'SUCCESSFUL' ? 'success' : state === 'INPROGRESS' ? 'pending' : 'failure';

const isBitbucketTwin = (twin: unknown): twin is BitbucketCloudTwin =>
  typeof twin === 'object' && twin !== null && 'openPullRequest' in twin && 'closePullRequest' in twin;

export const bitbucketCloudPullRequestKit: PullRequestKitFactory = async (_world, family) => {
  const twin = family.twin;
  if (!isBitbucketTwin(twin)) throw new Error('Bitbucket Cloud kit: the family twin is not Bitbucket Cloud');
  const [workspaceSlug, slug] = family.repository.fullName.split('/') as [string, string];
  const repository = () => twin.repository(workspaceSlug, slug);
  const workspace = twin.workspace(workspaceSlug);
  for (const person of Object.values(people)) {
    if (twin.state.users.has(person.accountId)) continue;
    twin.state.addUser(person);
    workspace.members.set(person.accountId, 'member');
    repository().permissions.set(person.accountId, person.permission);
    twin.addApiToken({
      email: person.email,
      token: person.token,
      scopes: [
        'read:workspace:bitbucket',
        'read:repository:bitbucket',
        'read:pullrequest:bitbucket',
        'write:pullrequest:bitbucket',
      ],
    });
  }
  const peopleAuth = new Set(Object.values(people).map((person) => basic(person.email, person.token)));
  const bot = twin.state.accessTokens.get(connectionToken);
  if (!bot) throw new Error(`Bitbucket Cloud kit: no access token ${connectionToken}`);
  const pullRequest = (id: number) => twin.pullRequest(workspaceSlug, slug, id);

  const kit: PullRequestKit = {
    botLogin: twinLogin(bot.actor),

    async openPullRequest(branch, files) {
      const pr = twin.openPullRequest(workspaceSlug, slug, {
        source: branch,
        files,
        title: `Change ${branch}`,
      });
      await twin.idle();
      return {
        number: pr.id,
        headSha: repository().branches.get(branch)!.hash,
        baseSha: pr.baseHash!,
      };
    },

    async push(branch, files) {
      const { after } = twin.push(workspaceSlug, slug, branch, files);
      await twin.idle();
      return after;
    },

    async threads(pr) {
      const comments = pullRequest(pr).comments;
      const below = (root: BitbucketComment): BitbucketComment[] => {
        const ids = new Set([root.id]);
        const found: BitbucketComment[] = [];
        for (const comment of comments) {
          if (comment.parentId !== undefined && ids.has(comment.parentId)) {
            ids.add(comment.id);
            if (!comment.deleted) found.push(comment);
          }
        }
        return found;
      };
      return comments
        .filter((comment) => comment.parentId === undefined && !comment.deleted)
        .map((root): TwinThread => ({
          id: String(root.id),
          ...(root.inline ? { path: root.inline.path } : {}),
          ...(root.inline?.to != null ? { line: root.inline.to } : {}),
          body: root.raw,
          author: twinLogin(root.author),
          resolved: root.resolution !== undefined,
          replies: below(root).map((reply) => ({ author: twinLogin(reply.author), body: reply.raw })),
        }));
    },

    async status(_pr, sha) {
      const repo = repository();
      const hash = [...repo.statuses.keys()].find((full) => full.startsWith(sha));
      const status = hash === undefined ? undefined : repo.statuses.get(hash)?.get('scm-connect');
      if (!status) return undefined;
      return { state: statusOf(status.state), description: status.description, targetUrl: status.url };
    },

    writes: () =>
      twin.log.filter(
        (entry) =>
          entry.path.startsWith('/2.0/') &&
          writeMethods.has(entry.method) &&
          !peopleAuth.has(String(entry.headers.authorization ?? '')),
      ).length,

    async reply(pr, threadId, who, body) {
      const person = people[who];
      // POST /2.0/repositories/{workspace}/{repo_slug}/pullrequests/{id}/comments with `parent`, as the person
      const response = await fetch(
        `${twin.apiUrl}/repositories/${workspaceSlug}/${slug}/pullrequests/${pr}/comments`,
        {
          method: 'POST',
          headers: { authorization: basic(person.email, person.token), 'content-type': 'application/json' },
          body: JSON.stringify({ content: { raw: body }, parent: { id: Number(threadId) } }),
        },
      );
      if (response.status !== 201) throw new Error(`Bitbucket Cloud kit: reply answered ${response.status}`);
      await twin.idle();
    },

    async close(pr, merged) {
      twin.closePullRequest(workspaceSlug, slug, pr, merged);
      await twin.idle();
    },
  };
  return kit;
};
