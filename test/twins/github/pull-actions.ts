import type { RepoEvents } from './repo-events.js';
import { addReply } from './review-comments.js';
import type { Shapes } from './shapes.js';
import { iso, type GitHubState, type PullRecord, type RepoRecord } from './state.js';
import type { TwinWebhooks } from './webhooks.js';
import { issueCommentCreated, pullRequestClosed, reviewCommentCreated } from './webhook-payloads.js';

/**
 * What people do on pull requests in GitHub's web pages, with the webhooks GitHub sends for it: open one from a
 * new branch, push to its branch, reply in a thread (a review thread, or the pull request's conversation), close
 * or merge it. Each resolves once the webhook deliveries it caused are answered.
 */
export interface PullRequestActions {
  /** Branch `branch` from the default branch's head, commit `files` on it, open a pull request into it. */
  openPullRequest(
    repo: string,
    branch: string,
    files: Readonly<Record<string, string | null>>,
    author: string,
  ): Promise<PullRecord>;
  /** Commit `files` (`null` deletes) to `branch`; open pull requests from it follow. Resolves with the commit. */
  push(repo: string, branch: string, files: Readonly<Record<string, string | null>>): string;
  /**
   * `login` answers comment `commentId`: in its review thread when it is a review comment, else as a new comment
   * of the pull request's conversation (issue comments have no threads).
   */
  reply(repo: string, number: number, commentId: number, login: string, body: string): Promise<number>;
  /** Close (or merge into the base branch) as `login`. */
  close(repo: string, number: number, merged: boolean, login: string): Promise<void>;
}

const changes = (files: Readonly<Record<string, string | null>>) =>
  new Map(Object.entries(files).map(([path, text]) => [path, text === null ? null : Buffer.from(text)]));

export function createPullRequestActions(
  state: GitHubState,
  events: RepoEvents,
  webhooks: TwinWebhooks,
  shapes: () => Shapes,
): PullRequestActions {
  const pullOf = (repo: RepoRecord, number: number): PullRecord => {
    const pull = state.pull(repo, number);
    if (!pull) throw new Error(`no pull request ${repo.owner}/${repo.name}#${number}`);
    return pull;
  };

  return {
    async openPullRequest(name, branch, files, author) {
      const repo = state.requireRepo(name);
      const git = state.git(repo);
      if (git.branches.has(branch)) throw new Error(`branch ${branch} exists`);
      git.branches.set(branch, git.branches.get(repo.defaultBranch)!);
      state.commit(repo, branch, `Change ${Object.keys(files).join(', ')}`, changes(files));
      return state.createPull(repo, {
        title: `Changes on ${branch}`,
        body: null,
        authorId: state.requireUser(author).id,
        head: branch,
        base: repo.defaultBranch,
        draft: false,
        files: [],
      });
    },

    push(name, branch, files) {
      const repo = state.requireRepo(name);
      return state.commit(repo, branch, `Change ${Object.keys(files).join(', ')}`, changes(files)).sha;
    },

    async reply(name, number, commentId, login, body) {
      const repo = state.requireRepo(name);
      const pull = pullOf(repo, number);
      const user = state.requireUser(login);
      if (state.reviewComments.has(commentId)) {
        const reply = addReply(state, repo, pull, commentId, user.id, body, state.newId());
        events.send(
          repo,
          'pull_request_review_comment',
          user,
          reviewCommentCreated(shapes(), repo, pull, reply),
        );
        await webhooks.idle();
        return reply.id;
      }
      const parent = state.issueComments.get(commentId);
      if (!parent || parent.repoId !== repo.id || parent.number !== number) {
        throw new Error(`no comment ${commentId} on ${name}#${number}`);
      }
      const comment = state.addIssueComment(repo, number, user.id, undefined, body);
      events.send(repo, 'issue_comment', user, issueCommentCreated(state, shapes(), repo, pull, comment));
      await webhooks.idle();
      return comment.id;
    },

    async close(name, number, merged, login) {
      const repo = state.requireRepo(name);
      const pull = pullOf(repo, number);
      const user = state.requireUser(login);
      if (pull.state !== 'open') throw new Error(`${name}#${number} is not open`);
      const now = iso(state.now());
      if (merged) {
        const git = state.git(repo);
        const base = git.commits.get(git.branches.get(pull.base)!)!.files;
        const head = git.commits.get(pull.headSha)!.files;
        const merge = new Map<string, Buffer | null>();
        for (const [path, content] of head) if (!base.get(path)?.equals(content)) merge.set(path, content);
        for (const path of base.keys()) if (!head.has(path)) merge.set(path, null);
        state.commit(repo, pull.base, `Merge pull request #${number} from ${repo.owner}/${pull.head}`, merge);
        pull.mergedAt = now;
        pull.mergedBy = user.id;
      }
      pull.state = 'closed';
      pull.closedAt = now;
      pull.updatedAt = now;
      events.send(repo, 'pull_request', user, pullRequestClosed(shapes(), repo, pull));
      await webhooks.idle();
    },
  };
}
