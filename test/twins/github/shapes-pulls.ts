import type { Shapes } from './shapes.js';
import type {
  DiffFileRecord,
  GitHubState,
  IssueCommentRecord,
  PullRecord,
  RepoRecord,
  ReviewCommentRecord,
  ReviewRecord,
} from './state.js';
import { blobSha } from './state.js';
import { diffPosition } from './diff-lines.js';

type Json = Record<string, unknown>;

/** What the pull-request shapes build on. */
export type PullShapeBase = Pick<Shapes, 'user' | 'account' | 'repo' | 'app'> & {
  nodeId(kind: string, id: number): string;
};

/** Pull requests, diff entries, issue and review comments, reviews. */
export function createPullShapes(state: GitHubState, api: string, web: string, base: PullShapeBase) {
  function pullLinks(repo: RepoRecord, pull: PullRecord) {
    const r = `${api}/repos/${repo.owner}/${repo.name}`;
    const p = `${r}/pulls/${pull.number}`;
    return {
      url: p,
      html_url: `${web}/${repo.owner}/${repo.name}/pull/${pull.number}`,
      diff_url: `${web}/${repo.owner}/${repo.name}/pull/${pull.number}.diff`,
      patch_url: `${web}/${repo.owner}/${repo.name}/pull/${pull.number}.patch`,
      issue_url: `${r}/issues/${pull.number}`,
      commits_url: `${p}/commits`,
      review_comments_url: `${p}/comments`,
      review_comment_url: `${r}/pulls/comments{/number}`,
      comments_url: `${r}/issues/${pull.number}/comments`,
      statuses_url: `${r}/statuses/${pull.headSha}`,
    };
  }

  function pullSimple(repo: RepoRecord, pull: PullRecord): Json {
    const links = pullLinks(repo, pull);
    const author = state.users.get(pull.authorId)!;
    const side = (ref: string, sha: string) => ({
      label: `${repo.owner}:${ref}`,
      ref,
      sha,
      user: base.account(repo.owner),
      repo: base.repo(repo),
    });
    return {
      ...links,
      id: pull.id,
      node_id: base.nodeId('PullRequest', pull.id),
      number: pull.number,
      state: pull.state,
      locked: false,
      title: pull.title,
      user: base.user(author),
      body: pull.body,
      labels: [],
      milestone: null,
      active_lock_reason: null,
      created_at: pull.createdAt,
      updated_at: pull.updatedAt,
      closed_at: pull.closedAt,
      merged_at: pull.mergedAt,
      merge_commit_sha: null,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      head: side(pull.head, pull.headSha),
      base: side(pull.base, pull.baseSha),
      _links: {
        self: { href: links.url },
        html: { href: links.html_url },
        issue: { href: links.issue_url },
        comments: { href: links.comments_url },
        review_comments: { href: links.review_comments_url },
        review_comment: { href: links.review_comment_url },
        commits: { href: links.commits_url },
        statuses: { href: links.statuses_url },
      },
      author_association: authorAssociation(repo, pull.authorId),
      auto_merge: null,
      draft: pull.draft,
    };
  }

  function authorAssociation(repo: RepoRecord, userId: number): string {
    const o = state.orgByLogin(repo.owner);
    if (o?.members.has(userId)) return 'MEMBER';
    if (repo.ownerId === userId) return 'OWNER';
    return 'NONE';
  }

  function pull(repo: RepoRecord, record: PullRecord): Json {
    const commentCount = [...state.issueComments.values()].filter(
      (c) => c.repoId === repo.id && c.number === record.number,
    ).length;
    const reviewCommentCount = [...state.reviewComments.values()].filter(
      (c) => c.repoId === repo.id && c.number === record.number,
    ).length;
    return {
      ...pullSimple(repo, record),
      merged: record.mergedAt !== null,
      mergeable: record.state === 'open' ? true : null,
      rebaseable: record.state === 'open' ? true : null,
      mergeable_state: record.state === 'open' ? 'clean' : 'unknown',
      merged_by: record.mergedBy === null ? null : actor(record.mergedBy),
      comments: commentCount,
      review_comments: reviewCommentCount,
      maintainer_can_modify: false,
      commits: 1,
      additions: record.files.reduce((n, f) => n + f.additions, 0),
      deletions: record.files.reduce((n, f) => n + f.deletions, 0),
      changed_files: record.files.length,
    };
  }

  function diffEntry(repo: RepoRecord, record: PullRecord, file: DiffFileRecord): Json {
    const content = state.git(repo).commits.get(record.headSha)?.files.get(file.filename);
    const sha = content ? blobSha(content) : '0000000000000000000000000000000000000000';
    const r = `${repo.owner}/${repo.name}`;
    return {
      sha,
      filename: file.filename,
      status: file.status,
      additions: file.additions,
      deletions: file.deletions,
      changes: file.additions + file.deletions,
      blob_url: `${web}/${r}/blob/${record.headSha}/${file.filename}`,
      raw_url: `${web}/${r}/raw/${record.headSha}/${file.filename}`,
      contents_url: `${api}/repos/${r}/contents/${file.filename}?ref=${record.headSha}`,
      ...(file.patch === '' ? {} : { patch: file.patch }),
      ...(file.previousFilename === undefined ? {} : { previous_filename: file.previousFilename }),
    };
  }

  function actor(userId: number): Json {
    const u = state.users.get(userId);
    return u ? base.user(u) : base.account('ghost');
  }

  function issueComment(repo: RepoRecord, comment: IssueCommentRecord): Json {
    const r = `${api}/repos/${repo.owner}/${repo.name}`;
    const app = comment.appId === undefined ? undefined : state.apps.get(comment.appId);
    return {
      id: comment.id,
      node_id: base.nodeId('IssueComment', comment.id),
      url: `${r}/issues/comments/${comment.id}`,
      html_url: `${web}/${repo.owner}/${repo.name}/pull/${comment.number}#issuecomment-${comment.id}`,
      issue_url: `${r}/issues/${comment.number}`,
      body: comment.body,
      user: actor(comment.authorId),
      created_at: comment.createdAt,
      updated_at: comment.updatedAt,
      author_association: app ? 'NONE' : authorAssociation(repo, comment.authorId),
      performed_via_github_app: app ? base.app(app) : null,
    };
  }

  function reviewComment(repo: RepoRecord, comment: ReviewCommentRecord): Json {
    const r = `${api}/repos/${repo.owner}/${repo.name}`;
    const url = `${r}/pulls/comments/${comment.id}`;
    const html = `${web}/${repo.owner}/${repo.name}/pull/${comment.number}#discussion_r${comment.id}`;
    const prUrl = `${r}/pulls/${comment.number}`;
    return {
      url,
      id: comment.id,
      node_id: base.nodeId('PullRequestReviewComment', comment.id),
      pull_request_review_id: comment.reviewId,
      diff_hunk: hunkFor(repo, comment),
      path: comment.path,
      position: positionOf(repo, comment),
      original_position: comment.originalPosition,
      commit_id: comment.commitId,
      original_commit_id: comment.commitId,
      user: actor(comment.authorId),
      body: comment.body,
      created_at: comment.createdAt,
      updated_at: comment.updatedAt,
      html_url: html,
      pull_request_url: prUrl,
      author_association: authorAssociation(repo, comment.authorId),
      _links: { self: { href: url }, html: { href: html }, pull_request: { href: prUrl } },
      start_line: comment.startLine,
      original_start_line: comment.startLine,
      start_side: comment.startSide,
      line: comment.line,
      original_line: comment.line,
      side: comment.side,
      subject_type: comment.subjectType,
      ...(comment.inReplyTo === undefined ? {} : { in_reply_to_id: comment.inReplyTo }),
    };
  }

  function positionOf(repo: RepoRecord, comment: ReviewCommentRecord): number | null {
    const patch = state.pull(repo, comment.number)?.files.find((f) => f.filename === comment.path)?.patch;
    return patch && comment.line !== null ? diffPosition(patch, comment.line, comment.side) : null;
  }

  function hunkFor(repo: RepoRecord, comment: ReviewCommentRecord): string {
    const p = state.pull(repo, comment.number);
    return (
      p?.files
        .find((f) => f.filename === comment.path)
        ?.patch.split('\n')
        .slice(0, 4)
        .join('\n') ?? '@@ -0,0 +0,0 @@'
    );
  }

  function review(repo: RepoRecord, record: ReviewRecord): Json {
    const html = `${web}/${repo.owner}/${repo.name}/pull/${record.number}#pullrequestreview-${record.id}`;
    const prUrl = `${api}/repos/${repo.owner}/${repo.name}/pulls/${record.number}`;
    return {
      id: record.id,
      node_id: base.nodeId('PullRequestReview', record.id),
      user: actor(record.authorId),
      body: record.body,
      state: record.state,
      html_url: html,
      pull_request_url: prUrl,
      _links: { html: { href: html }, pull_request: { href: prUrl } },
      submitted_at: record.submittedAt,
      commit_id: record.commitId,
      author_association: authorAssociation(repo, record.authorId),
    };
  }

  return { pullSimple, pull, diffEntry, issueComment, reviewComment, review };
}
