import { scannerApp } from '../../api/github/github-world.js';
import type { GitHubTwin } from '../../twins/github/index.js';
import { GitHubState } from '../../twins/github/state.js';
import type { TwinServer } from '../../twins/server/twin-server.js';
import type { PullRequestKit, PullRequestKitFactory, TwinStatus, TwinThread } from '../pull-request-kit.js';

/*
 * The GitHub twin under the comment scenarios: `acme/web-shop`, the instance's app (`acme-scanner`) installed on
 * `acme`. Pull requests are opened by dev-dana; wes-writer (write) and rita-reader (read) are outside
 * collaborators of the repository. Summary comments are issue comments (no thread: a reply to one is a new issue
 * comment, delivered as `issue_comment`); inline threads are review threads (`pull_request_review_comment`).
 */

const writes = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const isGitHubTwin = (twin: TwinServer): twin is GitHubTwin =>
  'state' in twin && twin.state instanceof GitHubState && 'pullRequests' in twin;

const people = { writer: 'wes-writer', reader: 'rita-reader' } as const;

export const githubPullRequestKit: PullRequestKitFactory = async (_world, family) => {
  const { twin } = family;
  if (!isGitHubTwin(twin)) throw new Error('the github family runs on the GitHub twin');
  const name = family.repository.fullName;
  const repo = twin.state.requireRepo(name);
  const graphqlPath = new URL(twin.graphqlUrl).pathname;
  const pullOf = (number: number) => {
    const pull = twin.state.pull(repo, number);
    if (!pull) throw new Error(`no pull request ${name}#${number}`);
    return pull;
  };
  const login = (id: number) => twin.state.users.get(id)?.login ?? 'ghost';

  const kit: PullRequestKit = {
    botLogin: `${scannerApp.slug}[bot]`,

    async openPullRequest(branch, files) {
      const pull = await twin.pullRequests.openPullRequest(name, branch, files, 'dev-dana');
      return { number: pull.number, headSha: pull.headSha, baseSha: pull.baseSha };
    },

    async push(branch, files) {
      return twin.pullRequests.push(name, branch, files);
    },

    async threads(number) {
      pullOf(number);
      const summaries = [...twin.state.issueComments.values()].filter(
        (c) => c.repoId === repo.id && c.number === number,
      );
      const reviewComments = [...twin.state.reviewComments.values()].filter(
        (c) => c.repoId === repo.id && c.number === number,
      );
      const threads: (TwinThread & { readonly order: number })[] = [
        ...summaries.map((c) => ({
          order: c.id,
          id: String(c.id),
          body: c.body,
          author: login(c.authorId),
          resolved: false,
          replies: [],
        })),
        ...reviewComments
          .filter((c) => c.inReplyTo === undefined)
          .map((root) => ({
            order: root.id,
            id: String(root.id),
            path: root.path,
            ...(root.line === null ? {} : { line: root.line }),
            body: root.body,
            author: login(root.authorId),
            resolved: twin.state.resolvedThreads.has(root.id),
            replies: reviewComments
              .filter((c) => c.inReplyTo === root.id)
              .sort((a, b) => a.id - b.id)
              .map((c) => ({ author: login(c.authorId), body: c.body })),
          })),
      ];
      return threads.sort((a, b) => a.order - b.order).map(({ order: _order, ...thread }) => thread);
    },

    async status(number, sha) {
      pullOf(number);
      const runs = [...twin.state.checkRuns.values()]
        .filter((r) => r.repoId === repo.id && r.headSha === sha && r.name === 'scm-connect')
        .sort((a, b) => b.id - a.id);
      const run = runs[0];
      if (!run) return undefined;
      const state: TwinStatus['state'] =
        run.status !== 'completed' ? 'pending' : run.conclusion === 'success' ? 'success' : 'failure';
      return { state, description: run.title ?? '', targetUrl: run.detailsUrl ?? '' };
    },

    writes: () =>
      twin.log.filter(
        (r) => writes.has(r.method) && r.path !== graphqlPath && !r.path.endsWith('/access_tokens'),
      ).length + twin.state.graphqlMutations,

    async reply(number, threadId, who, body) {
      await twin.pullRequests.reply(name, number, Number(threadId), people[who], body);
    },

    async close(number, merged) {
      await twin.pullRequests.close(name, number, merged, 'octo-admin');
    },
  };
  return kit;
};
