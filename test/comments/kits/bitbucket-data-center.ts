import type { BitbucketDataCenterTwin } from '../../twins/bitbucket-data-center/index.js';
import type { BbComment } from '../../twins/bitbucket-data-center/state.js';
import type { PullRequestKit, PullRequestKitFactory, TwinStatus, TwinThread } from '../pull-request-kit.js';

/*
 * The Bitbucket Data Center kit: pull requests on the family's `SHOP/website`, opened, pushed, merged and
 * declined through the twin's control methods (which deliver `repo:refs_changed`, `pr:opened`, `pr:merged` and
 * `pr:declined`); people reply through the REST API with their own personal HTTP access tokens, so the twin
 * delivers `pr:comment:added` to scm-connect. The connection comments as the service user of its project token.
 */

/** The project token the families' connection uses (test/helpers/twin-kits.ts). */
const connectionToken = 'bbdc-kit-good';

/** A person with Project write and one with Project read, each with a personal token. */
const people = {
  writer: {
    name: 'walter',
    displayName: 'Walter Writer',
    permission: 'PROJECT_WRITE',
    token: 'bbdc-kit-walter',
  },
  reader: { name: 'rita', displayName: 'Rita Reader', permission: 'PROJECT_READ', token: 'bbdc-kit-rita' },
} as const;

const writeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const statusOf = (state: string): TwinStatus['state'] =>
  state === 'SUCCESSFUL' ? 'success' : state === 'INPROGRESS' ? 'pending' : 'failure';

const isDataCenterTwin = (twin: unknown): twin is BitbucketDataCenterTwin =>
  typeof twin === 'object' &&
  twin !== null &&
  'openPullRequest' in twin &&
  'deliver' in twin &&
  'baseUrl' in twin;

export const bitbucketDataCenterPullRequestKit: PullRequestKitFactory = async (_world, family) => {
  const twin = family.twin;
  if (!isDataCenterTwin(twin))
    throw new Error('Data Center kit: the family twin is not Bitbucket Data Center');
  const [projectKey, slug] = family.repository.fullName.split('/') as [string, string];
  const project = twin.state.projects.get(projectKey)!;
  const repository = () => {
    const repo = twin.state.findRepo(project, slug);
    if (!repo) throw new Error(`Data Center kit: no repository ${family.repository.fullName}`);
    return repo;
  };
  for (const person of Object.values(people)) {
    if (twin.state.users.has(person.name)) continue;
    const user = {
      id: twin.state.nextId('user'),
      name: person.name,
      displayName: person.displayName,
      email: `${person.name}@example.com`,
      sysAdmin: false,
      active: true,
      type: 'NORMAL' as const,
    };
    twin.state.users.set(person.name, user);
    project.members.set(person.name, person.permission);
    twin.state.tokens.set(person.token, {
      id: String(200_000_000_000 + user.id),
      value: person.token,
      name: `${person.name} personal`,
      scope: { type: 'user', user: person.name },
      permissions: ['PROJECT_WRITE', 'REPO_WRITE'],
      expiresAt: undefined,
      createdAt: new Date('2025-06-01T00:00:00Z'),
      lastAuthenticated: undefined,
      user,
    });
  }
  const peopleAuth = new Set(Object.values(people).map((person) => `Bearer ${person.token}`));
  const bot = twin.state.tokens.get(connectionToken);
  if (!bot) throw new Error(`Data Center kit: no access token ${connectionToken}`);
  const api = `${twin.state.contextPath}/rest/`;
  const pullRequest = (id: number) => {
    const pr = repository().pullRequests.get(id);
    if (!pr) throw new Error(`Data Center kit: no pull request #${id}`);
    return pr;
  };

  const kit: PullRequestKit = {
    botLogin: bot.user.name,

    async openPullRequest(branch, files) {
      const { after } = twin.push(projectKey, slug, branch, files);
      const pr = twin.openPullRequest(projectKey, slug, branch);
      await twin.idle();
      return { number: pr.id, headSha: after, baseSha: pr.baseCommit };
    },

    async push(branch, files) {
      const { after } = twin.push(projectKey, slug, branch, files);
      await twin.idle();
      return after;
    },

    async threads(pr) {
      const { comments } = pullRequest(pr);
      const below = (root: BbComment): BbComment[] =>
        comments
          .filter((comment) => comment.parentId === root.id)
          .flatMap((reply) => [reply, ...below(reply)])
          .sort((a, b) => a.createdDate - b.createdDate);
      return comments
        .filter((comment) => comment.parentId === undefined)
        .sort((a, b) => a.createdDate - b.createdDate)
        .map((root): TwinThread => ({
          id: String(root.id),
          ...(root.anchor ? { path: root.anchor.path } : {}),
          ...(root.anchor?.line === undefined ? {} : { line: root.anchor.line }),
          body: root.text,
          author: root.author.name,
          resolved: root.threadResolved !== undefined,
          replies: below(root).map((reply) => ({ author: reply.author.name, body: reply.text })),
        }));
    },

    async status(_pr, sha) {
      const builds = repository().builds;
      const commit = [...builds.keys()].find((full) => full.startsWith(sha.toLowerCase()));
      const build = commit === undefined ? undefined : builds.get(commit)?.get('scm-connect');
      if (!build) return undefined;
      return { state: statusOf(build.state), description: build.description ?? '', targetUrl: build.url };
    },

    writes: () =>
      twin.log.filter(
        (entry) =>
          entry.path.startsWith(api) &&
          writeMethods.has(entry.method) &&
          !peopleAuth.has(String(entry.headers.authorization ?? '')),
      ).length,

    async reply(pr, threadId, who, body) {
      const person = people[who];
      // POST /rest/api/1.0/projects/{KEY}/repos/{slug}/pull-requests/{id}/comments with `parent`, as the person
      const response = await fetch(
        `${twin.baseUrl}/rest/api/1.0/projects/${projectKey}/repos/${slug}/pull-requests/${pr}/comments`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${person.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ text: body, parent: { id: Number(threadId) } }),
        },
      );
      if (response.status !== 201) throw new Error(`Data Center kit: reply answered ${response.status}`);
      await twin.idle();
    },

    async close(pr, merged) {
      twin.closePullRequest(projectKey, slug, pr, merged);
      await twin.idle();
    },
  };
  return kit;
};
