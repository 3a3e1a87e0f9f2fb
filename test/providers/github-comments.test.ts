import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isScmError } from '../../src/scm/errors.js';
import { createGitHubAppClients } from '../../src/scm/github/app-clients.js';
import { createGitHubProvider } from '../../src/scm/github/index.js';
import { githubWebhookReceiver } from '../../src/scm/github/webhooks.js';
import type { PullRequestCommenter, PullRequestRef } from '../../src/scm/provider.js';
import { collect } from '../contract/provider-contract.js';
import { createTestScmHttp, rejectionOf } from '../helpers/scm-http.js';
import { acmeAccount, githubScenario, startGitHubHarness, type GitHubHarness } from './github-harness.js';
import { readVerified, startHookReceiver, type HookReceiver } from './hook-receiver.js';
import { githubPullRequestKit } from '../comments/kits/github.js';
import { startFamilies, type FamiliesWorld } from '../findings/scan-families.js';
import type { GitHubTwin } from '../twins/github/index.js';

const webShop = { externalId: '7001', fullName: 'acme/web-shop' };
const base = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
const binary = '\0PNG';

describe.each(['cloud', 'enterprise'] as const)('GitHub pull request comments (%s)', (flavor) => {
  let harness: GitHubHarness;
  let receiver: HookReceiver;
  let comments: Required<PullRequestCommenter>;
  let pr: PullRequestRef;
  let headSha: string;

  beforeAll(async () => {
    harness = await startGitHubHarness(flavor);
    receiver = await startHookReceiver({ path: '/webhooks/github' });
    const app = harness.twin.app('acme-scanner');
    app.webhookUrl = receiver.url;
    const repo = harness.twin.state.requireRepo('acme/web-shop');
    harness.twin.state.commit(
      repo,
      'main',
      'Seed',
      new Map([
        ['src/long.js', Buffer.from(base)],
        ['src/old-name.js', Buffer.from(base)],
        ['src/gone.js', Buffer.from('bye\n')],
        ['logo.png', Buffer.from(binary)],
      ]),
    );
    const pull = await harness.twin.pullRequests.openPullRequest(
      'acme/web-shop',
      'feature/comments',
      {
        // Two hunks: line 2 changed, a line added after line 25.
        'src/long.js': base.replace('line 2\n', 'line two\n').replace('line 25\n', 'line 25\nadded 26\n'),
        'src/new.js': 'a\nb\n',
        'src/new-name.js': base.replace('line 30\n', 'line thirty\n'),
        'src/old-name.js': null,
        'src/gone.js': null,
        'logo.png': '\0PNG2',
      },
      'dev-dana',
    );
    pr = { repository: webShop, number: pull.number };
    headSha = pull.headSha;
    comments = createGitHubProvider({
      kind: flavor === 'cloud' ? 'github' : 'github-enterprise',
      clients: harness.clients(),
      installation: { installationId: '4001', account: acmeAccount },
      now: () => new Date(),
    }).comments;
  });
  afterAll(async () => {
    await harness.twin.webhooks.idle();
    await receiver.close();
    await harness.close();
  });

  it('reads the diff: state, commits, and the new-side lines of each changed file', async () => {
    const diff = await comments.pullRequestDiff(pr);
    const pull = harness.twin.state.pull(harness.twin.state.requireRepo('acme/web-shop'), pr.number)!;
    expect(diff).toMatchObject({ state: 'open', headSha, baseSha: pull.baseSha });
    const byPath = Object.fromEntries(diff.files.map((f) => [f.path, f.commentable]));
    expect(byPath).toEqual({
      // Hunks with 3 lines of context around each change.
      'src/long.js': [
        { start: 1, end: 5 },
        { start: 23, end: 29 },
      ],
      'src/new.js': [{ start: 1, end: 2 }],
      // Renamed with a change at its end: only the hunk's lines.
      'src/new-name.js': [{ start: 27, end: 30 }],
      // Binary: no patch, so no line to comment on.
      'logo.png': [],
    });
    expect(diff.files.map((f) => f.path)).not.toContain('src/gone.js');
  });

  it('posts many inline comments as one review, ranges included, and refuses the whole review for one line off the diff', async () => {
    const reviewsPath = `${flavor === 'enterprise' ? '/api/v3' : ''}/repos/acme/web-shop/pulls/${pr.number}/reviews`;
    const before = harness.twin.count(reviewsPath, 'POST');
    const created = await comments.createInlineComments(pr, [
      { position: { path: 'src/long.js', line: 2, commitSha: headSha }, body: 'first' },
      { position: { path: 'src/long.js', startLine: 24, line: 26, commitSha: headSha }, body: 'range' },
      { position: { path: 'src/new.js', line: 1, commitSha: headSha }, body: 'third' },
    ]);
    expect(harness.twin.count(reviewsPath, 'POST') - before).toBe(1);
    expect(created.map((c) => [c.body, c.position])).toEqual([
      ['first', { path: 'src/long.js', line: 2, commitSha: headSha }],
      ['range', { path: 'src/long.js', startLine: 24, line: 26, commitSha: headSha }],
      ['third', { path: 'src/new.js', line: 1, commitSha: headSha }],
    ]);
    const count = harness.twin.state.reviewComments.size;
    const refused = await rejectionOf(
      comments.createInlineComments(pr, [
        { position: { path: 'src/long.js', line: 3, commitSha: headSha }, body: 'fine' },
        { position: { path: 'src/long.js', line: 15, commitSha: headSha }, body: 'off the diff' },
      ]),
    );
    expect(isScmError(refused) && [refused.kind, refused.code]).toEqual(['invalid', 'line_not_in_diff']);
    expect(harness.twin.state.reviewComments.size, 'nothing of the refused review was kept').toBe(count);
    const single = await rejectionOf(
      comments.createInlineComment(pr, { path: 'logo.png', line: 1, commitSha: headSha }, 'binary'),
    );
    expect(isScmError(single) && single.code).toBe('line_not_in_diff');
  });

  it('lists thread roots with their replies counted, resolves and reopens a thread, and replies', async () => {
    const [root] = await comments.createInlineComments(pr, [
      { position: { path: 'src/new.js', line: 2, commitSha: headSha }, body: 'thread root' },
    ]);
    const roots = () => collect(comments.listInlineComments(pr));
    const find = async () => (await roots()).find((c) => c.id === root!.id)!;
    expect(await find()).toMatchObject({ replyCount: 0, resolved: false, threadId: root!.id });

    await harness.twin.pullRequests.reply(
      'acme/web-shop',
      pr.number,
      Number(root!.id),
      'wes-writer',
      '/fp test',
    );
    const reply = await comments.replyToComment(pr, root!, 'Marked as a false positive.');
    expect(reply).toMatchObject({ threadId: root!.id, author: { login: 'acme-scanner[bot]' } });
    expect(await find()).toMatchObject({ replyCount: 2 });
    expect(
      (await roots()).map((c) => c.id),
      'replies are not listed as roots',
    ).not.toContain(reply.id);

    const mutations = harness.twin.state.graphqlMutations;
    await comments.resolveComment(pr, root!, true);
    expect(await find()).toMatchObject({ resolved: true });
    await comments.resolveComment(pr, root!, true);
    expect(
      harness.twin.state.graphqlMutations - mutations,
      'resolving a resolved thread writes nothing',
    ).toBe(1);
    await comments.resolveComment(pr, reply, false);
    expect(await find()).toMatchObject({ resolved: false });

    const summary = await comments.createComment(pr, 'summary');
    const answer = await comments.replyToComment(pr, summary, 'answer');
    expect(answer.threadId, 'an issue comment answer is a new issue comment').toBeUndefined();
    await expect(comments.resolveComment(pr, summary, true)).rejects.toMatchObject({ kind: 'invalid' });
  });

  it('keeps one scm-connect check run per commit, updated in place, and writes nothing when unchanged', async () => {
    const status = {
      commitSha: headSha,
      description: '1 blocking finding',
      targetUrl: 'https://scm.test/s/1',
    };
    const runs = () => [...harness.twin.state.checkRuns.values()].filter((r) => r.headSha === headSha);
    await comments.setCommitStatus(pr, { ...status, state: 'pending' });
    expect(runs().map((r) => [r.status, r.conclusion])).toEqual([['in_progress', null]]);
    await comments.setCommitStatus(pr, { ...status, state: 'failure' });
    expect(runs().map((r) => [r.name, r.status, r.conclusion, r.detailsUrl])).toEqual([
      ['scm-connect', 'completed', 'failure', 'https://scm.test/s/1'],
    ]);
    const writes = harness.twin.log.filter((r) => r.method !== 'GET').length;
    await comments.setCommitStatus(pr, { ...status, state: 'failure' });
    expect(harness.twin.log.filter((r) => r.method !== 'GET').length).toBe(writes);
    await comments.setCommitStatus(pr, { ...status, state: 'success', description: 'No findings' });
    expect(runs().map((r) => [r.status, r.conclusion, r.title])).toEqual([
      ['completed', 'success', 'No findings'],
    ]);
  });

  it('tells who may write: a write collaborator and an owner may, a reader, a stranger, a renamed login may not', async () => {
    expect(await comments.canWrite(webShop, { id: '1004', login: 'wes-writer' })).toBe(true);
    expect(await comments.canWrite(webShop, { id: '1001', login: 'octo-admin' })).toBe(true);
    expect(await comments.canWrite(webShop, { id: '1005', login: 'rita-reader' })).toBe(false);
    expect(await comments.canWrite(webShop, { id: '1002', login: 'dev-dana' })).toBe(false);
    expect(await comments.canWrite(webShop, { id: '999', login: 'nobody-here' })).toBe(false);
    expect(await comments.canWrite(webShop, { id: '1005', login: 'wes-writer' })).toBe(false);
  });

  it('formats markers as HTML comments and suggestions as suggestion blocks', () => {
    expect(comments.format.hiddenMarker('scm-connect:f1')).toBe('<!-- scm-connect:f1 -->');
    expect(() => comments.format.hiddenMarker('a --> b')).toThrow(/marker/);
    const position = { path: 'a.js', line: 1, commitSha: headSha };
    expect(comments.format.suggestion!('x = 1;', position)).toBe('```suggestion\nx = 1;\n```');
    expect(comments.format.suggestion!('```js', position)).toBe('````suggestion\n```js\n````');
    expect(comments.format.maxBodyLength).toBe(65_536);
  });

  it('delivers and parses comment replies, conversation comments and closed or merged pull requests', async () => {
    const secret = harness.twin.app('acme-scanner').webhookSecret!;
    const [root] = await comments.createInlineComments(pr, [
      { position: { path: 'src/new.js', line: 1, commitSha: headSha }, body: 'for webhooks' },
    ]);
    const summary = await comments.createComment(pr, 'summary for webhooks');
    await harness.twin.webhooks.idle();
    let seen = receiver.received.length;

    await harness.twin.pullRequests.reply(
      'acme/web-shop',
      pr.number,
      Number(root!.id),
      'rita-reader',
      '/ar fine',
    );
    await harness.twin.pullRequests.reply(
      'acme/web-shop',
      pr.number,
      Number(summary.id),
      'wes-writer',
      '/open',
    );
    const [threadReply, conversation] = receiver.received
      .slice(seen)
      .map((d) => readVerified(githubWebhookReceiver, d, secret));
    expect(threadReply).toMatchObject({
      event: 'pull_request_review_comment',
      events: [
        {
          type: 'pull-request.comment',
          repository: { externalId: '7001', fullName: 'acme/web-shop' },
          pullRequest: pr.number,
          comment: { threadId: root!.id, body: '/ar fine' },
          author: { externalId: '1005', login: 'rita-reader' },
          inReplyTo: { id: root!.id, threadId: root!.id },
        },
      ],
    });
    expect(conversation).toMatchObject({
      event: 'issue_comment',
      events: [{ type: 'pull-request.comment', pullRequest: pr.number, comment: { body: '/open' } }],
    });
    expect(conversation!.events[0]).not.toHaveProperty('inReplyTo');

    // Our own comments are delivered too (GitHub does): a first comment names no parent.
    seen = receiver.received.length;
    const own = await comments.createInlineComments(pr, [
      { position: { path: 'src/new.js', line: 2, commitSha: headSha }, body: 'own' },
    ]);
    await harness.twin.webhooks.idle();
    const [ownDelivery] = receiver.received
      .slice(seen)
      .map((d) => readVerified(githubWebhookReceiver, d, secret));
    expect(ownDelivery!.events[0]).toMatchObject({
      comment: { id: own[0]!.id, threadId: own[0]!.id },
      author: { login: 'acme-scanner[bot]' },
    });
    expect(ownDelivery!.events[0]).not.toHaveProperty('inReplyTo');

    seen = receiver.received.length;
    const other = await harness.twin.pullRequests.openPullRequest(
      'acme/web-shop',
      'feature/closed',
      { 'x.txt': 'x\n' },
      'dev-dana',
    );
    await harness.twin.pullRequests.close('acme/web-shop', other.number, false, 'octo-admin');
    await harness.twin.pullRequests.close('acme/web-shop', pr.number, true, 'octo-admin');
    const closed = receiver.received
      .slice(seen)
      .map((d) => readVerified(githubWebhookReceiver, d, secret).events[0]);
    expect(closed).toEqual([
      expect.objectContaining({ type: 'pull-request.closed', pullRequest: other.number, merged: false }),
      expect.objectContaining({ type: 'pull-request.closed', pullRequest: pr.number, merged: true }),
    ]);
    expect((await comments.pullRequestDiff(pr)).state).toBe('merged');
  });
});

describe('GitHub content creation is paced per installation', () => {
  let harness: GitHubHarness;
  const pr = { repository: webShop, number: 1 };
  const path = '/repos/acme/web-shop/issues/1/comments';
  beforeAll(async () => {
    // GitHub's own content-creation window is one a minute here.
    harness = await startGitHubHarness('cloud', (key) =>
      githubScenario(key, { secondaryLimits: { perMinute: 1 } }),
    );
  });
  afterAll(() => harness.close());

  const commenterWith = (rateLimits: { maxWaitMs?: number; secondMs?: number }, perMinute = 80) => {
    const http = createTestScmHttp();
    const app = harness.twin.app('acme-scanner');
    const clients = createGitHubAppClients({
      credentials: {
        webUrl: new URL(harness.twin.webUrl),
        apiUrl: new URL(harness.twin.apiUrl),
        appId: String(app.id),
        slug: app.slug,
        clientId: app.clientId,
        clientSecret: app.clientSecret,
        privateKey: harness.privateKey,
        webhookSecret: 'unused',
      },
      createHttp: http.createHttp,
      now: () => new Date(),
      rateLimits,
      contentLimits: { perMinute, perHour: 500 },
    });
    const comments = createGitHubProvider({
      kind: 'github',
      clients,
      installation: { installationId: '4001', account: acmeAccount },
      now: () => new Date(),
    }).comments;
    return { comments, close: () => http.close() };
  };

  it('stops before the limit instead of tripping it: a creation past the window is refused here, with its time', async () => {
    const { comments, close } = commenterWith({ maxWaitMs: 1 }, 1);
    const before = harness.twin.count(path, 'POST');
    await comments.createComment(pr, 'one');
    const refused = await rejectionOf(comments.createComment(pr, 'two'));
    expect(isScmError(refused) && refused.kind).toBe('rate-limited');
    expect(isScmError(refused) && refused.retryAt!.getTime()).toBeGreaterThan(Date.now() + 50_000);
    expect(harness.twin.count(path, 'POST') - before, 'the second never reached GitHub').toBe(1);
    await close();
  });

  it('does not send a comment again when its answer was lost: GitHub may have made it', async () => {
    const { comments, close } = commenterWith({});
    harness.twin.advanceTime(120_000);
    const before = harness.twin.count(path, 'POST');
    harness.twin.faults.plan((_n, p) => (p === path ? { kind: 'truncate' } : undefined));
    try {
      await expect(comments.createComment(pr, 'lost answer')).rejects.toMatchObject({ retryable: true });
    } finally {
      harness.twin.faults.clear();
    }
    expect(harness.twin.count(path, 'POST') - before).toBe(1);
    await close();
  });

  it('waits out a secondary-limit answer’s retry-after, then sends again', async () => {
    const { comments, close } = commenterWith({ secondMs: 300 });
    harness.twin.advanceTime(120_000);
    await comments.createComment(pr, 'before the limit');
    // GitHub's window frees in a second: its 403 says `retry-after: 1`.
    harness.twin.advanceTime(59_000);
    const started = harness.twin.log.length;
    const second = comments.createComment(pr, 'after the wait');
    const refusedYet = () => harness.twin.log.slice(started).some((r) => r.status === 403);
    for (let i = 0; i < 800 && !refusedYet(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    harness.twin.advanceTime(2_000);
    await second;
    const tries = harness.twin.log.slice(started).filter((r) => r.path === path && r.method === 'POST');
    expect(tries.map((r) => [r.status, r.retryAfter])).toEqual([
      [403, '1'],
      [201, undefined],
    ]);
    expect(tries[1]!.at - tries[0]!.at, 'waited retry-after (1 s at 300 ms a second)').toBeGreaterThanOrEqual(
      280,
    );
    await close();
  });
});

describe('the GitHub pull request kit', () => {
  let world: FamiliesWorld;
  beforeAll(async () => {
    world = await startFamilies({ 'src/app.js': 'const a = 1;\n' });
  }, 120_000);
  afterAll(() => world.close());

  it('opens a pull request, follows a push, and delivers a reply to the service', async () => {
    const family = world.families.github;
    const kit = await githubPullRequestKit(world, family);
    const twin = family.twin as GitHubTwin;
    const opened = await kit.openPullRequest('feature/kit', { 'src/app.js': 'const a = 1;\nconst b = 2;\n' });
    expect(opened.baseSha).toBe(twin.state.git(twin.state.requireRepo('acme/web-shop')).branches.get('main'));
    const head = await kit.push('feature/kit', { 'src/more.js': 'more\n' });
    expect(head).not.toBe(opened.headSha);

    // The app comments on the new line, as scm-connect would.
    const app = twin.app(kit.botLogin.replace('[bot]', ''));
    const installation = twin.state.installationFor(app.id, 'acme')!;
    const writes = kit.writes();
    const answer = await fetch(`${twin.apiUrl}/repos/acme/web-shop/pulls/${opened.number}/comments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${twin.createInstallationToken(installation.id)}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ body: 'finding', commit_id: head, path: 'src/app.js', line: 2, side: 'RIGHT' }),
    });
    expect(answer.status).toBe(201);
    expect(kit.writes() - writes).toBe(1);
    const [thread] = await kit.threads(opened.number);
    expect(thread).toMatchObject({ path: 'src/app.js', line: 2, author: kit.botLogin, resolved: false });

    const delivered = twin.state.deliveries.size;
    await kit.reply(opened.number, thread!.id, 'writer', '/fp test code');
    const replies = [...twin.state.deliveries.values()].slice(delivered);
    expect(replies.map((d) => [d.event, d.action, d.statusCode >= 200 && d.statusCode < 300])).toContainEqual(
      ['pull_request_review_comment', 'created', true],
    );
    expect((await kit.threads(opened.number))[0]!.replies).toEqual([
      { author: 'wes-writer', body: '/fp test code' },
    ]);
    expect(await kit.status(opened.number, head)).toBeUndefined();

    await kit.close(opened.number, false);
    const closed = [...twin.state.deliveries.values()].at(-1)!;
    expect([closed.event, closed.action, closed.statusCode < 300]).toEqual(['pull_request', 'closed', true]);
  });
});
