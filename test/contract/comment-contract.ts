import { expect } from 'vitest';
import { isScmError } from '../../src/scm/errors.js';
import type {
  InlinePosition,
  PullRequestCommenter,
  PullRequestDiffFile,
  PullRequestRef,
  ScmComment,
} from '../../src/scm/provider.js';

/*
 * What the comment reconciler (src/comments) relies on from every `PullRequestCommenter`, beyond the round trips
 * of provider-contract.ts: the diff, threads with replies and resolution, statuses, write access, and the body
 * format. `runProviderContract` runs them for each provider that comments: its fixture gives `commenter` (a
 * {@link CommenterFixture}); a contract test need not call them itself.
 */

/** The people on the fixture's pull request, by the SCM's immutable id and login. */
export interface CommentPeople {
  /** May write to the repository. */
  readonly writer: { readonly id: string; readonly login: string };
  /** May read the repository and comment, not write. */
  readonly reader: { readonly id: string; readonly login: string };
}

/** The open pull request the checks write on: a diff line, a line outside the diff, and its people. */
export interface CommenterFixture {
  readonly ref: PullRequestRef;
  /** A line of the diff's new side at the head commit. */
  readonly inline: InlinePosition;
  /** A line outside the diff: of the same file, or (where a whole changed file is commentable) of a file the pull request leaves alone. */
  readonly offDiff: InlinePosition;
  readonly people: CommentPeople;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

const commentable = (file: PullRequestDiffFile | undefined, line: number): boolean =>
  file !== undefined &&
  (file.commentable === 'whole-file' ||
    file.commentable.some((range) => range.start <= line && line <= range.end));

const uniqueText = (what: string) => `scm-connect:contract-${what}-${Date.now()}-${Math.random()}`;

async function rootOf(commenter: PullRequestCommenter, pr: PullRequestRef, id: string): Promise<ScmComment> {
  const roots = (await collect(commenter.listInlineComments!(pr))).filter((comment) => comment.id === id);
  expect(roots.length, `inline thread ${id} is listed once, as a root`).toBe(1);
  return roots[0]!;
}

/** The body format: a marker that carries its text, a bound on length, suggestions that carry the replacement. */
export function checkCommentFormat(commenter: PullRequestCommenter, position: InlinePosition): void {
  const { format } = commenter;
  const text = uniqueText('marker');
  expect(format.hiddenMarker(text), 'the hidden marker carries its text verbatim').toContain(text);
  expect(format.maxBodyLength, 'a body bound of at least 4,000 characters').toBeGreaterThanOrEqual(4_000);
  if (format.suggestion) {
    const replacement = 'const safe = escape(input);';
    expect(format.suggestion(replacement, position), 'a suggestion carries the replacement').toContain(
      replacement,
    );
  }
}

/** The diff: open, at the head the fixture's line is at, that line commentable and the off-diff one not. */
export async function checkPullRequestDiff(
  commenter: PullRequestCommenter,
  fixture: CommenterFixture,
): Promise<void> {
  const diff = await commenter.pullRequestDiff(fixture.ref);
  expect(diff.state, 'the fixture pull request is open').toBe('open');
  expect(diff.headSha, 'the diff is read at the head commit').toBe(fixture.inline.commitSha);
  expect(diff.baseSha, 'the diff names its base commit').toMatch(/^[0-9a-f]{7,64}$/);
  const file = diff.files.find((candidate) => candidate.path === fixture.inline.path);
  expect(file, `${fixture.inline.path} is among the changed files`).toBeDefined();
  expect(commentable(file, fixture.inline.line), 'the diff line is commentable').toBe(true);
  const offFile = diff.files.find((candidate) => candidate.path === fixture.offDiff.path);
  expect(commentable(offFile, fixture.offDiff.line), 'the line outside the diff is not commentable').toBe(
    false,
  );
  expect(new Set(diff.files.map((changed) => changed.path)).size, 'each file listed once').toBe(
    diff.files.length,
  );
}

/**
 * A thread: created inline with a marker, listed as a root without replies; a reply counts; resolving and
 * reopening show in the listing where the SCM resolves; a batch lands every comment.
 */
export async function checkThreads(
  commenter: PullRequestCommenter,
  fixture: CommenterFixture,
): Promise<void> {
  const { ref: pr } = fixture;
  const me = await commenter.identity();
  const marker = commenter.format.hiddenMarker(uniqueText('thread'));
  const created = await commenter.createInlineComment!(pr, fixture.inline, `A finding\n\n${marker}`);
  expect(created.author.id, 'posted as our identity').toBe(me.id);
  const root = await rootOf(commenter, pr, created.id);
  expect(root.body, 'listed with the marker in its body').toContain(marker);
  expect(root.replyCount ?? 0, 'a new thread has no replies').toBe(0);

  const reply = await commenter.replyToComment(pr, root, 'Confirmed.');
  expect(reply.author.id, 'a reply is posted as our identity').toBe(me.id);
  expect((await rootOf(commenter, pr, created.id)).replyCount, 'the reply is counted').toBe(1);
  const summaries = (await collect(commenter.listComments(pr))).map((comment) => comment.id);
  expect(summaries, 'a reply is not a summary comment').not.toContain(reply.id);

  if (commenter.resolveComment) {
    await commenter.resolveComment(pr, root, true);
    expect((await rootOf(commenter, pr, created.id)).resolved, 'resolved').toBe(true);
    await commenter.resolveComment(pr, root, false);
    expect((await rootOf(commenter, pr, created.id)).resolved, 'reopened').toBe(false);
  }

  if (commenter.createInlineComments) {
    const bodies = [uniqueText('batch-1'), uniqueText('batch-2')];
    const batch = await commenter.createInlineComments(
      pr,
      bodies.map((body) => ({ position: fixture.inline, body })),
    );
    expect(
      batch.map((comment) => comment.body),
      'a batch creates every comment, in order',
    ).toEqual(bodies);
    for (const comment of batch) await rootOf(commenter, pr, comment.id);
  }
}

/** A status can be set and set again (replacing ours), on the head commit. */
export async function checkCommitStatus(
  commenter: PullRequestCommenter,
  fixture: CommenterFixture,
): Promise<void> {
  const status = {
    commitSha: fixture.inline.commitSha,
    description: '2 findings, 1 blocking',
    targetUrl: 'https://scm-connect.example/findings',
  };
  await commenter.setCommitStatus(fixture.ref, { ...status, state: 'pending' });
  await commenter.setCommitStatus(fixture.ref, { ...status, state: 'failure' });
  await commenter.setCommitStatus(fixture.ref, { ...status, state: 'success', description: 'No findings' });
}

/** Write access, as the SCM tells it: the writer may, the reader may not. */
export async function checkWriteAccess(
  commenter: PullRequestCommenter,
  fixture: CommenterFixture,
): Promise<void> {
  const { repository } = fixture.ref;
  expect(await commenter.canWrite(repository, fixture.people.writer), 'the writer may write').toBe(true);
  expect(await commenter.canWrite(repository, fixture.people.reader), 'the reader may not write').toBe(false);
}

/** An inline comment outside the diff is refused as `invalid`, so the caller can fold it into the summary. */
export async function checkOffDiffRefusal(
  commenter: PullRequestCommenter,
  fixture: CommenterFixture,
): Promise<void> {
  let refusal: unknown;
  try {
    await commenter.createInlineComment!(fixture.ref, fixture.offDiff, uniqueText('off-diff'));
  } catch (error) {
    refusal = error;
  }
  expect(
    isScmError(refusal) && refusal.kind === 'invalid',
    `a line outside the diff is refused as invalid (got ${String(refusal)})`,
  ).toBe(true);
}

/** Every check above, in order. */
export async function checkPullRequestCommenter(
  commenter: PullRequestCommenter,
  fixture: CommenterFixture,
): Promise<void> {
  expect(commenter.listInlineComments && commenter.createInlineComment, 'inline methods').toBeTruthy();
  checkCommentFormat(commenter, fixture.inline);
  await checkPullRequestDiff(commenter, fixture);
  await checkOffDiffRefusal(commenter, fixture);
  await checkThreads(commenter, fixture);
  await checkCommitStatus(commenter, fixture);
  await checkWriteAccess(commenter, fixture);
}
