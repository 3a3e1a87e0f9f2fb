import { isScmError } from '../scm/errors.js';
import type {
  CommitStatus,
  PullRequestCommenter,
  PullRequestRef,
  ScmComment,
  ScmCommentRef,
} from '../scm/provider.js';
import { bodyHash, summaryKey } from './keys.js';
import { refOf } from './ours.js';
import {
  planSummary,
  statusUnchanged,
  type ListedFinding,
  type Plan,
  type PlanInput,
  type PlannedCreate,
} from './plan.js';
import type { StoredComment } from './types.js';

/** Where the executor records what it did, each row right after the write it follows. */
export interface ExecuteDeps {
  readonly commenter: PullRequestCommenter;
  readonly pr: PullRequestRef;
  save(row: StoredComment): Promise<void>;
  forget(key: string): Promise<void>;
  saveStatus(status: CommitStatus): Promise<void>;
}

export interface ExecuteResult {
  readonly created: number;
  readonly edited: number;
  readonly resolved: number;
  readonly deleted: number;
  /** Findings the SCM refused on their line, listed in the summary instead. */
  readonly folded: number;
  readonly summary: 'created' | 'edited' | 'kept' | 'none';
  readonly status: 'set' | 'unchanged';
}

const createdRow = (create: PlannedCreate, comment: ScmComment): StoredComment => ({
  key: create.key,
  findingId: create.finding.findingId,
  placement: 'inline',
  ref: refOf(comment),
  webUrl: comment.webUrl,
  bodyHash: bodyHash(create.body),
  status: 'open',
});

/** A line the SCM does not take a comment on: the finding goes to the summary. */
const refusedLine = (error: unknown): boolean => isScmError(error) && error.kind === 'invalid';

/**
 * Runs a plan over the commenter. Each write is followed at once by its row, so that a crash between two writes
 * loses nothing and doubles nothing: a comment written but not recorded is found by its marker on the next run.
 */
export async function executePlan(plan: Plan, input: PlanInput, deps: ExecuteDeps): Promise<ExecuteResult> {
  const { commenter, pr } = deps;
  for (const row of plan.records) await deps.save(row);
  for (const key of plan.forget) await deps.forget(key);

  let deleted = 0;
  for (const planned of plan.deletes) {
    await commenter.deleteComment(pr, planned.ref);
    deleted += 1;
  }

  const folded: ListedFinding[] = [];
  let created = 0;
  const fold = async (create: PlannedCreate) => {
    folded.push({ finding: create.finding, reason: 'outside-diff' });
    await deps.save({
      key: create.key,
      findingId: create.finding.findingId,
      placement: 'listed',
      bodyHash: null,
      status: 'open',
    });
  };
  const batch = commenter.createInlineComments?.bind(commenter);
  const single = commenter.createInlineComment?.bind(commenter);
  /** Creates one comment; a line the SCM refuses goes to the summary. */
  const createOne = async (create: PlannedCreate) => {
    try {
      const answer = single
        ? await single(pr, create.position, create.body)
        : batch
          ? (await batch(pr, [{ position: create.position, body: create.body }]))[0]
          : undefined;
      if (!answer) return fold(create);
      await deps.save(createdRow(create, answer));
      created += 1;
    } catch (error) {
      if (!refusedLine(error)) throw error;
      await fold(create);
    }
  };
  let oneByOne: readonly PlannedCreate[] = plan.creates;
  if (batch && plan.creates.length > 0) {
    try {
      const answers = await batch(
        pr,
        plan.creates.map((c) => ({ position: c.position, body: c.body })),
      );
      for (const [index, create] of plan.creates.entries()) {
        const answer = answers[index];
        if (answer) await deps.save(createdRow(create, answer));
      }
      created += answers.length;
      oneByOne = [];
    } catch (error) {
      // One refused line fails the whole batch: place them one by one to find it.
      if (!refusedLine(error)) throw error;
    }
  }
  for (const create of oneByOne) await createOne(create);

  const latest = new Map<string, ScmCommentRef>();
  let edited = 0;
  for (const edit of plan.edits) {
    const answer = await commenter.updateComment(pr, latest.get(edit.key) ?? edit.ref, edit.body);
    const ref = refOf(answer);
    latest.set(edit.key, ref);
    await deps.save({ ...edit.row, ref, webUrl: answer.webUrl ?? edit.row.webUrl });
    edited += 1;
  }
  let resolved = 0;
  for (const resolve of plan.resolves) {
    if (!commenter.resolveComment) continue;
    const ref = latest.get(resolve.key) ?? resolve.ref;
    await commenter.resolveComment(pr, ref, resolve.resolved);
    await deps.save({ ...resolve.row, ref });
    resolved += 1;
  }

  const summaryPlan = folded.length === 0 ? plan : planSummary(input, [...plan.listed, ...folded]);
  let summaryUrl: string | undefined;
  let summary: ExecuteResult['summary'] = 'none';
  const planned = summaryPlan.summary;
  if (planned.action === 'create') {
    const answer = await commenter.createComment(pr, planned.body);
    summaryUrl = answer.webUrl;
    await deps.save({
      key: summaryKey,
      findingId: null,
      placement: 'summary',
      ref: refOf(answer),
      webUrl: answer.webUrl,
      bodyHash: bodyHash(planned.body),
      status: 'open',
    });
    summary = 'created';
  } else if (planned.action === 'edit') {
    const answer = await commenter.updateComment(pr, planned.ref, planned.body);
    await deps.save({ ...planned.row, ref: refOf(answer), webUrl: answer.webUrl ?? planned.row.webUrl });
    summary = 'edited';
  } else if (planned.action === 'keep') {
    if (planned.record) await deps.save(planned.row);
    summary = 'kept';
  }

  const wanted = summaryPlan.status.status;
  const status: CommitStatus =
    wanted.targetUrl === '' ? { ...wanted, targetUrl: summaryUrl ?? input.scanUrl } : wanted;
  let statusOutcome: ExecuteResult['status'] = 'unchanged';
  if (!statusUnchanged(input.lastStatus, status)) {
    await commenter.setCommitStatus(pr, status);
    await deps.saveStatus(status);
    statusOutcome = 'set';
  }
  return { created, edited, resolved, deleted, folded: folded.length, summary, status: statusOutcome };
}
