import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAzureDevOpsProvider } from '../../src/scm/azure-devops/index.js';
import { azureDevOpsWebhookReceiver } from '../../src/scm/azure-devops/webhooks.js';
import { isScmError } from '../../src/scm/errors.js';
import type { PullRequestCommenter, PullRequestRef, ScmComment } from '../../src/scm/provider.js';
import type { WebhookEvent } from '../../src/scm/webhook-receiver.js';
import { azureDevOpsPullRequestKit } from '../comments/kits/azure-devops.js';
import { startFamilies, type FamiliesWorld } from '../findings/scan-families.js';
import { createTestProviderDeps, rejectionOf } from '../helpers/scm-http.js';
import {
  startAzureDevOpsTwin,
  type AzureDevOpsScenario,
  type AzureDevOpsTwin,
} from '../twins/azure-devops/index.js';
import type { AdoPullRequest } from '../twins/azure-devops/state.js';
import { startHookReceiver, type HookReceiver } from './hook-receiver.js';

const appLines = Array.from({ length: 30 }, (_, i) => `export const line${i + 1} = ${i + 1};`);
const text = (lines: readonly string[]) => `${lines.join('\n')}\n`;

const scenario: AzureDevOpsScenario = {
  users: [
    { principalName: 'alice@example.com', displayName: 'Alice Admin' },
    { principalName: 'wendy@example.com', displayName: 'Wendy Writer' },
    { principalName: 'rita@example.com', displayName: 'Rita Reader' },
  ],
  pats: [
    { value: 'bot-pat', user: 'alice@example.com', scopes: 'full' },
    { value: 'code-only-pat', user: 'alice@example.com', scopes: ['vso.code'] },
    { value: 'wendy-pat', user: 'wendy@example.com', scopes: ['vso.code_write'] },
    { value: 'rita-pat', user: 'rita@example.com', scopes: ['vso.threads_full'] },
  ],
  organizations: [
    {
      name: 'contoso',
      projects: [
        {
          name: 'Shop',
          repositories: [
            {
              name: 'web',
              files: {
                '/README.md': '# Web\n',
                '/src/app.ts': text(appLines),
                '/docs/old.md': 'How it works.\n',
                '/src/remove.ts': 'export const gone = true;\n',
              },
            },
          ],
        },
      ],
      members: [
        { user: 'alice@example.com', collectionAdmin: true },
        { user: 'wendy@example.com', projects: { Shop: 'projectContributor' } },
        { user: 'rita@example.com', projects: { Shop: 'projectReader' } },
      ],
    },
  ],
};

const secret = 'scm-connect:hook-secret';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe('Azure DevOps provider: pull request comments', () => {
  let twin: AzureDevOpsTwin;
  let receiver: HookReceiver;
  const deps = createTestProviderDeps();
  let commenter: PullRequestCommenter;
  let pr: AdoPullRequest;
  let ref: PullRequestRef;
  let head: string;

  const shop = () => twin.state.findProject(twin.state.organizations.get('contoso')!, 'Shop')!;
  const web = () => twin.state.findRepo(shop(), 'web')!;
  const provider = (token = 'bot-pat') =>
    createAzureDevOpsProvider(
      { kind: 'azure-devops', baseUrl: new URL(twin.url), target: 'contoso', token },
      deps,
    );
  const repositoryRef = () => ({ externalId: web().id, fullName: 'contoso/Shop/web' });

  /** A REST call as one of the people of the scenario. */
  async function rest(token: string, method: string, tail: string, body?: unknown) {
    const response = await fetch(
      `${twin.url}/contoso/Shop/_apis/git/repositories/${web().id}${tail}?api-version=7.1`,
      {
        method,
        headers: {
          authorization: `Basic ${Buffer.from(`:${token}`).toString('base64')}`,
          'content-type': 'application/json',
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      },
    );
    await twin.idle();
    return { status: response.status, body: (await response.text()) || '{}' };
  }

  /** Pushes one commit with `changes` to `branch` (created from main) through the pushes API. */
  async function pushChanges(
    branch: string,
    changes: readonly { type: string; path: string; content?: string }[],
  ) {
    const ref = `refs/heads/${branch}`;
    const old = web().refs.get(ref) ?? web().refs.get('refs/heads/main')!;
    const answer = await rest('bot-pat', 'POST', '/pushes', {
      refUpdates: [{ name: ref, oldObjectId: old }],
      commits: [
        {
          comment: `Work on ${branch}`,
          changes: changes.map((c) => ({
            changeType: c.type,
            item: { path: c.path },
            ...(c.content === undefined
              ? {}
              : { newContent: { content: c.content, contentType: 'rawtext' } }),
          })),
        },
      ],
    });
    expect(answer.status).toBe(201);
    return web().refs.get(ref)!;
  }

  const deliveredEvents = (
    from: number,
  ): { event: string; events: readonly WebhookEvent[]; ignored?: string }[] =>
    receiver.received.slice(from).map((delivery) => {
      expect(azureDevOpsWebhookReceiver.verify(delivery, { secret, signingSecret: null })).toEqual({
        ok: true,
      });
      const { event } = azureDevOpsWebhookReceiver.identify(delivery);
      const parsed = azureDevOpsWebhookReceiver.parse({
        event,
        body: delivery.rawBody.toString('utf8'),
        organization: 'contoso',
      });
      return { event, ...parsed };
    });

  beforeAll(async () => {
    twin = await startAzureDevOpsTwin(scenario);
    receiver = await startHookReceiver({ tls: true });
    await provider().webhooks!.registerHook({ url: receiver.url, secret });
    const edited = [...appLines];
    edited[2] = 'export const line3 = "changed";';
    edited[24] = 'export const line25 = "changed";';
    head = await pushChanges('feature', [
      { type: 'edit', path: '/src/app.ts', content: text(edited) },
      { type: 'add', path: '/src/new.ts', content: 'export const fresh = 1;\nexport const more = 2;\n' },
      { type: 'delete', path: '/docs/old.md' },
      { type: 'add', path: '/docs/new.md', content: 'How it works.\n' },
      { type: 'delete', path: '/src/remove.ts' },
    ]);
    pr = twin.openPullRequest('contoso', 'Shop', 'web', 'feature');
    ref = { repository: repositoryRef(), number: pr.id };
    commenter = provider().comments!;
  });
  afterAll(async () => {
    await deps.close();
    await receiver.close();
    await twin.close();
  });

  it('offers comments and inline comments, hidden HTML-comment markers and 150,000 characters', () => {
    const p = provider();
    expect(p.capabilities).toMatchObject({ comments: true, inlineComments: true });
    expect(commenter.format.hiddenMarker('scm-connect:finding=abc')).toBe('<!-- scm-connect:finding=abc -->');
    expect(() => commenter.format.hiddenMarker('a --> b')).toThrow(/--/);
    expect(commenter.format.maxBodyLength).toBe(150_000);
    expect(commenter.format.suggestion).toBeUndefined();
  });

  it('reads the diff from the last iteration: added, edited, renamed files whole, deleted ones left out', async () => {
    const diff = await commenter.pullRequestDiff(ref);
    expect(diff).toMatchObject({ state: 'open', headSha: head, baseSha: pr.iterations[0]!.commonCommit });
    expect(diff.baseSha).toBe(web().refs.get('refs/heads/main'));
    expect(diff.files).toEqual([
      { path: 'docs/new.md', commentable: 'whole-file' },
      { path: 'src/app.ts', commentable: 'whole-file' },
      { path: 'src/new.ts', commentable: 'whole-file' },
    ]);
  });

  it('follows the iterations: a push moves the head and adds its files', async () => {
    const other = await pushChanges('topic', [{ type: 'add', path: '/src/topic.ts', content: 'a\n' }]);
    const topic = twin.openPullRequest('contoso', 'Shop', 'web', 'topic');
    const topicRef = { repository: repositoryRef(), number: topic.id };
    expect((await commenter.pullRequestDiff(topicRef)).headSha).toBe(other);
    const pushed = await pushChanges('topic', [{ type: 'add', path: '/src/second.ts', content: 'b\n' }]);
    const diff = await commenter.pullRequestDiff(topicRef);
    expect(diff.headSha).toBe(pushed);
    expect(topic.iterations).toHaveLength(2);
    expect(diff.files.map((f) => f.path)).toEqual(['src/second.ts', 'src/topic.ts']);
  });

  it('reads more than one page of changes ($top 2000, then $skip)', async () => {
    const files = Object.fromEntries(Array.from({ length: 2050 }, (_, i) => [`bulk/f${i}.txt`, `${i}\n`]));
    await twin.push('contoso', 'Shop', 'web', 'bulk', files);
    const bulk = twin.openPullRequest('contoso', 'Shop', 'web', 'bulk');
    const before = twin.count(undefined, 'GET');
    const diff = await commenter.pullRequestDiff({ repository: repositoryRef(), number: bulk.id });
    expect(diff.files).toHaveLength(2050);
    const changes = twin.log
      .slice(-(twin.count(undefined, 'GET') - before))
      .filter((r) => r.path.endsWith('/changes'));
    expect(changes.map((r) => new URLSearchParams(r.query).get('$skip'))).toEqual(['0', '2000']);
  });

  it('creates, lists, edits and deletes a summary comment as its own identity', async () => {
    const me = await commenter.identity();
    expect(me.login).toBe('alice@example.com');
    const created = await commenter.createComment(ref, 'Summary <!-- scm-connect:summary -->');
    expect(created).toMatchObject({ author: { id: me.id, login: 'alice@example.com' }, replyCount: 0 });
    expect(created.id).toBe(`${created.threadId}.1`);
    expect(created.webUrl).toBe(
      `${twin.url}/contoso/Shop/_git/web/pullrequest/${pr.id}?discussionId=${created.threadId}`,
    );
    const listed = (await collect(commenter.listComments(ref))).filter((c) => c.id === created.id);
    expect(listed).toEqual([expect.objectContaining({ body: created.body, replyCount: 0, resolved: false })]);
    const updated = await commenter.updateComment(ref, { id: created.id }, 'Summary, edited');
    expect([updated.id, updated.body]).toEqual([created.id, 'Summary, edited']);
    await commenter.deleteComment(ref, created);
    expect((await collect(commenter.listComments(ref))).map((c) => c.id)).not.toContain(created.id);
    // Azure DevOps keeps the comment in its thread, marked deleted.
    const thread = pr.threads.find((t) => String(t.id) === created.threadId)!;
    expect(thread.comments[0]!.isDeleted).toBe(true);
    await expect(commenter.deleteComment(ref, created)).resolves.toBeUndefined();
  });

  it('posts an inline comment on a line and a range, anchored to the iteration of its commit', async () => {
    const one = await commenter.createInlineComment!(
      ref,
      { path: 'src/app.ts', line: 25, commitSha: head },
      'One line',
    );
    const range = await commenter.createInlineComment!(
      ref,
      { path: 'src/new.ts', line: 2, startLine: 1, commitSha: head },
      'A range',
    );
    const stored = pr.threads.find((t) => String(t.id) === range.threadId)!;
    expect(stored.threadContext).toEqual({
      filePath: '/src/new.ts',
      rightFileStart: { line: 1, offset: 1 },
      rightFileEnd: { line: 2, offset: 1 },
    });
    expect(stored.pullRequestThreadContext).toMatchObject({
      iterationContext: { firstComparingIteration: 1, secondComparingIteration: 1 },
    });
    const inline = await collect(commenter.listInlineComments!(ref));
    expect(inline.find((c) => c.id === one.id)).toMatchObject({
      position: { path: 'src/app.ts', line: 25, commitSha: head },
      replyCount: 0,
      resolved: false,
    });
    expect(inline.find((c) => c.id === range.id)!.position).toEqual({
      path: 'src/new.ts',
      line: 2,
      startLine: 1,
      commitSha: head,
    });
    expect((await collect(commenter.listComments(ref))).map((c) => c.id)).not.toContain(one.id);
  });

  it('posts a batch in order, checking every position before writing', async () => {
    const batch = await commenter.createInlineComments!(ref, [
      { position: { path: 'docs/new.md', line: 1, commitSha: head }, body: 'first' },
      { position: { path: 'src/app.ts', line: 3, commitSha: head }, body: 'second' },
    ]);
    expect(batch.map((c) => c.body)).toEqual(['first', 'second']);
    const threads = pr.threads.length;
    const refusal = await rejectionOf(
      commenter.createInlineComments!(ref, [
        { position: { path: 'src/app.ts', line: 4, commitSha: head }, body: 'fine' },
        { position: { path: 'README.md', line: 1, commitSha: head }, body: 'off the diff' },
      ]),
    );
    expect(isScmError(refusal) && refusal.code).toBe('line_not_in_diff');
    expect(pr.threads).toHaveLength(threads);
  });

  it.each([
    ['an unchanged file', 'README.md', 1],
    ['a deleted file', 'src/remove.ts', 1],
    ['the old path of a renamed file', 'docs/old.md', 1],
    ['a line past the end of a changed file', 'src/app.ts', 31],
  ])(
    'refuses an inline comment on %s as invalid line_not_in_diff, writing nothing',
    async (_what, path, line) => {
      const threads = pr.threads.length;
      const refusal = await rejectionOf(
        commenter.createInlineComment!(ref, { path, line, commitSha: head }, 'x'),
      );
      expect(isScmError(refusal) && [refusal.kind, refusal.code]).toEqual(['invalid', 'line_not_in_diff']);
      expect(pr.threads).toHaveLength(threads);
    },
  );

  it('refuses a commit that is no iteration of the pull request', async () => {
    const refusal = await rejectionOf(
      commenter.createInlineComment!(ref, { path: 'src/app.ts', line: 1, commitSha: 'f'.repeat(40) }, 'x'),
    );
    expect(isScmError(refusal) && [refusal.kind, refusal.code]).toEqual(['invalid', 'line_not_in_diff']);
  });

  it('resolves a thread as fixed and reopens it as active', async () => {
    const created = await commenter.createInlineComment!(
      ref,
      { path: 'src/app.ts', line: 10, commitSha: head },
      'r',
    );
    const thread = () => pr.threads.find((t) => String(t.id) === created.threadId)!;
    const listed = async () =>
      (await collect(commenter.listInlineComments!(ref))).find((c) => c.id === created.id)!;
    await commenter.resolveComment!(ref, created, true);
    expect(thread().status).toBe('fixed');
    expect((await listed()).resolved).toBe(true);
    await commenter.resolveComment!(ref, { id: created.id }, false);
    expect(thread().status).toBe('active');
    expect((await listed()).resolved).toBe(false);
  });

  it('replies in a thread and counts live replies, leaving system threads and deleted replies out', async () => {
    const created = await commenter.createInlineComment!(
      ref,
      { path: 'src/app.ts', line: 12, commitSha: head },
      'q',
    );
    const reply = await commenter.replyToComment(ref, created, 'Confirmed: false positive.');
    expect(reply).toMatchObject({ id: `${created.threadId}.2`, threadId: created.threadId });
    const thread = pr.threads.find((t) => String(t.id) === created.threadId)!;
    expect(thread.comments[1]).toMatchObject({ parentCommentId: 1, content: 'Confirmed: false positive.' });
    const answer = await rest(
      'rita-pat',
      'POST',
      `/pullRequests/${pr.id}/threads/${created.threadId}/comments`,
      {
        content: '/fp test code',
        parentCommentId: 1,
        commentType: 1,
      },
    );
    expect(answer.status).toBe(200);
    const count = async () =>
      (await collect(commenter.listInlineComments!(ref))).find((c) => c.id === created.id)!.replyCount;
    expect(await count()).toBe(2);
    await commenter.deleteComment(ref, reply);
    expect(await count()).toBe(1);

    const at = twin.state.now();
    const system = {
      id: 9000,
      parentCommentId: 0,
      author: thread.comments[0]!.author,
      content: 'Alice voted 10',
    };
    pr.threads.push({
      id: 9000,
      status: 'active',
      threadContext: undefined,
      pullRequestThreadContext: undefined,
      publishedDate: at,
      lastUpdatedDate: at,
      properties: undefined,
      comments: [
        { ...system, id: 1, commentType: 'system', publishedDate: at, lastUpdatedDate: at, isDeleted: false },
      ],
    });
    const summaries: ScmComment[] = await collect(commenter.listComments(ref));
    expect(summaries.map((c) => c.threadId)).not.toContain('9000');
  });

  it('sets its status on the iteration of the commit once, replacing its own, writing nothing when unchanged', async () => {
    const status = {
      commitSha: head,
      description: '2 findings, 1 blocking',
      targetUrl: 'https://scm.example/s/1',
    };
    await commenter.setCommitStatus(ref, { ...status, state: 'pending' });
    await commenter.setCommitStatus(ref, { ...status, state: 'failure' });
    const ours = () => pr.statuses.filter((s) => s.context.name === 'scm-connect');
    expect(ours()).toEqual([
      expect.objectContaining({
        iterationId: 1,
        state: 'failed',
        description: status.description,
        targetUrl: status.targetUrl,
        context: { name: 'scm-connect', genre: 'security' },
      }),
    ]);
    const writes = () => twin.log.filter((r) => r.method !== 'GET').length;
    const before = writes();
    await commenter.setCommitStatus(ref, { ...status, state: 'failure' });
    expect(writes()).toBe(before);
    expect(ours()).toHaveLength(1);
  });

  it('tells who may write: a Contributor may, a Reader and an unknown user may not', async () => {
    const user = (name: string) => {
      const found = twin.state.users.get(name)!;
      return { id: found.id, login: found.principalName };
    };
    expect(await commenter.canWrite(repositoryRef(), user('wendy@example.com'))).toBe(true);
    expect(await commenter.canWrite(repositoryRef(), user('rita@example.com'))).toBe(false);
    expect(await commenter.canWrite(repositoryRef(), user('alice@example.com'))).toBe(true);
    expect(
      await commenter.canWrite(repositoryRef(), {
        id: '0badc0de-0000-4000-8000-000000000000',
        login: 'nobody',
      }),
    ).toBe(false);
    const refusal = await rejectionOf(
      provider('code-only-pat').comments!.canWrite(repositoryRef(), user('wendy@example.com')),
    );
    expect(isScmError(refusal) && [refusal.kind, refusal.code]).toEqual(['forbidden', 'insufficient_scopes']);
    expect(isScmError(refusal) && refusal.message).toContain('vso.identity');
  });

  it('subscribes to comment, updated and merged events with the others', () => {
    const org = twin.state.organizations.get('contoso')!;
    const ours = org.hooks.filter((h) => h.consumerInputs.url === receiver.url);
    expect(ours.map((h) => [h.eventType, h.resourceVersion])).toEqual(
      expect.arrayContaining([
        ['git.push', '1.0'],
        ['ms.vss-code.git-pullrequest-comment-event', '2.0'],
        ['git.pullrequest.updated', '1.0'],
        ['git.pullrequest.merged', '1.0'],
      ]),
    );
  });

  it('parses delivered comments: a new thread, and a reply naming the thread and comment it answers', async () => {
    const from = receiver.received.length;
    const created = await commenter.createComment(ref, 'Findings summary');
    await twin.idle();
    await rest('rita-pat', 'POST', `/pullRequests/${pr.id}/threads/${created.threadId}/comments`, {
      content: '/fp only in tests',
      parentCommentId: 1,
      commentType: 1,
    });
    const events = deliveredEvents(from).filter(
      (d) => d.event === 'ms.vss-code.git-pullrequest-comment-event',
    );
    const rita = twin.state.users.get('rita@example.com')!;
    const repository = expect.objectContaining({
      externalId: web().id,
      fullName: 'contoso/Shop/web',
      name: 'web',
    });
    expect(events.map((d) => d.events)).toEqual([
      [
        {
          type: 'pull-request.comment',
          repository,
          pullRequest: pr.id,
          comment: { id: created.id, threadId: created.threadId, body: 'Findings summary' },
          author: { externalId: created.author.id, login: 'alice@example.com' },
        },
      ],
      [
        {
          type: 'pull-request.comment',
          repository,
          pullRequest: pr.id,
          comment: { id: `${created.threadId}.2`, threadId: created.threadId, body: '/fp only in tests' },
          author: { externalId: rita.id, login: 'rita@example.com' },
          inReplyTo: { id: created.id, threadId: created.threadId },
        },
      ],
    ]);
  });

  it('ignores comment events of resource version 1.0, system comments and deleted ones', () => {
    const parse = (resource: unknown) =>
      azureDevOpsWebhookReceiver.parse({
        event: 'ms.vss-code.git-pullrequest-comment-event',
        body: JSON.stringify({ eventType: 'ms.vss-code.git-pullrequest-comment-event', resource }),
        organization: 'contoso',
      });
    const comment = {
      id: 1,
      content: 'x',
      author: { id: 'a', uniqueName: 'a@example.com' },
      _links: {
        threads: { href: 'https://dev.azure.com/contoso/_apis/git/repositories/r/pullRequests/1/threads/5' },
      },
    };
    const pullRequest = {
      pullRequestId: 1,
      repository: { id: 'r', name: 'web', project: { id: 'p', name: 'Shop' } },
    };
    expect(parse({ comment }).ignored).toMatch(/1\.0/);
    expect(parse({ comment: { ...comment, commentType: 'system' }, pullRequest }).ignored).toMatch(/system/);
    expect(parse({ comment: { ...comment, isDeleted: true }, pullRequest }).ignored).toMatch(/deleted/);
    expect(() => parse({ comment: { ...comment, _links: {} }, pullRequest })).toThrow(/thread/);
  });

  it('parses an abandoned pull request as closed and a completed one as merged', async () => {
    const abandon = twin.openPullRequest('contoso', 'Shop', 'web', 'topic-2');
    await pushChanges('topic-2', [{ type: 'add', path: '/src/t2.ts', content: 'x\n' }]);
    const from = receiver.received.length;
    expect(
      (await rest('wendy-pat', 'PATCH', `/pullRequests/${abandon.id}`, { status: 'abandoned' })).status,
    ).toBe(200);
    const closed = deliveredEvents(from);
    expect(closed.map((d) => d.event)).toEqual(['git.pullrequest.updated']);
    expect(closed[0]!.events).toEqual([
      expect.objectContaining({ type: 'pull-request.closed', pullRequest: abandon.id, merged: false }),
    ]);

    const next = receiver.received.length;
    const done = await rest('wendy-pat', 'PATCH', `/pullRequests/${pr.id}`, {
      status: 'completed',
      lastMergeSourceCommit: { commitId: head },
    });
    expect(done.status).toBe(200);
    const merged = deliveredEvents(next);
    expect(merged.map((d) => d.event).sort()).toEqual(['git.pullrequest.merged', 'git.pullrequest.updated']);
    for (const delivery of merged) {
      expect(delivery.events).toEqual([
        expect.objectContaining({ type: 'pull-request.closed', pullRequest: pr.id, merged: true }),
      ]);
    }
    expect((await commenter.pullRequestDiff(ref)).state).toBe('merged');
  });

  it('ignores a merge attempt on an open pull request', () => {
    const parsed = azureDevOpsWebhookReceiver.parse({
      event: 'git.pullrequest.merged',
      body: JSON.stringify({
        eventType: 'git.pullrequest.merged',
        resource: {
          pullRequestId: 3,
          status: 'active',
          mergeStatus: 'succeeded',
          repository: { id: 'r', name: 'web', project: { id: 'p', name: 'Shop' } },
        },
      }),
      organization: 'contoso',
    });
    expect(parsed).toEqual({ events: [], ignored: expect.stringMatching(/active/) });
  });
});

describe('Azure DevOps pull request kit', () => {
  let world: FamiliesWorld;

  beforeAll(async () => {
    world = await startFamilies({ 'src/app.ts': 'export const app = 1;\n' });
  }, 120_000);
  afterAll(async () => {
    await world?.close();
  });

  it('opens a pull request, pushes, and a reply reaches the service as a comment delivery', async () => {
    const family = world.families['azure-devops'];
    const kit = await azureDevOpsPullRequestKit(world, family);
    const twin = family.twin as AzureDevOpsTwin;
    const opened = await kit.openPullRequest('kit-smoke', { 'src/app.ts': 'export const app = 2;\n' });
    expect(opened.baseSha).toBe(family.baseCommit);
    const pushed = await kit.push('kit-smoke', { 'src/extra.ts': 'export const extra = 1;\n' });
    expect(pushed).not.toBe(opened.headSha);

    const provider = createAzureDevOpsProvider(
      { kind: 'azure-devops', baseUrl: new URL(twin.url), target: 'contoso', token: 'ado-kit-good' },
      createTestProviderDeps(),
    );
    const shop = twin.state.findProject(twin.state.organizations.get('contoso')!, 'Shop')!;
    const website = twin.state.findRepo(shop, 'website')!;
    const ref = {
      repository: { externalId: website.id, fullName: family.repository.fullName },
      number: opened.number,
    };
    const writes = kit.writes();
    const created = await provider.comments!.createInlineComment!(
      ref,
      { path: 'src/app.ts', line: 1, commitSha: pushed },
      'A finding',
    );
    expect(kit.writes()).toBe(writes + 1);
    expect(await kit.threads(opened.number)).toEqual([
      expect.objectContaining({
        id: created.id,
        path: 'src/app.ts',
        line: 1,
        author: kit.botLogin,
        resolved: false,
      }),
    ]);

    await twin.idle();
    const before = twin.deliveries.length;
    await kit.reply(opened.number, created.id, 'reader', '/fp not reachable');
    const delivered = twin.deliveries.slice(before);
    expect(delivered.map((d) => d.eventType)).toEqual(['ms.vss-code.git-pullrequest-comment-event']);
    // The service answers: it takes the delivery behind a TLS proxy it trusts, else refuses it for want of https.
    const accepted = (status: number | 'error') =>
      typeof status === 'number' && status >= 200 && status < 300;
    expect(delivered[0]!.status).toSatisfy((status: number | 'error') =>
      world.service.config.trustProxy ? accepted(status) : status === 403,
    );
    expect(kit.writes()).toBe(writes + 1);
    expect((await kit.threads(opened.number))[0]!.replies).toEqual([
      { author: 'rita.reader@example.com', body: '/fp not reachable' },
    ]);

    await provider.comments!.setCommitStatus(ref, {
      commitSha: pushed,
      state: 'failure',
      description: '1 finding',
      targetUrl: 'https://scm.example/s',
    });
    expect(await kit.status(opened.number, pushed)).toEqual({
      state: 'failure',
      description: '1 finding',
      targetUrl: 'https://scm.example/s',
    });
    expect(await kit.status(opened.number, opened.headSha)).toBeUndefined();

    const closing = twin.deliveries.length;
    await kit.close(opened.number, true);
    expect(
      twin.deliveries
        .slice(closing)
        .map((d) => d.eventType)
        .sort(),
    ).toEqual(['git.pullrequest.merged', 'git.pullrequest.updated']);
  }, 60_000);
});
