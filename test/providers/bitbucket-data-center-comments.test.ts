import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hiddenMarker, suggestion } from '../../src/scm/bitbucket-data-center/comment-format.js';
import { createBitbucketDataCenterProvider } from '../../src/scm/bitbucket-data-center/index.js';
import { parsePullRequestDiff } from '../../src/scm/bitbucket-data-center/pull-request-diff.js';
import { pullRequestDiffSchema, pullRequestSchema } from '../../src/scm/bitbucket-data-center/schemas.js';
import { bitbucketDataCenterWebhookReceiver as receiver } from '../../src/scm/bitbucket-data-center/webhooks.js';
import { ScmError } from '../../src/scm/errors.js';
import type { PullRequestCommenter, PullRequestRef, ScmComment } from '../../src/scm/provider.js';
import { bitbucketDataCenterPullRequestKit } from '../comments/kits/bitbucket-data-center.js';
import { startFamilies, type FamiliesWorld } from '../findings/scan-families.js';
import { createTestProviderDeps, rejectionOf } from '../helpers/scm-http.js';
import {
  startBitbucketDataCenterTwin,
  type BitbucketDataCenterScenario,
  type BitbucketDataCenterTwin,
} from '../twins/bitbucket-data-center/index.js';
import { pullRequestEvent } from '../twins/bitbucket-data-center/pr-events.js';
import { readVerified, startHookReceiver, type HookReceiver } from './hook-receiver.js';

const lines = (count: number, prefix = 'line') =>
  Array.from({ length: count }, (_, index) => `${prefix} ${index + 1}\n`).join('');

const scenario = (version = '9.4.2'): BitbucketDataCenterScenario => ({
  version,
  contextPath: '/bitbucket',
  users: [
    { name: 'alice', displayName: 'Alice Admin' },
    { name: 'bob', displayName: 'Bob Builder' },
    { name: 'carol', displayName: 'Carol Reader' },
    { name: 'bobby', displayName: 'Bobby Other' },
  ],
  tokens: [
    {
      value: 'core-write',
      scope: { type: 'project', projectKey: 'CORE' },
      permissions: ['PROJECT_WRITE', 'REPO_WRITE'],
    },
    {
      value: 'carol-token',
      scope: { type: 'user', user: 'carol' },
      permissions: ['PROJECT_READ', 'REPO_READ'],
    },
  ],
  projects: [
    {
      key: 'CORE',
      members: [
        { user: 'alice', permission: 'PROJECT_ADMIN' },
        { user: 'bob', permission: 'PROJECT_WRITE' },
        { user: 'carol', permission: 'PROJECT_READ' },
        { user: 'bobby', permission: 'PROJECT_READ' },
      ],
      repositories: [
        {
          slug: 'web',
          name: 'Web',
          files: {
            'src/long.ts': lines(30),
            'src/keep.ts': 'keep\n',
            'old.txt': 'going away\n',
            'docs/a.md': '# Moved\n',
          },
        },
      ],
    },
  ],
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe('Bitbucket Data Center pull request comments', () => {
  let twin: BitbucketDataCenterTwin;
  let comments: PullRequestCommenter;
  let pr: PullRequestRef;
  let head: string;
  const deps = createTestProviderDeps();
  const repository = { externalId: '1', fullName: 'CORE/web' };
  const repo = () => twin.state.findRepo(twin.state.projects.get('CORE')!, 'web')!;
  const stored = (id: string) =>
    repo()
      .pullRequests.get(pr.number)!
      .comments.find((c) => c.id === Number(id));

  beforeAll(async () => {
    twin = await startBitbucketDataCenterTwin(scenario());
    // Two hunks in src/long.ts (lines 3 and 27 changed), an added file, a deleted one and a moved one.
    head = twin.push('CORE', 'web', 'feature/x', {
      'src/long.ts': lines(30).replace('line 3\n', 'line three\n').replace('line 27\n', 'line 27 changed\n'),
      'src/new.ts': 'one\ntwo\nthree\n',
      'old.txt': null,
      'docs/a.md': null,
      'docs/b.md': '# Moved\n',
    }).after;
    pr = { repository, number: twin.openPullRequest('CORE', 'web', 'feature/x').id };
    comments = createBitbucketDataCenterProvider(
      { kind: 'bitbucket-data-center', baseUrl: new URL(twin.baseUrl), target: 'CORE', token: 'core-write' },
      deps,
    ).comments!;
  });
  afterAll(async () => {
    await deps.close();
    await twin.close();
  });

  it('reads the diff: added, context, moved and deleted files, several hunks', async () => {
    const diff = await comments.pullRequestDiff(pr);
    expect(diff).toMatchObject({ state: 'open', headSha: head, baseSha: repo().branches.get('main')!.head });
    expect(Object.fromEntries(diff.files.map((file) => [file.path, file.commentable]))).toEqual({
      // Line 3 with 10 lines of context around it, then line 27 with its context: two hunks.
      'src/long.ts': [
        { start: 1, end: 13 },
        { start: 17, end: 30 },
      ],
      'src/new.ts': [{ start: 1, end: 3 }],
      // A move without changes has no hunks: nothing to comment on.
      'docs/b.md': [],
    });
  });

  it('creates, lists, edits and deletes a summary comment', async () => {
    const me = await comments.identity();
    const created = await comments.createComment(pr, 'Summary');
    expect(created).toMatchObject({ body: 'Summary', author: { id: me.id }, replyCount: 0, resolved: false });
    expect(created.webUrl).toBe(
      `${twin.baseUrl}/projects/CORE/repos/web/pull-requests/${pr.number}/overview?commentId=${created.id}`,
    );
    expect((await collect(comments.listComments(pr))).map((c) => c.body)).toEqual(['Summary']);
    const edited = await comments.updateComment(pr, created, 'Summary, edited');
    expect([edited.id, edited.body, edited.version]).toEqual([created.id, 'Summary, edited', 1]);
    await comments.deleteComment(pr, edited);
    expect(await collect(comments.listComments(pr))).toEqual([]);
    await comments.deleteComment(pr, edited);
  });

  it('anchors inline comments on added and context lines and refuses lines outside the diff', async () => {
    const added = await comments.createInlineComment!(
      pr,
      { path: 'src/long.ts', line: 3, commitSha: head },
      'On 3',
    );
    const context = await comments.createInlineComment!(
      pr,
      { path: 'src/long.ts', line: 20, commitSha: head },
      'On 20',
    );
    expect(stored(added.id)!.anchor).toMatchObject({
      line: 3,
      lineType: 'ADDED',
      fileType: 'TO',
      toHash: head,
    });
    expect(stored(context.id)!.anchor).toMatchObject({ line: 20, lineType: 'CONTEXT' });
    const listed = await collect(comments.listInlineComments!(pr));
    expect(listed.map((c) => [c.body, c.position?.path, c.position?.line])).toEqual([
      ['On 3', 'src/long.ts', 3],
      ['On 20', 'src/long.ts', 20],
    ]);
    expect(await collect(comments.listComments(pr))).toEqual([]);

    for (const position of [
      { path: 'src/long.ts', line: 15, commitSha: head },
      { path: 'src/keep.ts', line: 1, commitSha: head },
      { path: 'old.txt', line: 1, commitSha: head },
    ]) {
      const refusal = await rejectionOf(comments.createInlineComment!(pr, position, 'Off the diff'));
      expect(refusal).toBeInstanceOf(ScmError);
      expect(refusal).toMatchObject({ kind: 'invalid', code: 'line_not_in_diff' });
    }
    // A range sits on its last line: Data Center's REST API takes no multi-line anchor.
    const ranged = await comments.createInlineComment!(
      pr,
      { path: 'src/new.ts', startLine: 1, line: 3, commitSha: head },
      'Range',
    );
    expect(stored(ranged.id)!.anchor).toMatchObject({ path: 'src/new.ts', line: 3 });
    for (const comment of [added, context, ranged]) await comments.deleteComment(pr, comment);

    // A position at a head the pull request is not at: its lines may have moved.
    const stale = await rejectionOf(
      comments.createInlineComment!(pr, { path: 'src/long.ts', line: 3, commitSha: 'abcdef1234' }, 'Stale'),
    );
    expect(stale).toMatchObject({ kind: 'invalid', code: 'line_not_in_diff' });
  });

  it('places inline comments on the diff it just read, without reading it again', async () => {
    const diffReads = () =>
      twin.count(`/bitbucket/rest/api/1.0/projects/CORE/repos/web/pull-requests/${pr.number}/diff`);
    const diff = await comments.pullRequestDiff(pr);
    const before = diffReads();
    expect(before).toBeGreaterThan(0);
    const [one, two] = await comments.createInlineComments!(pr, [
      { position: { path: 'src/new.ts', line: 1, commitSha: diff.headSha }, body: 'one' },
      { position: { path: 'src/new.ts', line: 3, commitSha: diff.headSha }, body: 'two' },
    ]);
    const three = await comments.createInlineComment!(
      pr,
      { path: 'src/long.ts', line: 27, commitSha: diff.headSha },
      'three',
    );
    expect(diffReads()).toBe(before);
    expect([one!.body, two!.body, three.body]).toEqual(['one', 'two', 'three']);
    for (const comment of [one!, two!, three]) await comments.deleteComment(pr, comment);
  });

  it('creates a batch after checking every position, so one off-diff line writes nothing', async () => {
    const before = repo().pullRequests.get(pr.number)!.comments.length;
    const refusal = await rejectionOf(
      comments.createInlineComments!(pr, [
        { position: { path: 'src/new.ts', line: 1, commitSha: head }, body: 'ok' },
        { position: { path: 'src/new.ts', line: 9, commitSha: head }, body: 'off' },
      ]),
    );
    expect(refusal).toMatchObject({ kind: 'invalid', code: 'line_not_in_diff' });
    expect(repo().pullRequests.get(pr.number)!.comments.length).toBe(before);
  });

  it('replies, counts replies, resolves and reopens a thread, and never deletes one with replies', async () => {
    const root = await comments.createInlineComment!(
      pr,
      { path: 'src/new.ts', line: 2, commitSha: head },
      'Finding',
    );
    const reply = await comments.replyToComment(pr, root, 'Fixed?');
    expect(stored(reply.id)!.parentId).toBe(Number(root.id));
    const listedRoot = async (): Promise<ScmComment> =>
      (await collect(comments.listInlineComments!(pr))).find((c) => c.id === root.id)!;
    expect((await listedRoot()).replyCount).toBe(1);
    expect((await collect(comments.listInlineComments!(pr))).map((c) => c.id)).not.toContain(reply.id);

    await comments.resolveComment!(pr, root, true);
    expect((await listedRoot()).resolved).toBe(true);
    // `root` still has the version before resolving: the stale version is read again and the call retried.
    await comments.resolveComment!(pr, root, false);
    expect((await listedRoot()).resolved).toBe(false);
    const edited = await comments.updateComment(pr, root, 'Finding, edited');
    expect(edited.body).toBe('Finding, edited');

    const refusal = await rejectionOf(comments.deleteComment(pr, edited));
    expect(refusal).toMatchObject({ kind: 'invalid', code: 'comment_has_replies' });
    expect(stored(root.id)).toBeDefined();
  });

  it('formats markers that Data Center renders as nothing, and applicable suggestions', () => {
    expect(hiddenMarker('scm-connect:finding abc')).toBe('[//]: # (scm-connect:finding abc)');
    expect(hiddenMarker('has (parens)')).toBe('[//]: # "has (parens)"');
    expect(hiddenMarker(`all ( " ' kinds`)).toBe(`[//]: # (all \\( " ' kinds)`);
    const position = { path: 'a.ts', line: 4, commitSha: 'abc1234' };
    expect(suggestion('const a = 1;', position)).toBe('```suggestion\nconst a = 1;\n```');
    expect(suggestion('x\n```\ny', position)).toBe('````suggestion\nx\n```\ny\n````');
    expect(suggestion('x', { ...position, startLine: 2 })).toBe(
      'Suggested change for lines 2–4:\n\n```\nx\n```',
    );
    expect(comments.format.maxBodyLength).toBe(32_768);
  });

  it('sets one build status per commit, replacing its own', async () => {
    const status = { commitSha: head, description: '1 finding', targetUrl: 'https://scm.example/scans/1' };
    await comments.setCommitStatus(pr, { ...status, state: 'pending' });
    await comments.setCommitStatus(pr, { ...status, state: 'failure', description: '1 blocking finding' });
    const builds = [...repo().builds.get(head)!.values()];
    expect(builds).toEqual([
      expect.objectContaining({ key: 'scm-connect', state: 'FAILED', description: '1 blocking finding' }),
    ]);
    expect(twin.count('/bitbucket/rest/api/1.0/projects/CORE/repos/web/commits/', 'POST')).toBe(2);
  });

  it('tells who may write: by the permission filter of "Get all users", matched by id', async () => {
    const user = (name: string) => ({ id: String(twin.state.users.get(name)!.id), login: name });
    expect(await comments.canWrite(repository, user('alice'))).toBe(true);
    expect(await comments.canWrite(repository, user('bob'))).toBe(true);
    expect(await comments.canWrite(repository, user('carol'))).toBe(false);
    // "bob" also matches "bobby" (read only): the id decides.
    expect(await comments.canWrite(repository, user('bobby'))).toBe(false);
    expect(await comments.canWrite(repository, { id: user('carol').id, login: 'bob' })).toBe(false);
  });
});

describe('Bitbucket Data Center diff answers', () => {
  it('reads paths from components when toString is absent, and the refs when the hashes are', () => {
    const pullRequest = pullRequestSchema.parse({
      id: 4,
      state: 'DECLINED',
      fromRef: { id: 'refs/heads/x', latestCommit: 'a'.repeat(40) },
      toRef: { id: 'refs/heads/main', latestCommit: 'b'.repeat(40) },
    });
    const answer = pullRequestDiffSchema.parse({
      diffs: [
        {
          source: { components: ['src', 'old.ts'] },
          destination: { components: ['src', 'new.ts'] },
          hunks: [
            {
              segments: [
                { type: 'CONTEXT', lines: [{ source: 4, destination: 4 }] },
                { type: 'REMOVED', lines: [{ source: 5, destination: 5 }] },
                { type: 'ADDED', lines: [{ source: 6, destination: 5 }] },
              ],
            },
          ],
        },
        { source: { toString: 'gone.ts' }, destination: null, hunks: [] },
      ],
    });
    const parsed = parsePullRequestDiff(pullRequest, answer);
    expect(parsed.diff).toEqual({
      headSha: 'a'.repeat(40),
      baseSha: 'b'.repeat(40),
      state: 'closed',
      files: [{ path: 'src/new.ts', commentable: [{ start: 4, end: 5 }] }],
    });
    expect(parsed.files.get('src/new.ts')).toEqual({
      path: 'src/new.ts',
      srcPath: 'src/old.ts',
      lines: new Map([
        [4, 'CONTEXT'],
        [5, 'ADDED'],
      ]),
    });
  });
});

describe('Bitbucket Data Center build status before 7.14', () => {
  it('stores the status with the build-status resource', async () => {
    const twin = await startBitbucketDataCenterTwin(scenario('7.6.0'));
    const deps = createTestProviderDeps();
    try {
      const { after } = twin.push('CORE', 'web', 'feature/y', { 'src/new.ts': 'x\n' });
      const { id } = twin.openPullRequest('CORE', 'web', 'feature/y');
      const comments = createBitbucketDataCenterProvider(
        {
          kind: 'bitbucket-data-center',
          baseUrl: new URL(twin.baseUrl),
          target: 'CORE',
          token: 'core-write',
        },
        deps,
      ).comments!;
      const ref = { repository: { externalId: '1', fullName: 'CORE/web' }, number: id };
      await comments.setCommitStatus(ref, {
        commitSha: after,
        state: 'success',
        description: 'No findings',
        targetUrl: 'https://scm.example/scans/2',
      });
      expect(twin.count('/bitbucket/rest/build-status/1.0/commits/', 'POST')).toBe(1);
      const web = twin.state.findRepo(twin.state.projects.get('CORE')!, 'web')!;
      expect(web.builds.get(after)!.get('scm-connect')).toMatchObject({ state: 'SUCCESSFUL' });
    } finally {
      await deps.close();
      await twin.close();
    }
  });
});

describe('Bitbucket Data Center pull request webhooks', () => {
  let twin: BitbucketDataCenterTwin;
  let endpoint: HookReceiver;
  const deps = createTestProviderDeps();
  const secret = 'pull-request-secret';

  beforeAll(async () => {
    twin = await startBitbucketDataCenterTwin({
      ...scenario(),
      tokens: [
        ...scenario().tokens,
        {
          value: 'core-admin',
          scope: { type: 'project', projectKey: 'CORE' },
          permissions: ['PROJECT_ADMIN'],
        },
      ],
    });
    endpoint = await startHookReceiver();
    const provider = createBitbucketDataCenterProvider(
      { kind: 'bitbucket-data-center', baseUrl: new URL(twin.baseUrl), target: 'CORE', token: 'core-admin' },
      deps,
    );
    await provider.webhooks!.registerHook({ url: endpoint.url, secret });
  });
  afterAll(async () => {
    await deps.close();
    await Promise.all([twin.close(), endpoint.close()]);
  });

  it('parses comments, replies, merges, declines and deletions from what the twin delivers', async () => {
    twin.push('CORE', 'web', 'feature/a', { 'a.ts': 'a\n' });
    const first = twin.openPullRequest('CORE', 'web', 'feature/a');
    const post = async (token: string, body: unknown) => {
      const response = await fetch(
        `${twin.baseUrl}/rest/api/1.0/projects/CORE/repos/web/pull-requests/${first.id}/comments`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        },
      );
      expect(response.status).toBe(201);
      return (await response.json()) as { id: number };
    };
    const root = await post('core-write', { text: 'A finding' });
    await post('carol-token', { text: '/fp test code', parent: { id: root.id } });
    twin.closePullRequest('CORE', 'web', first.id, true);
    await twin.idle();
    twin.push('CORE', 'web', 'feature/b', { 'b.ts': 'b\n' });
    const second = twin.openPullRequest('CORE', 'web', 'feature/b');
    twin.closePullRequest('CORE', 'web', second.id, false);
    await twin.idle();
    const web = twin.state.findRepo(twin.state.projects.get('CORE')!, 'web')!;
    await twin.deliver(
      'pr:deleted',
      pullRequestEvent(twin.state, twin.baseUrl, 'pr:deleted', twin.state.users.get('alice')!, web, second),
      { projectKey: 'CORE' },
    );

    // Pushes (`repo:refs_changed`) are delivered too; the pull request events are read here.
    const parsed = endpoint.received
      .map((delivery) => readVerified(receiver, delivery, secret))
      .filter((read) => read.event.startsWith('pr:'));
    const carol = twin.state.users.get('carol')!;
    const repository = { externalId: String(web.id), fullName: 'CORE/web', name: 'Web' };
    expect(parsed.map((p) => p.event)).toEqual([
      'pr:comment:added',
      'pr:comment:added',
      'pr:merged',
      'pr:declined',
      'pr:deleted',
    ]);
    expect(parsed[0]!.events).toEqual([
      expect.objectContaining({
        type: 'pull-request.comment',
        repository: expect.objectContaining(repository),
        pullRequest: first.id,
        comment: { id: String(root.id), body: 'A finding' },
      }),
    ]);
    expect(parsed[0]!.events[0]).not.toHaveProperty('inReplyTo');
    expect(parsed[1]!.events).toEqual([
      expect.objectContaining({
        type: 'pull-request.comment',
        pullRequest: first.id,
        comment: expect.objectContaining({ body: '/fp test code' }),
        author: { externalId: String(carol.id), login: 'carol' },
        inReplyTo: { id: String(root.id) },
      }),
    ]);
    expect(parsed.slice(2).map((p) => p.events)).toEqual([
      [expect.objectContaining({ type: 'pull-request.closed', pullRequest: first.id, merged: true })],
      [expect.objectContaining({ type: 'pull-request.closed', pullRequest: second.id, merged: false })],
      [expect.objectContaining({ type: 'pull-request.closed', pullRequest: second.id, merged: false })],
    ]);
  });

  it('refuses a comment delivery without the pull request', () => {
    expect(() =>
      receiver.parse({ event: 'pr:comment:added', body: '{"comment":{"id":1,"text":"x"}}' }),
    ).toThrow(/pr:comment:added/);
  });
});

describe('Bitbucket Data Center pull request kit', () => {
  let world: FamiliesWorld;

  beforeAll(async () => {
    world = await startFamilies({ 'src/app.js': lines(20, 'const a') });
  }, 120_000);
  afterAll(async () => {
    await world?.close();
  });

  it('opens, pushes and replies; the reply reaches the service as a signed delivery', async () => {
    const family = world.families['bitbucket-data-center'];
    const kit = await bitbucketDataCenterPullRequestKit(world, family);
    const twin = family.twin as BitbucketDataCenterTwin;
    const opened = await kit.openPullRequest('feature/kit', { 'src/app.js': lines(20, 'const b') });
    expect(opened.baseSha).toBe(family.baseCommit);
    const head = await kit.push('feature/kit', { 'src/other.js': 'x\n' });
    const writesBefore = kit.writes();

    // The bot comments through the provider's API path, as the service would; a person replies.
    const response = await fetch(
      `${twin.baseUrl}/rest/api/1.0/projects/SHOP/repos/website/pull-requests/${opened.number}/comments`,
      {
        method: 'POST',
        headers: { authorization: 'Bearer bbdc-kit-good', 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'A finding' }),
      },
    );
    const root = (await response.json()) as { id: number };
    expect(kit.writes()).toBe(writesBefore + 1);
    await kit.reply(opened.number, String(root.id), 'reader', '/fp not reachable');
    expect(kit.writes()).toBe(writesBefore + 1);

    const threads = await kit.threads(opened.number);
    expect(threads).toEqual([
      expect.objectContaining({
        id: String(root.id),
        author: kit.botLogin,
        resolved: false,
        replies: [{ author: 'rita', body: '/fp not reachable' }],
      }),
    ]);
    const delivered = twin.deliveries.filter((d) => d.eventKey === 'pr:comment:added');
    expect(delivered.length).toBeGreaterThanOrEqual(2);
    expect(delivered.every((d) => d.url.includes('/webhooks/bitbucket-data-center/'))).toBe(true);
    expect(delivered.map((d) => d.status)).toEqual(delivered.map(() => 202));
    expect(await kit.status(opened.number, head)).toBeUndefined();

    await kit.close(opened.number, true);
    expect(twin.deliveries.some((d) => d.eventKey === 'pr:merged' && d.status === 202)).toBe(true);
  }, 60_000);
});
