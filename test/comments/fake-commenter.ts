import { ScmError } from '../../src/scm/errors.js';
import type {
  CommentFormat,
  CommitStatus,
  InlinePosition,
  NewInlineComment,
  PullRequestCommenter,
  PullRequestDiff,
  PullRequestRef,
  ScmComment,
  ScmCommentRef,
} from '../../src/scm/provider.js';

/** A comment thread as the fake SCM holds it. */
export interface FakeThread {
  readonly id: string;
  body: string;
  readonly author: { readonly id: string; readonly login: string };
  readonly position?: InlinePosition;
  resolved: boolean;
  readonly replies: { readonly author: string; readonly body: string }[];
}

export const fakeFormat: CommentFormat = {
  hiddenMarker: (text) => `<!-- ${text} -->`,
  suggestion: (replacement) => `\`\`\`suggestion\n${replacement}\n\`\`\``,
  maxBodyLength: 65_536,
};

/**
 * One pull request on an in-memory SCM, behind the whole `PullRequestCommenter` contract. Writes are counted;
 * `crashAfter(n)` makes the n-th next write happen and then lose its answer, as a cut connection does.
 */
export class FakeCommenter implements PullRequestCommenter {
  readonly format: CommentFormat = fakeFormat;
  readonly bot = { id: '99', login: 'scanner-bot' };
  readonly threads: FakeThread[] = [];
  readonly statuses = new Map<string, CommitStatus>();
  diff: PullRequestDiff;
  writes = 0;
  writers = new Set<string>(['1']);
  private nextId = 100;
  private crashAt: number | undefined;

  constructor(
    readonly number: number,
    diff: Omit<PullRequestDiff, 'state'> & { state?: PullRequestDiff['state'] },
    readonly options: { batch?: boolean; resolve?: boolean } = {},
  ) {
    this.diff = { state: 'open', ...diff };
    if (options.batch !== false) this.createInlineComments = (pr, comments) => this.batch(pr, comments);
    if (options.resolve !== false)
      this.resolveComment = (pr, ref, resolved) => this.resolve(pr, ref, resolved);
  }

  createInlineComments?: NonNullable<PullRequestCommenter['createInlineComments']>;
  resolveComment?: NonNullable<PullRequestCommenter['resolveComment']>;

  /** The `n`-th write from now is stored, then its answer lost. */
  crashAfter(n: number): void {
    this.crashAt = this.writes + n;
  }

  private write<T>(run: () => T): T {
    this.writes += 1;
    const result = run();
    if (this.crashAt === this.writes) {
      this.crashAt = undefined;
      throw new ScmError('unavailable', 'The connection to the fake SCM was cut.');
    }
    return result;
  }

  private check(pr: PullRequestRef): void {
    if (pr.number !== this.number) throw new ScmError('not-found', `No pull request ${pr.number}.`);
  }

  private thread(ref: ScmCommentRef): FakeThread {
    const thread = this.threads.find((t) => t.id === ref.id);
    if (!thread) throw new ScmError('not-found', `No comment ${ref.id}.`, { status: 404 });
    return thread;
  }

  private view(thread: FakeThread): ScmComment {
    return {
      id: thread.id,
      ...(thread.position ? { threadId: thread.id } : {}),
      body: thread.body,
      author: thread.author,
      ...(thread.position ? { position: thread.position } : {}),
      webUrl: `https://fake.example/pr/${this.number}#c${thread.id}`,
      replyCount: thread.replies.length,
      resolved: thread.resolved,
    };
  }

  private add(body: string, position?: InlinePosition): FakeThread {
    const thread: FakeThread = {
      id: String(this.nextId++),
      body,
      author: this.bot,
      ...(position ? { position } : {}),
      resolved: false,
      replies: [],
    };
    this.threads.push(thread);
    return thread;
  }

  /** `path:line` the SCM refuses although the diff lists them (a diff that moved since it was read). */
  readonly refused = new Set<string>();

  private commentable(position: InlinePosition): boolean {
    if (this.refused.has(`${position.path}:${position.line}`)) return false;
    const file = this.diff.files.find((f) => f.path === position.path);
    if (!file) return false;
    if (file.commentable === 'whole-file') return true;
    return file.commentable.some((r) => r.start <= position.line && position.line <= r.end);
  }

  identity = () => Promise.resolve(this.bot);

  async *listComments(pr: PullRequestRef): AsyncIterable<ScmComment> {
    this.check(pr);
    for (const thread of this.threads.filter((t) => !t.position)) yield this.view(thread);
  }

  async *listInlineComments(pr: PullRequestRef): AsyncIterable<ScmComment> {
    this.check(pr);
    for (const thread of this.threads.filter((t) => t.position)) yield this.view(thread);
  }

  createComment(pr: PullRequestRef, body: string): Promise<ScmComment> {
    this.check(pr);
    return Promise.resolve(this.write(() => this.view(this.add(body))));
  }

  updateComment(pr: PullRequestRef, ref: ScmCommentRef, body: string): Promise<ScmComment> {
    this.check(pr);
    const thread = this.thread(ref);
    return Promise.resolve(
      this.write(() => {
        thread.body = body;
        return this.view(thread);
      }),
    );
  }

  deleteComment(pr: PullRequestRef, ref: ScmCommentRef): Promise<void> {
    this.check(pr);
    const at = this.threads.findIndex((t) => t.id === ref.id);
    this.write(() => {
      if (at >= 0) this.threads.splice(at, 1);
    });
    return Promise.resolve();
  }

  createInlineComment(pr: PullRequestRef, position: InlinePosition, body: string): Promise<ScmComment> {
    this.check(pr);
    if (!this.commentable(position)) {
      return Promise.reject(new ScmError('invalid', 'The line is not part of the diff.', { status: 422 }));
    }
    return Promise.resolve(this.write(() => this.view(this.add(body, position))));
  }

  private batch(pr: PullRequestRef, comments: readonly NewInlineComment[]): Promise<ScmComment[]> {
    this.check(pr);
    if (comments.some((c) => !this.commentable(c.position))) {
      return Promise.reject(new ScmError('invalid', 'A line is not part of the diff.', { status: 422 }));
    }
    return Promise.resolve(this.write(() => comments.map((c) => this.view(this.add(c.body, c.position)))));
  }

  pullRequestDiff(pr: PullRequestRef): Promise<PullRequestDiff> {
    this.check(pr);
    return Promise.resolve(this.diff);
  }

  private resolve(pr: PullRequestRef, ref: ScmCommentRef, resolved: boolean): Promise<void> {
    this.check(pr);
    const thread = this.thread(ref);
    this.write(() => {
      thread.resolved = resolved;
    });
    return Promise.resolve();
  }

  replyToComment(pr: PullRequestRef, ref: ScmCommentRef, body: string): Promise<ScmComment> {
    this.check(pr);
    const thread = this.thread(ref);
    return Promise.resolve(
      this.write(() => {
        thread.replies.push({ author: this.bot.login, body });
        return { id: String(this.nextId++), threadId: thread.id, body, author: this.bot };
      }),
    );
  }

  setCommitStatus(pr: PullRequestRef, status: CommitStatus): Promise<void> {
    this.check(pr);
    this.write(() => this.statuses.set(status.commitSha, status));
    return Promise.resolve();
  }

  /** Set to make `canWrite` reject, as a credential that cannot see permissions does. */
  canWriteError: ScmError | undefined;

  canWrite(_repository: unknown, user: { readonly id: string }): Promise<boolean> {
    if (this.canWriteError) return Promise.reject(this.canWriteError);
    return Promise.resolve(this.writers.has(user.id));
  }

  /** A person answers in a thread (no write of ours). */
  humanReply(threadId: string, body: string): void {
    this.threads.find((t) => t.id === threadId)!.replies.push({ author: 'alice', body });
  }
}
