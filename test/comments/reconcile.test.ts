import pino from 'pino';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createCommentEventHandlers } from '../../src/comments/webhook-events.js';
import { PullRequestBusyError, reconcileScan, type ReconcileDeps } from '../../src/comments/reconcile.js';
import { acquireLease } from '../../src/comments/store.js';
import { setRepositoryComments } from '../../src/db/comment-settings.js';
import { loadConfig } from '../../src/config/config.js';
import { ScmError } from '../../src/scm/errors.js';
import type { PullRequestCommentEvent } from '../../src/scm/webhook-receiver.js';
import type { WebhookEventContext } from '../../src/webhooks/process-job.js';
import { createTestDatabase, describeEachEngine, type TestDatabase } from '../helpers/database.js';
import { process, sarifLog, seedRepository, sha, storeScan, type Seeded } from '../findings/fixtures.js';
import { FakeCommenter } from './fake-commenter.js';

const pr = 7;
const head = sha('head');

/** A run with scanner fingerprints: one result per `[id, path, line]`. */
const run = (results: [id: string, path: string, line: number, message?: string][], rule = 'rule-a') => ({
  tool: { driver: { name: 'semgrep', rules: [{ id: rule, helpUri: 'https://rules.example/a' }] } },
  results: results.map(([id, path, line, message]) => ({
    ruleId: rule,
    level: 'error',
    message: { text: message ?? `finding ${id}` },
    locations: [{ physicalLocation: { artifactLocation: { uri: path }, region: { startLine: line } } }],
    fingerprints: { 'matchBasedId/v1': id },
  })),
});

describeEachEngine('reconciling pull request comments', (engine) => {
  let database: TestDatabase;
  let seeded: Seeded;
  let scm: FakeCommenter;
  let deps: ReconcileDeps;
  let jobs = 0;

  beforeEach(async () => {
    database = await createTestDatabase(engine);
    seeded = await seedRepository(database.db);
    scm = new FakeCommenter(pr, {
      headSha: head,
      baseSha: sha('base'),
      files: [
        { path: 'src/a.py', commentable: [{ start: 1, end: 30 }] },
        { path: 'src/b.py', commentable: [{ start: 10, end: 12 }] },
      ],
    });
    deps = {
      db: database.db,
      config: loadConfig({ SCM_CONNECT_PUBLIC_URL: 'https://scm-connect.example' }),
      withTools: (_scope, use) => use({ comments: scm, inlineComments: true, files: undefined }),
    };
    // The base branch has one finding already: it is not new in the pull request.
    await process(
      database.db,
      seeded,
      await storeScan(database.db, seeded, {
        commitSha: sha('base'),
        log: sarifLog(run([['old', 'src/a.py', 1]])),
      }),
    );
  });
  afterEach(() => database.close());

  async function prScan(results: Parameters<typeof run>[0], commitSha = head): Promise<string> {
    const scanId = await storeScan(database.db, seeded, {
      commitSha,
      branch: null,
      pullRequestNumber: pr,
      baseBranch: 'main',
      log: sarifLog(run(results)),
    });
    await process(database.db, seeded, scanId);
    return scanId;
  }

  const reconcile = (scanId: string, accountId = seeded.accountId) =>
    reconcileScan(deps, accountId, scanId, `job-${(jobs += 1)}`);

  const inline = () => scm.threads.filter((t) => t.position);
  const summary = () => scm.threads.filter((t) => !t.position);

  it('comments on new findings once, and an unchanged re-scan writes nothing', async () => {
    const first = await reconcile(
      await prScan([
        ['old', 'src/a.py', 1],
        ['x', 'src/a.py', 5],
        ['y', 'src/b.py', 11],
        ['z', 'src/b.py', 40],
      ]),
    );
    expect(first).toMatchObject({ created: 2, summary: 'created', status: 'set' });
    expect(inline().map((t) => [t.position!.path, t.position!.line])).toEqual([
      ['src/a.py', 5],
      ['src/b.py', 11],
    ]);
    expect(summary()).toHaveLength(1);
    expect(summary()[0]!.body).toContain('finding z');
    expect(summary()[0]!.body).not.toContain('finding old');
    expect(scm.statuses.get(head)).toMatchObject({
      state: 'failure',
      description: '3 new findings (3 high), 3 blocking',
      targetUrl: `https://fake.example/pr/${pr}#c${summary()[0]!.id}`,
    });
    const writes = scm.writes;
    const again = await reconcile(
      await prScan([
        ['old', 'src/a.py', 1],
        ['x', 'src/a.py', 5],
        ['y', 'src/b.py', 11],
        ['z', 'src/b.py', 40],
      ]),
    );
    expect(again).toMatchObject({
      created: 0,
      edited: 0,
      resolved: 0,
      deleted: 0,
      summary: 'kept',
      status: 'unchanged',
    });
    expect(scm.writes).toBe(writes);
  });

  it('a fixed finding is resolved and listed as fixed; a changed one edited', async () => {
    await reconcile(
      await prScan([
        ['x', 'src/a.py', 5],
        ['y', 'src/a.py', 8],
      ]),
    );
    const result = await reconcile(await prScan([['x', 'src/a.py', 5, 'worded anew']]));
    expect(result).toMatchObject({ created: 0, edited: 1, resolved: 1, summary: 'edited' });
    const [x, y] = inline();
    expect(x!.body).toContain('worded anew');
    expect(y!.resolved).toBe(true);
    expect(summary()[0]!.body).toContain('Fixed in this pull request');
  });

  it('a crash between two writes neither loses nor doubles a comment', async () => {
    for (const batch of [true, false]) {
      scm = new FakeCommenter(pr, scm.diff, { batch });
      await database.db.deleteFrom('pull_request_comments').execute();
      await database.db.deleteFrom('pull_request_comment_states').execute();
      const scanId = await prScan([
        ['x', 'src/a.py', 5],
        ['y', 'src/a.py', 8],
        ['z', 'src/b.py', 40],
      ]);
      // The first write is stored by the SCM, its answer lost: the job fails and runs again.
      scm.crashAfter(1);
      await expect(reconcile(scanId)).rejects.toThrow(/cut/);
      scm.crashAfter(2);
      await expect(reconcile(scanId)).rejects.toThrow(/cut/);
      const done = await reconcile(scanId);
      expect(done).toMatchObject({ deleted: 0 });
      expect(inline()).toHaveLength(2);
      expect(summary()).toHaveLength(1);
      expect(scm.statuses.size).toBe(1);
      const writes = scm.writes;
      await reconcile(scanId);
      expect(scm.writes).toBe(writes);
    }
  });

  it('a line the SCM refuses goes to the summary instead, batch or not', async () => {
    for (const batch of [true, false]) {
      scm = new FakeCommenter(pr, scm.diff, { batch });
      scm.refused.add('src/a.py:8');
      await database.db.deleteFrom('pull_request_comments').execute();
      await database.db.deleteFrom('pull_request_comment_states').execute();
      const result = await reconcile(
        await prScan([
          ['x', 'src/a.py', 5],
          ['y', 'src/a.py', 8],
        ]),
      );
      expect(result).toMatchObject({ created: 1, folded: 1, summary: 'created' });
      expect(inline().map((t) => t.position!.line)).toEqual([5]);
      expect(summary()[0]!.body).toContain('finding y');
      const writes = scm.writes;
      await reconcile(
        await prScan([
          ['x', 'src/a.py', 5],
          ['y', 'src/a.py', 8],
        ]),
      );
      expect(scm.writes).toBe(writes);
    }
  });

  it('our rows lost: the comments are adopted by marker and author, not posted again', async () => {
    const scanId = await prScan([
      ['x', 'src/a.py', 5],
      ['z', 'src/b.py', 40],
    ]);
    await reconcile(scanId);
    await database.db.deleteFrom('pull_request_comments').execute();
    const writes = scm.writes;
    const again = await reconcile(scanId);
    expect(again).toMatchObject({ created: 0, edited: 0, summary: 'kept' });
    expect(scm.writes).toBe(writes);
    const rows = await database.db.selectFrom('pull_request_comments').select(['placement']).execute();
    expect(rows.map((r) => r.placement).sort()).toEqual(['inline', 'listed', 'summary']);
  });

  it('one reconciliation per pull request: a held lease makes another wait', async () => {
    const scanId = await prScan([['x', 'src/a.py', 5]]);
    const scope = {
      accountId: seeded.accountId,
      repositoryId: seeded.repositoryId,
      pullRequestNumber: pr,
      connectionId: seeded.connectionId,
    };
    expect(
      await acquireLease(database.db, scope, 'other-job', new Date(), new Date(Date.now() + 60_000)),
    ).toBe(true);
    await expect(reconcile(scanId)).rejects.toBeInstanceOf(PullRequestBusyError);
    expect(scm.writes).toBe(0);
    // A lapsed lease is taken over.
    expect(await acquireLease(database.db, scope, 'other-job', new Date(), new Date(Date.now() - 1))).toBe(
      true,
    );
    await expect(reconcile(scanId)).resolves.toMatchObject({ created: 1 });
  });

  it('the newest scan wins; closed pull requests, comments off and other accounts do nothing', async () => {
    const older = await prScan([['x', 'src/a.py', 5]]);
    const newer = await prScan([['y', 'src/a.py', 6]]);
    expect(await reconcile(older)).toEqual({ skipped: 'A newer scan of the pull request supersedes it.' });
    expect(scm.writes).toBe(0);
    const other = await seedRepository(database.db, { name: 'Other' });
    expect(await reconcile(newer, other.accountId)).toEqual({ skipped: 'The scan no longer exists.' });
    await setRepositoryComments(database.db, seeded.accountId, seeded.repositoryId, false);
    expect(await reconcile(newer)).toEqual({ skipped: 'Comments are off for this repository.' });
    await setRepositoryComments(database.db, seeded.accountId, seeded.repositoryId, true);
    scm.diff = { ...scm.diff, state: 'closed' };
    expect(await reconcile(newer)).toEqual({ skipped: 'The pull request is closed.' });
    expect(scm.writes).toBe(0);
  });

  it('a person replied: the comment stays when its finding is fixed', async () => {
    await reconcile(await prScan([['x', 'src/a.py', 5]]));
    scm.humanReply(inline()[0]!.id, 'Looking into it');
    await reconcile(await prScan([]));
    expect(inline()).toHaveLength(1);
    expect(inline()[0]).toMatchObject({ resolved: true });
  });

  it('triage by reply: a writer ignores the finding, a reader is told no, our own replies are not commands', async () => {
    await reconcile(await prScan([['x', 'src/a.py', 5]]));
    const thread = inline()[0]!;
    const handlers = createCommentEventHandlers(
      { db: database.db, config: deps.config } as Parameters<typeof createCommentEventHandlers>[0],
      deps.withTools,
    );
    const context: WebhookEventContext = {
      accountId: seeded.accountId,
      connectionId: seeded.connectionId,
      endpointId: 'e',
      deliveryId: 'd1',
      receivedAt: new Date().toISOString(),
      logger: pino({ level: 'silent' }),
      signal: new AbortController().signal,
    };
    const reply = (author: { externalId: string; login: string }, body: string): PullRequestCommentEvent => ({
      type: 'pull-request.comment',
      repository: { externalId: '1000', fullName: seeded.fullName, name: 'api' },
      pullRequest: pr,
      comment: { id: 'r1', body },
      author,
      inReplyTo: { id: thread.id },
    });
    const handle = handlers['pull-request.comment']!;
    const finding = () =>
      database.db
        .selectFrom('findings')
        .select(['ignored_reason', 'ignored_note'])
        .where('account_id', '=', seeded.accountId)
        .where('branch', '=', `pull-request:${pr}`)
        .executeTakeFirstOrThrow();

    await handle(reply({ externalId: '2', login: 'reader' }, '/fp not reachable'), context);
    expect(await finding()).toEqual({ ignored_reason: null, ignored_note: null });
    expect(thread.replies.at(-1)!.body).toContain('only people with write access');

    await handle(reply({ externalId: '99', login: 'scanner-bot' }, '/fp from the bot'), context);
    expect(await finding()).toEqual({ ignored_reason: null, ignored_note: null });

    await handle(reply({ externalId: '1', login: 'writer' }, '/fp not reachable\nmore words'), context);
    expect(await finding()).toEqual({ ignored_reason: 'false_positive', ignored_note: 'not reachable' });
    expect(thread.replies.at(-1)!.body).toContain('Ignored as a false positive by writer (not reachable)');
    const event = await database.db
      .selectFrom('finding_events')
      .select(['kind', 'via'])
      .where('account_id', '=', seeded.accountId)
      .where('kind', '=', 'ignored')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(event.via!)).toEqual({
      kind: 'pull-request-comment',
      login: 'writer',
      pullRequest: pr,
      url: `https://fake.example/pr/${pr}#c${thread.id}`,
    });

    scm.canWriteError = new ScmError('forbidden', 'The token cannot see who may write.');
    await handle(reply({ externalId: '1', login: 'writer' }, '/ar fine'), context);
    expect(await finding()).toEqual({ ignored_reason: 'false_positive', ignored_note: 'not reachable' });
    expect(thread.replies.at(-1)!.body).toContain('cannot check who may write to this repository');
    scm.canWriteError = undefined;

    await handle(reply({ externalId: '1', login: 'writer' }, '/open'), context);
    expect(await finding()).toEqual({ ignored_reason: null, ignored_note: null });
    expect(thread.replies.at(-1)!.body).toContain('Reopened by writer');
  });

  it('a pull request closed without merging drops its findings and our state', async () => {
    await reconcile(await prScan([['x', 'src/a.py', 5]]));
    const handlers = createCommentEventHandlers(
      { db: database.db, config: deps.config } as Parameters<typeof createCommentEventHandlers>[0],
      deps.withTools,
    );
    const context = {
      accountId: seeded.accountId,
      connectionId: seeded.connectionId,
      endpointId: 'e',
      deliveryId: 'd2',
      receivedAt: new Date().toISOString(),
      logger: pino({ level: 'silent' }),
      signal: new AbortController().signal,
    };
    const closed = (merged: boolean) => ({
      type: 'pull-request.closed' as const,
      repository: { externalId: '1000', fullName: seeded.fullName, name: 'api' },
      pullRequest: pr,
      merged,
    });
    const count = async (branch: string) =>
      (
        await database.db
          .selectFrom('findings')
          .select('id')
          .where('account_id', '=', seeded.accountId)
          .where('branch', '=', branch)
          .execute()
      ).length;
    await handlers['pull-request.closed']!(closed(true), context);
    expect(await count(`pull-request:${pr}`)).toBe(1);
    await handlers['pull-request.closed']!(closed(false), context);
    expect(await count(`pull-request:${pr}`)).toBe(0);
    expect(await count('main')).toBe(1);
    expect(await database.db.selectFrom('pull_request_comments').select('key').execute()).toEqual([]);
  });
});
