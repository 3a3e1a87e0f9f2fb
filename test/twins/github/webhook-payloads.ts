import type { Shapes } from './shapes.js';
import type {
  GitHubState,
  IssueCommentRecord,
  PullRecord,
  RepoRecord,
  ReviewCommentRecord,
} from './state.js';

type Json = Record<string, unknown>;

/*
 * The event-specific parts of the pull request webhooks ("Webhook events and payloads", and GitHub's OpenAPI
 * `x-webhooks`): `pull_request_review_comment`, `issue_comment` on a pull request, `pull_request`. `repository`,
 * `organization`, `sender` and `installation` are added by `repo-events.ts`.
 */

export function reviewCommentCreated(
  shapes: Shapes,
  repo: RepoRecord,
  pull: PullRecord,
  comment: ReviewCommentRecord,
): Json {
  return {
    action: 'created',
    comment: {
      ...shapes.reviewComment(repo, comment),
      reactions: noReactions(shapes, repo, 'pulls/comments', comment.id),
    },
    pull_request: shapes.pullSimple(repo, pull),
  };
}

export function issueCommentCreated(
  state: GitHubState,
  shapes: Shapes,
  repo: RepoRecord,
  pull: PullRecord,
  comment: IssueCommentRecord,
): Json {
  return {
    action: 'created',
    comment: {
      ...shapes.issueComment(repo, comment),
      reactions: noReactions(shapes, repo, 'issues/comments', comment.id),
    },
    issue: issueOfPull(state, shapes, repo, pull),
  };
}

export function pullRequestClosed(shapes: Shapes, repo: RepoRecord, pull: PullRecord): Json {
  return { action: 'closed', number: pull.number, pull_request: shapes.pull(repo, pull) };
}

function noReactions(shapes: Shapes, repo: RepoRecord, kind: string, id: number): Json {
  const url = `${String(shapes.repo(repo).url)}/${kind}/${id}/reactions`;
  return {
    url,
    total_count: 0,
    '+1': 0,
    '-1': 0,
    laugh: 0,
    hooray: 0,
    confused: 0,
    heart: 0,
    rocket: 0,
    eyes: 0,
  };
}

/** A pull request seen as an issue (`issue.pull_request` says it is one). */
function issueOfPull(state: GitHubState, shapes: Shapes, repo: RepoRecord, pull: PullRecord): Json {
  const simple = shapes.pullSimple(repo, pull);
  const repoUrl = String(shapes.repo(repo).url);
  const url = `${repoUrl}/issues/${pull.number}`;
  const comments = [...state.issueComments.values()].filter(
    (c) => c.repoId === repo.id && c.number === pull.number,
  ).length;
  return {
    url,
    repository_url: repoUrl,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: simple.html_url,
    id: pull.id,
    node_id: simple.node_id,
    number: pull.number,
    title: pull.title,
    user: simple.user,
    labels: [],
    state: pull.state,
    locked: false,
    assignee: null,
    assignees: [],
    milestone: null,
    comments,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.closedAt,
    author_association: simple.author_association,
    active_lock_reason: null,
    draft: pull.draft,
    pull_request: {
      url: simple.url,
      html_url: simple.html_url,
      diff_url: simple.diff_url,
      patch_url: simple.patch_url,
      merged_at: pull.mergedAt,
    },
    body: pull.body,
    reactions: noReactions(shapes, repo, 'issues', pull.number),
    timeline_url: `${url}/timeline`,
    performed_via_github_app: null,
    state_reason: null,
  };
}
