import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseUnifiedDiff } from '../../src/scm/bitbucket-cloud/diff-parse.js';
import { bitbucketCloudHookEvents } from '../../src/scm/bitbucket-cloud/hooks.js';
import { createBitbucketCloudProvider } from '../../src/scm/bitbucket-cloud/index.js';
import { bitbucketCloudWebhookReceiver } from '../../src/scm/bitbucket-cloud/webhooks.js';
import type { ConnectionSettings } from '../../src/scm/connection-settings.js';
import { ScmError } from '../../src/scm/errors.js';
import type { PullRequestCommenter, PullRequestRef, ScmComment } from '../../src/scm/provider.js';
import { bitbucketCloudPullRequestKit } from '../comments/kits/bitbucket-cloud.js';
import { startFamilies, type FamiliesWorld } from '../findings/scan-families.js';
import { closedPort, createTestProviderDeps, rejectionOf } from '../helpers/scm-http.js';
import {
  arrangeCommentPullRequest,
  commentApiTokenScopes,
  type CommentPullRequestFixture,
} from '../twins/bitbucket-cloud/comment-fixture.js';
import {
  demoBitbucketCloudScenario,
  startBitbucketCloudTwin,
  type BitbucketCloudTwin,
} from '../twins/bitbucket-cloud/index.js';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

const scmError = (error: unknown): ScmError => {
  expect(error).toBeInstanceOf(ScmError);
  return error as ScmError;
};

describe('Bitbucket Cloud diff parsing', () => {
  it.each([
    {
      name: 'a modified file with two hunks',
      diff: [
        'diff --git a/src/a.py b/src/a.py',
        'index 1111111..2222222 100644',
        '--- a/src/a.py',
        '+++ b/src/a.py',
        '@@ -1,4 +1,5 @@',
        ' one',
        '+new',
        ' two',
        ' three',
        ' four',
        '@@ -20,3 +21,3 @@ def f():',
        ' x',
        '-y',
        '+z',
        ' w',
      ],
      files: [
        {
          path: 'src/a.py',
          commentable: [
            { start: 1, end: 5 },
            { start: 21, end: 23 },
          ],
        },
      ],
    },
    {
      name: 'an added file, and a deleted one left out',
      diff: [
        'diff --git a/new.txt b/new.txt',
        'new file mode 100644',
        '--- /dev/null',
        '+++ b/new.txt',
        '@@ -0,0 +1,2 @@',
        '+a',
        '+b',
        'diff --git a/gone.txt b/gone.txt',
        'deleted file mode 100644',
        '--- a/gone.txt',
        '+++ /dev/null',
        '@@ -1 +0,0 @@',
        '-a',
      ],
      files: [{ path: 'new.txt', commentable: [{ start: 1, end: 2 }] }],
    },
    {
      name: 'a pure rename (no hunks) under its new path',
      diff: [
        'diff --git a/old name.md b/docs/new name.md',
        'similarity index 100%',
        'rename from old name.md',
        'rename to docs/new name.md',
      ],
      files: [{ path: 'docs/new name.md', commentable: [] }],
    },
    {
      name: 'content lines that look like headers, and a missing final newline',
      diff: [
        'diff --git a/x.diff b/x.diff',
        '--- a/x.diff',
        '+++ b/x.diff',
        '@@ -1,2 +1,3 @@',
        '--- a/old',
        '++++ b/new',
        '+diff --git a/y b/y',
        ' @@ -1 +1 @@',
        '\\ No newline at end of file',
      ],
      files: [{ path: 'x.diff', commentable: [{ start: 1, end: 3 }] }],
    },
    {
      name: 'a C-quoted path',
      diff: [
        'diff --git "a/caf\\303\\251.txt" "b/caf\\303\\251.txt"',
        '--- "a/caf\\303\\251.txt"',
        '+++ "b/caf\\303\\251.txt"',
        '@@ -3 +3 @@',
        '-a',
        '+b',
      ],
      files: [{ path: 'café.txt', commentable: [{ start: 3, end: 3 }] }],
    },
  ])('$name', ({ diff, files }) => {
    expect(parseUnifiedDiff(`${diff.join('\n')}\n`)).toEqual(files);
  });
});

describe('Bitbucket Cloud pull request comments on the twin', () => {
  let twin: BitbucketCloudTwin;
  let deps: ReturnType<typeof createTestProviderDeps>;
  let fixture: CommentPullRequestFixture;
  let pr: PullRequestRef;
  const provider = (overrides: Partial<ConnectionSettings> = {}) =>
    createBitbucketCloudProvider(
      {
        kind: 'bitbucket-cloud',
        baseUrl: new URL(twin.url),
        target: 'acme',
        token: 'bbwat-demo-full',
        ...overrides,
      },
      deps,
    );
  const viaToken = () => provider().comments!;
  const viaApiToken = () => provider({ email: 'alice@example.com', token: 'ATATT-comments-alice' }).comments!;
  const twinComments = () => twin.pullRequest('acme', 'website', pr.number).comments;

  beforeAll(async () => {
    const demo = demoBitbucketCloudScenario();
    const [acme, ...others] = demo.workspaces;
    const port = await closedPort();
    twin = await startBitbucketCloudTwin({
      ...demo,
      workspaces: [
        {
          ...acme!,
          hooks: [{ url: `http://127.0.0.1:${port}/hook`, events: [...bitbucketCloudHookEvents] }],
        },
        ...others,
      ],
    });
    twin.addApiToken({
      email: 'alice@example.com',
      token: 'ATATT-comments-alice',
      scopes: commentApiTokenScopes,
    });
    deps = createTestProviderDeps();
    fixture = arrangeCommentPullRequest(twin);
    pr = fixture.ref;
  });
  afterAll(async () => {
    await deps.close();
    await twin.close();
  });

  it('creates, lists, edits and deletes a summary comment as the access token', async () => {
    const commenter = viaToken();
    const me = await commenter.identity();
    const created = await commenter.createComment(pr, 'Summary');
    expect(created.author.id).toBe(me.id);
    const listed = (await collect(commenter.listComments(pr))).filter((c) => c.id === created.id);
    expect(listed.map((c) => [c.body, c.author.id, c.position, c.replyCount])).toEqual([
      ['Summary', me.id, undefined, 0],
    ]);
    expect((await commenter.updateComment(pr, created, 'Summary 2')).body).toBe('Summary 2');
    expect(twinComments().find((c) => c.id === Number(created.id))?.raw).toBe('Summary 2');
    await commenter.deleteComment(pr, created);
    await commenter.deleteComment(pr, created);
    expect((await collect(commenter.listComments(pr))).map((c) => c.id)).not.toContain(created.id);
  });

  it('knows the access token’s comments in a new instance by their marker, not a person’s with one', async () => {
    const format = viaToken().format;
    const marker = format.hiddenMarker('scm-connect:finding:abc');
    const written = await viaToken().createComment(pr, `Finding${marker}`);
    const bob = [...twin.state.users.values()].find((u) => u.nickname === 'bob')!;
    const copied = twin.state.addComment(
      twin.pullRequest('acme', 'website', pr.number),
      bob,
      `Quoting${marker}`,
    );
    const fresh = viaToken();
    const me = await fresh.identity();
    const listed = await collect(fresh.listComments(pr));
    expect(listed.find((c) => c.id === written.id)?.author.id).toBe(me.id);
    expect(listed.find((c) => c.id === String(copied.id))?.author).toEqual({ id: bob.uuid, login: 'bob' });
    expect(marker).toBe('\n\n[//]: # (scm-connect:finding:abc)');
    expect(format.hiddenMarker('a (b) "c"')).toBe(`\n\n[//]: # 'a (b) "c"'`);
    expect(
      scmError(await rejectionOf(Promise.resolve().then(() => format.hiddenMarker('two\nlines')))).code,
    ).toBe('invalid_marker');
  });

  it('reads the diff through the redirect: state, full head and base, commentable lines', async () => {
    const diff = await viaToken().pullRequestDiff(pr);
    const website = twin.repository('acme', 'website');
    expect(diff.state).toBe('open');
    expect(diff.headSha).toBe(website.branches.get('feature/scan')!.hash);
    expect(diff.baseSha).toBe(website.branches.get('main')!.hash);
    expect(diff.files).toEqual([
      { path: 'src/app.py', commentable: [{ start: 17, end: 23 }] },
      { path: 'src/new.py', commentable: [{ start: 1, end: 1 }] },
    ]);
    expect(twin.log.some((r) => r.path.includes('/diff/') && r.status === 200)).toBe(true);
  });

  it('reads renamed, deleted and twice-changed files from a real twin diff', async () => {
    const many = Array.from({ length: 40 }, (_, i) => `v${i + 1}`);
    twin.push('acme', 'website', 'main', {
      'docs/guide.md': 'Guide\n',
      'old.txt': 'gone soon\n',
      'long.txt': `${many.join('\n')}\n`,
    });
    const website = twin.repository('acme', 'website');
    twin.push('acme', 'website', 'feature/shapes');
    const branch = website.branches.get('feature/shapes')!;
    twin.state.commit(website, 'feature/shapes', (files) => {
      files.delete('docs/guide.md');
      files.set('docs/handbook.md', 'Guide\n');
      files.delete('old.txt');
      files.set('long.txt', `${many.map((v, i) => (i === 1 || i === 34 ? `${v}!` : v)).join('\n')}\n`);
    });
    expect(branch.files.has('docs/handbook.md')).toBe(true);
    const opened = twin.openPullRequest('acme', 'website', { source: 'feature/shapes' });
    const diff = await viaToken().pullRequestDiff({ ...pr, number: opened.id });
    expect(diff.files).toEqual([
      { path: 'docs/handbook.md', commentable: [] },
      {
        path: 'long.txt',
        commentable: [
          { start: 1, end: 5 },
          { start: 32, end: 38 },
        ],
      },
    ]);
  });

  it('places an inline comment and a range on the diff, and refuses lines outside it without posting', async () => {
    const commenter = viaToken();
    const before = twinComments().length;
    const offDiff = { ...fixture.inline, line: fixture.offDiffLine };
    const refusal = scmError(await rejectionOf(commenter.createInlineComment!(pr, offDiff, 'Off')));
    expect([refusal.kind, refusal.code]).toEqual(['invalid', 'line_not_in_diff']);
    const across = { ...fixture.inline, startLine: 10, line: 20 };
    expect(scmError(await rejectionOf(commenter.createInlineComment!(pr, across, 'Across'))).code).toBe(
      'line_not_in_diff',
    );
    const stale = { ...fixture.inline, commitSha: 'a'.repeat(40) };
    expect(scmError(await rejectionOf(commenter.createInlineComment!(pr, stale, 'Stale'))).code).toBe(
      'line_not_in_diff',
    );
    expect(twinComments().length).toBe(before);

    const range = await commenter.createInlineComment!(pr, { ...fixture.inline, startLine: 18 }, 'Range');
    expect(range.position).toMatchObject({ path: 'src/app.py', line: 20, startLine: 18 });
    expect(twinComments().at(-1)?.inline).toEqual({ path: 'src/app.py', to: 20, from: null, startTo: 18 });
    const listed = (await collect(commenter.listInlineComments!(pr))).find((c) => c.id === range.id);
    expect(listed).toMatchObject({ replyCount: 0, resolved: false, position: { line: 20, startLine: 18 } });
  });

  it('counts replies (nested ones too), resolves and reopens a thread idempotently', async () => {
    const commenter = viaToken();
    const root = await commenter.createInlineComment!(pr, fixture.inline, 'Finding');
    const reply = await commenter.replyToComment(pr, root, 'Confirmed.');
    expect(reply.threadId).toBe(root.id);
    await commenter.replyToComment(pr, reply, 'Nested.');
    const rootOf = async (): Promise<ScmComment | undefined> =>
      (await collect(commenter.listInlineComments!(pr))).find((c) => c.id === root.id);
    expect((await rootOf())?.replyCount).toBe(2);
    expect((await collect(commenter.listInlineComments!(pr))).map((c) => c.id)).not.toContain(reply.id);
    expect((await collect(commenter.listComments(pr))).map((c) => c.id)).not.toContain(reply.id);

    await commenter.resolveComment!(pr, root, true);
    await commenter.resolveComment!(pr, root, true);
    expect((await rootOf())?.resolved).toBe(true);
    await commenter.resolveComment!(pr, root, false);
    await commenter.resolveComment!(pr, root, false);
    expect((await rootOf())?.resolved).toBe(false);
  });

  it('batches inline comments on one diff read, in order', async () => {
    const commenter = viaToken();
    const diffReads = twin.count('/2.0/repositories/acme/website/pullrequests/', 'GET');
    const batch = await commenter.createInlineComments!(pr, [
      { position: fixture.inline, body: 'one' },
      { position: { ...fixture.inline, path: 'src/new.py', line: 1 }, body: 'two' },
    ]);
    expect(batch.map((c) => [c.body, c.position?.path])).toEqual([
      ['one', 'src/app.py'],
      ['two', 'src/new.py'],
    ]);
    expect(twin.count('/2.0/repositories/acme/website/pullrequests/', 'GET') - diffReads).toBe(2);
  });

  it('sets its build status twice on the head: one status, the last state, tied to the source branch', async () => {
    const commenter = viaToken();
    const status = {
      commitSha: fixture.inline.commitSha,
      description: '1 blocking',
      targetUrl: 'https://s.example/x',
    };
    await commenter.setCommitStatus(pr, { ...status, state: 'pending' });
    await commenter.setCommitStatus(pr, { ...status, state: 'failure' });
    const statuses = twin.repository('acme', 'website').statuses.get(fixture.inline.commitSha)!;
    expect([...statuses.values()].map((s) => [s.key, s.state, s.refname, s.url])).toEqual([
      ['scm-connect', 'FAILED', 'feature/scan', 'https://s.example/x'],
    ]);
  });

  it('tells write access from the effective repository permission, with an API token of an admin', async () => {
    const commenter: PullRequestCommenter = viaApiToken();
    expect(await commenter.canWrite(pr.repository, fixture.people.writer)).toBe(true);
    expect(await commenter.canWrite(pr.repository, fixture.people.reader)).toBe(false);
    const alice = [...twin.state.users.values()].find((u) => u.nickname === 'alice')!;
    expect(await commenter.canWrite(pr.repository, { id: alice.uuid, login: 'alice' })).toBe(true);
    const bobsToken = { email: 'bob@example.com', token: 'ATATT-comments-bob' };
    twin.addApiToken({ ...bobsToken, scopes: commentApiTokenScopes });
    const notAdmin = scmError(
      await rejectionOf(provider(bobsToken).comments!.canWrite(pr.repository, fixture.people.reader)),
    );
    expect([notAdmin.kind, notAdmin.status]).toEqual(['forbidden', 403]);
  });

  it('refuses to guess write access with an access token, which Bitbucket never shows permissions', async () => {
    const refusal = scmError(await rejectionOf(viaToken().canWrite(pr.repository, fixture.people.writer)));
    expect([refusal.kind, refusal.code]).toEqual(['forbidden', 'permissions_not_offered']);
    expect(refusal.fix).toMatch(/API token/);
  });

  it('reads the twin’s comment, reply, merged and declined deliveries as normalized events', async () => {
    await twin.idle();
    const sent = twin.deliveries.length;
    const commenter = viaApiToken();
    const root = await commenter.createComment(pr, 'Hello');
    await commenter.replyToComment(pr, root, '/fp test code');
    const other = twin.openPullRequest('acme', 'website', {
      source: 'feature/other',
      files: { 'b.txt': 'b\n' },
    });
    twin.closePullRequest('acme', 'website', other.id, true);
    const third = twin.openPullRequest('acme', 'website', {
      source: 'feature/third',
      files: { 'c.txt': 'c\n' },
    });
    twin.closePullRequest('acme', 'website', third.id, false);
    await twin.idle();
    const parsed = twin.deliveries
      .slice(sent)
      .filter((d) => d.eventKey !== 'repo:push')
      .map((d) => bitbucketCloudWebhookReceiver.parse({ event: d.eventKey, body: d.body }));
    const events = parsed.flatMap((p) => p.events);
    const website = twin.repository('acme', 'website');
    const alice = [...twin.state.users.values()].find((u) => u.nickname === 'alice')!;
    const repository = expect.objectContaining({ externalId: website.uuid, fullName: 'acme/website' });
    expect(events).toEqual([
      {
        type: 'pull-request.comment',
        repository,
        pullRequest: pr.number,
        comment: { id: root.id, body: 'Hello' },
        author: { externalId: alice.uuid, login: 'alice' },
      },
      {
        type: 'pull-request.comment',
        repository,
        pullRequest: pr.number,
        comment: { id: expect.any(String), threadId: root.id, body: '/fp test code' },
        author: { externalId: alice.uuid, login: 'alice' },
        inReplyTo: { id: root.id },
      },
      { type: 'pull-request.closed', repository, pullRequest: other.id, merged: true },
      { type: 'pull-request.closed', repository, pullRequest: third.id, merged: false },
    ]);
    expect(parsed.map((p) => p.ignored)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('reports in Test connection whether the token can comment, naming the scope it lacks', async () => {
    const rowOf = async (token: string) =>
      (await provider({ token }).testConnection()).capabilities.find(
        (row) => row.id === 'comment-on-pull-requests',
      );
    expect(await rowOf('bbwat-demo-full')).toMatchObject({
      status: 'ok',
      message: expect.stringContaining('API token'),
    });
    expect(await rowOf('bbwat-demo-read')).toMatchObject({
      status: 'warn',
      fix: expect.stringContaining('`pullrequest`'),
    });
    twin.addAccessToken({
      value: 'bbwat-hooks-no-pr',
      kind: 'workspace',
      workspace: 'acme',
      scopes: ['repository', 'webhook', 'account'],
    });
    const report = await provider({ token: 'bbwat-hooks-no-pr' }).testConnection();
    const rows = Object.fromEntries(report.capabilities.map((row) => [row.id, row]));
    expect(rows['comment-on-pull-requests']).toMatchObject({
      status: 'warn',
      fix: expect.stringContaining('`pullrequest`'),
    });
    expect(rows['receive-webhooks']).toMatchObject({
      status: 'warn',
      fix: expect.stringContaining('`pullrequest`'),
    });
    const registering = scmError(
      await rejectionOf(
        provider({ token: 'bbwat-hooks-no-pr' }).webhooks!.registerHook({
          url: 'https://x.example/h',
          secret: 'secret-1',
        }),
      ),
    );
    expect(registering.message).toContain('`pullrequest`');
  });

  it('registers its workspace hook for the pull request events too', async () => {
    const hooks = provider().webhooks!;
    const registered = await hooks.registerHook({
      url: 'https://scm-connect.example/webhooks/bb/1',
      secret: 's3cret-value',
    });
    const hook = twin.workspace('acme').hooks.find((h) => registered.hookIds.includes(h.uuid))!;
    expect(hook.events).toEqual(
      expect.arrayContaining([
        'pullrequest:comment_created',
        'pullrequest:fulfilled',
        'pullrequest:rejected',
        'repo:push',
      ]),
    );
  });
});

describe('Bitbucket Cloud pull request kit', () => {
  let world: FamiliesWorld;

  beforeAll(async () => {
    world = await startFamilies({ 'src/app.py': 'print("hello")\n' });
  }, 120_000);
  afterAll(async () => {
    await world?.close();
  });

  it('opens a pull request, pushes, and a reply reaches the service as a comment delivery', async () => {
    const family = world.families['bitbucket-cloud'];
    const kit = await bitbucketCloudPullRequestKit(world, family);
    const opened = await kit.openPullRequest('feature/kit', { 'src/app.py': 'print("hello")\nx = 1\n' });
    expect(opened.baseSha).toBe(family.baseCommit);
    const head = await kit.push('feature/kit', { 'src/more.py': 'y = 2\n' });
    expect(head).not.toBe(opened.headSha);

    const twin = family.twin as BitbucketCloudTwin;
    // The connection's own comment, as the service would have posted it.
    const root = twin.state.addComment(
      twin.pullRequest('acme', 'website', opened.number),
      twin.state.accessTokens.get('bbwat-kit-good')!.actor,
      'A finding',
    );
    const writesBefore = kit.writes();
    await kit.reply(opened.number, String(root.id), 'writer', '/fp test fixture');
    await kit.reply(opened.number, String(root.id), 'reader', '/open');
    expect(kit.writes(), 'people’s replies are not the connection’s writes').toBe(writesBefore);

    const threads = await kit.threads(opened.number);
    expect(threads).toEqual([
      {
        id: String(root.id),
        body: 'A finding',
        author: kit.botLogin,
        resolved: false,
        replies: [
          { author: 'wendy', body: '/fp test fixture' },
          { author: 'rita', body: '/open' },
        ],
      },
    ]);
    const delivered = twin.deliveries.filter((d) => d.eventKey === 'pullrequest:comment_created');
    expect(delivered.length).toBe(2);
    expect(
      delivered.every((d) => d.status >= 200 && d.status < 300),
      'the service accepted them',
    ).toBe(true);
    expect(delivered[0]!.url).toContain('/webhooks/bitbucket-cloud');

    await kit.close(opened.number, true);
    const closed = twin.deliveries.filter((d) => d.eventKey === 'pullrequest:fulfilled');
    expect(closed.map((d) => d.status >= 200 && d.status < 300)).toEqual([true]);
    expect(await kit.status(opened.number, head)).toBeUndefined();
  }, 60_000);
});
