import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isScmError, ScmError } from '../../src/scm/errors.js';
import { gitlabCommentFormat } from '../../src/scm/gitlab/comment-format.js';
import { createGitLabProvider } from '../../src/scm/gitlab/index.js';
import { gitlabWebhookReceiver } from '../../src/scm/gitlab/webhooks.js';
import type { PullRequestCommenter, PullRequestRef } from '../../src/scm/provider.js';
import type { ParsedDelivery } from '../../src/scm/webhook-receiver.js';
import { gitlabPullRequestKit } from '../comments/kits/gitlab.js';
import { collect } from '../contract/provider-contract.js';
import { startFamilies, type FamiliesWorld } from '../findings/scan-families.js';
import { createTestProviderDeps, rejectionOf } from '../helpers/scm-http.js';
import { demoGitLabScenario, startGitLabTwin, type GitLabTwin } from '../twins/gitlab/index.js';
import { startHookReceiver, type HookReceiver } from './hook-receiver.js';

const secret = 'gitlab-comment-hook-secret';
const numbered = (count: number, name = 'line') =>
  Array.from({ length: count }, (_, i) => `${name} ${i + 1}`).join('\n') + '\n';
const replaceLine = (text: string, line: number, by: string) =>
  text
    .split('\n')
    .map((content, index) => (index === line - 1 ? by : content))
    .join('\n');

const scmError = (error: unknown): ScmError => {
  expect(error).toBeInstanceOf(ScmError);
  return error as ScmError;
};

describe('GitLab comment format', () => {
  const at = { path: 'a.ts', line: 24, commitSha: 'a'.repeat(40) };

  it('hides a marker in an HTML comment and refuses one that would end it', () => {
    expect(gitlabCommentFormat.hiddenMarker('scm-connect:finding:abc')).toBe(
      '<!-- scm-connect:finding:abc -->',
    );
    expect(() => gitlabCommentFormat.hiddenMarker('x --> y')).toThrow(ScmError);
    expect(gitlabCommentFormat.maxBodyLength).toBe(1_000_000);
  });

  it('offers suggestions for one line and for a range ending on the commented line', () => {
    expect(gitlabCommentFormat.suggestion!('fixed()', at)).toBe('```suggestion:-0+0\nfixed()\n```');
    expect(gitlabCommentFormat.suggestion!('a\nb\nc', { ...at, startLine: 22 })).toBe(
      '```suggestion:-2+0\na\nb\nc\n```',
    );
    expect(gitlabCommentFormat.suggestion!('x ``` y', at)).toBe('````suggestion:-0+0\nx ``` y\n````');
  });
});

describe('GitLab provider: merge request comments', () => {
  let twin: GitLabTwin;
  let receiver: HookReceiver;
  let commenter: PullRequestCommenter;
  const deps = createTestProviderDeps();
  const repository = { externalId: '1000', fullName: 'acme/website' };
  const edit = numbered(30);
  const renamed = numbered(10, 'renamed');

  /** `main` gets `base`, branch `branch` from it gets `changes` (null deletes), and a merge request opens. */
  function openMergeRequest(
    branch: string,
    base: Record<string, string>,
    changes: Record<string, string | null>,
  ): PullRequestRef {
    const project = twin.project('acme/website');
    const bob = twin.state.requireUser('bob');
    twin.state.commit(project, 'main', 'Base', bob, (files) => {
      for (const [path, content] of Object.entries(base)) files.set(path, content);
    });
    twin.state.commit(
      project,
      branch,
      'Change',
      bob,
      (files) => {
        for (const [path, content] of Object.entries(changes)) {
          if (content === null) files.delete(path);
          else files.set(path, content);
        }
      },
      project.branches.get('main'),
    );
    const mr = twin.state.openMergeRequest(project, {
      title: branch,
      author: bob,
      source: branch,
      target: 'main',
    });
    return { repository, number: mr.iid };
  }

  const head = (pr: PullRequestRef) => twin.mergeRequest('acme/website', pr.number).diffRefs.headSha;
  let pr: PullRequestRef;

  beforeAll(async () => {
    twin = await startGitLabTwin(demoGitLabScenario());
    receiver = await startHookReceiver({ tls: true });
    const provider = createGitLabProvider(
      {
        kind: 'gitlab-self-managed',
        baseUrl: new URL(twin.url),
        target: 'acme',
        token: 'glpat-demo-alice-api',
      },
      deps,
    );
    expect(provider.capabilities).toMatchObject({ comments: true, inlineComments: true });
    commenter = provider.comments!;
    await provider.webhooks!.registerHook({ url: receiver.url, secret });
    pr = openMergeRequest(
      'feature/diff',
      { 'edit.ts': edit, 'old-name.ts': renamed, 'gone.ts': 'bye\n', 'keep.txt': 'same\n' },
      {
        'edit.ts': replaceLine(replaceLine(edit, 3, 'changed 3'), 25, 'changed 25'),
        'old-name.ts': null,
        'new-name.ts': replaceLine(renamed, 10, 'renamed 10!'),
        'gone.ts': null,
        'added.ts': 'one\ntwo\nthree\n',
      },
    );
  });
  afterAll(async () => {
    await twin.idle();
    await deps.close();
    await receiver.close();
    await twin.close();
  });

  it('reads the diff: added, changed in two hunks, renamed; deleted and untouched files left out', async () => {
    const mr = twin.mergeRequest('acme/website', pr.number);
    expect(await commenter.pullRequestDiff(pr)).toEqual({
      headSha: mr.diffRefs.headSha,
      baseSha: mr.diffRefs.baseSha,
      state: 'open',
      files: [
        { path: 'added.ts', commentable: [{ start: 1, end: 3 }] },
        {
          path: 'edit.ts',
          commentable: [
            { start: 1, end: 6 },
            { start: 22, end: 28 },
          ],
        },
        { path: 'new-name.ts', commentable: [{ start: 7, end: 10 }] },
      ],
    });
  });

  it('places inline comments on added and unchanged lines (with old_line), and a range', async () => {
    const added = await commenter.createInlineComment!(
      pr,
      { path: 'edit.ts', line: 3, commitSha: head(pr) },
      'on 3',
    );
    const context = await commenter.createInlineComment!(
      pr,
      { path: 'new-name.ts', line: 8, commitSha: head(pr) },
      'on 8',
    );
    const range = await commenter.createInlineComment!(
      pr,
      { path: 'edit.ts', line: 24, startLine: 22, commitSha: head(pr) },
      'on 22-24',
    );
    const stored = (id: string) =>
      twin
        .mergeRequest('acme/website', pr.number)
        .discussions.flatMap((d) => d.notes)
        .find((n) => String(n.id) === id)!.position!;
    expect(stored(added.id)).toMatchObject({
      new_path: 'edit.ts',
      old_path: 'edit.ts',
      new_line: 3,
      old_line: null,
    });
    expect(stored(context.id)).toMatchObject({
      new_path: 'new-name.ts',
      old_path: 'old-name.ts',
      new_line: 8,
      old_line: 8,
    });
    expect(stored(range.id)).toMatchObject({
      new_line: 24,
      line_range: { start: { type: 'new' }, end: { type: 'new' } },
    });

    const listed = await collect(commenter.listInlineComments!(pr));
    const byId = (id: string) => listed.find((c) => c.id === id);
    expect(byId(added.id)).toMatchObject({
      threadId: added.threadId,
      replyCount: 0,
      resolved: false,
      position: { path: 'edit.ts', line: 3 },
    });
    expect(byId(range.id)?.position).toEqual({
      path: 'edit.ts',
      line: 24,
      startLine: 22,
      commitSha: head(pr),
    });
    expect((await collect(commenter.listComments(pr))).map((c) => c.id)).not.toContain(added.id);
  });

  it('refuses a line outside the diff, a file not in it and a stale head before writing', async () => {
    const before = twin.count('/api/v4/projects/1000/merge_requests', 'POST');
    for (const position of [
      { path: 'edit.ts', line: 12, commitSha: head(pr) },
      { path: 'keep.txt', line: 1, commitSha: head(pr) },
      { path: 'edit.ts', line: 24, startLine: 12, commitSha: head(pr) },
      { path: 'edit.ts', line: 3, commitSha: 'f'.repeat(40) },
    ]) {
      const error = scmError(await rejectionOf(commenter.createInlineComment!(pr, position, 'x')));
      expect([error.kind, error.code]).toEqual(['invalid', 'line_not_in_diff']);
    }
    const batch = commenter.createInlineComments!(pr, [
      { position: { path: 'edit.ts', line: 3, commitSha: head(pr) }, body: 'fine' },
      { position: { path: 'edit.ts', line: 12, commitSha: head(pr) }, body: 'off' },
    ]);
    expect(scmError(await rejectionOf(batch)).code).toBe('line_not_in_diff');
    expect(twin.count('/api/v4/projects/1000/merge_requests', 'POST')).toBe(before);
  });

  it('twin: refuses a position GitLab cannot place with its 400', async () => {
    const refs = twin.mergeRequest('acme/website', pr.number).diffRefs;
    const response = await fetch(`${twin.apiUrl}/projects/1000/merge_requests/${pr.number}/discussions`, {
      method: 'POST',
      headers: { 'private-token': 'glpat-demo-alice-api', 'content-type': 'application/json' },
      body: JSON.stringify({
        body: 'x',
        // An unchanged line needs its old_line too.
        position: {
          position_type: 'text',
          base_sha: refs.baseSha,
          start_sha: refs.startSha,
          head_sha: refs.headSha,
          new_path: 'edit.ts',
          old_path: 'edit.ts',
          new_line: 4,
        },
      }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      message: '400 Bad request - Note {:line_code=>["can\'t be blank", "must be a valid line code"]}',
    });
  });

  it('creates a batch of inline comments in order, reading the diff once', async () => {
    const before = twin.count(`/api/v4/projects/1000/merge_requests/${pr.number}/diffs`);
    const batch = await commenter.createInlineComments!(pr, [
      { position: { path: 'added.ts', line: 1, commitSha: head(pr) }, body: 'first' },
      { position: { path: 'added.ts', line: 2, commitSha: head(pr) }, body: 'second' },
    ]);
    expect(batch.map((c) => [c.body, c.position?.line])).toEqual([
      ['first', 1],
      ['second', 2],
    ]);
    expect(twin.count(`/api/v4/projects/1000/merge_requests/${pr.number}/diffs`)).toBe(before + 1);
  });

  it('summary comments: create, list (system notes left out), edit, reply, delete twice', async () => {
    const mr = twin.mergeRequest('acme/website', pr.number);
    twin.state.addNote(mr, twin.state.requireUser('bob'), 'changed the description', { system: true });
    const created = await commenter.createComment(pr, 'Summary <!-- scm-connect:summary -->');
    expect(created).toMatchObject({
      author: { id: '11', login: 'alice' },
      webUrl: `${twin.url}/acme/website/-/merge_requests/${pr.number}#note_${created.id}`,
    });
    let listed = await collect(commenter.listComments(pr));
    expect(listed.map((c) => c.body)).toEqual(['Summary <!-- scm-connect:summary -->']);
    expect(listed[0]).toMatchObject({ id: created.id, replyCount: 0 });
    expect(listed[0]!.threadId).toBeTruthy();
    expect(listed[0]!.resolved).toBeUndefined();

    const updated = await commenter.updateComment(pr, created, 'Summary v2');
    expect([updated.id, updated.body]).toEqual([created.id, 'Summary v2']);
    const reply = await commenter.replyToComment(pr, created, 'Confirmed.');
    expect(reply.threadId).toBe(listed[0]!.threadId);
    listed = await collect(commenter.listComments(pr));
    expect(listed.map((c) => [c.body, c.replyCount])).toEqual([['Summary v2', 1]]);
    expect(listed.map((c) => c.id)).not.toContain(reply.id);

    await commenter.deleteComment(pr, reply);
    await commenter.deleteComment(pr, created);
    await commenter.deleteComment(pr, created);
    expect(await collect(commenter.listComments(pr))).toEqual([]);
  });

  it('resolves and reopens a diff thread', async () => {
    const [root] = await collect(commenter.listInlineComments!(pr));
    await commenter.resolveComment!(pr, root!, true);
    const discussion = twin
      .mergeRequest('acme/website', pr.number)
      .discussions.find((d) => d.id === root!.threadId)!;
    expect(discussion.resolvedById).toBe(11);
    expect((await collect(commenter.listInlineComments!(pr)))[0]!.resolved).toBe(true);
    await commenter.resolveComment!(pr, { id: root!.id }, false);
    expect(discussion.resolvedAt).toBeNull();
    expect((await collect(commenter.listInlineComments!(pr)))[0]!.resolved).toBe(false);
  });

  it('sets its commit status: pending twice is accepted, and a second run leaves one status', async () => {
    const sha = head(pr);
    const status = { commitSha: sha, description: '2 findings', targetUrl: 'https://scm.example/s/1' };
    await commenter.setCommitStatus(pr, { ...status, state: 'pending' });
    await commenter.setCommitStatus(pr, { ...status, state: 'pending' });
    await commenter.setCommitStatus(pr, { ...status, state: 'failure' });
    await commenter.setCommitStatus(pr, { ...status, state: 'success', description: 'No findings' });
    const response = await fetch(`${twin.apiUrl}/projects/1000/repository/commits/${sha}/statuses`, {
      headers: { 'private-token': 'glpat-demo-alice-api' },
    });
    expect(await response.json()).toEqual([
      expect.objectContaining({
        name: 'scm-connect',
        status: 'success',
        description: 'No findings',
        target_url: status.targetUrl,
      }),
    ]);
    const all = twin.project('acme/website').statuses.filter((s) => s.sha === sha);
    expect(all.map((s) => [s.status, s.retried])).toEqual([
      ['failed', true],
      ['success', false],
    ]);
  });

  it('tells who may write: Owner and Developer yes, Reporter and outsiders no', async () => {
    const people = [
      ['11', 'alice', true],
      ['12', 'bob', true],
      ['13', 'carol', false],
      ['14', 'dave', false],
    ] as const;
    for (const [id, login, may] of people)
      expect(await commenter.canWrite(repository, { id, login })).toBe(may);
    expect(isScmError(await rejectionOf(commenter.canWrite(repository, { id: 'bob', login: 'bob' })))).toBe(
      true,
    );
  });

  describe('webhooks', () => {
    const parsedFrom = (event: string, since: number): ParsedDelivery[] => {
      const mine = twin.deliveries.slice(since).filter((d) => d.url === receiver.url && d.event === event);
      return mine.map((delivery) => {
        const arrived = receiver.received.find(
          (r) => r.headers.get('x-gitlab-event-uuid')?.[0] === delivery.headers['x-gitlab-event-uuid'],
        )!;
        expect(gitlabWebhookReceiver.verify(arrived, { secret, signingSecret: null })).toEqual({ ok: true });
        const identity = gitlabWebhookReceiver.identify(arrived);
        return gitlabWebhookReceiver.parse({ event: identity.event, body: arrived.rawBody.toString('utf8') });
      });
    };

    it('a reply in a thread and a standalone comment become pull-request.comment events', async () => {
      const since = twin.deliveries.length;
      const summary = await commenter.createComment(pr, 'A standalone note');
      const [root] = await collect(commenter.listInlineComments!(pr));
      const response = await fetch(
        `${twin.apiUrl}/projects/1000/merge_requests/${pr.number}/discussions/${root!.threadId}/notes`,
        {
          method: 'POST',
          headers: { 'private-token': 'glpat-demo-bob-api', 'content-type': 'application/json' },
          body: JSON.stringify({ body: '/fp test code' }),
        },
      );
      const reply = (await response.json()) as { id: number };
      await twin.idle();
      const events = parsedFrom('Note Hook', since).flatMap((p) => p.events);
      expect(events).toEqual([
        {
          type: 'pull-request.comment',
          repository: expect.objectContaining({
            externalId: '1000',
            fullName: 'acme/website',
            name: 'website',
          }),
          pullRequest: pr.number,
          comment: { id: summary.id, threadId: expect.any(String), body: 'A standalone note' },
          author: { externalId: '11', login: 'alice' },
        },
        {
          type: 'pull-request.comment',
          repository: expect.objectContaining({ externalId: '1000' }),
          pullRequest: pr.number,
          comment: { id: String(reply.id), threadId: root!.threadId, body: '/fp test code' },
          author: { externalId: '12', login: 'bob' },
          inReplyTo: { threadId: root!.threadId },
        },
      ]);
    });

    it('closed and merged merge requests become pull-request.closed; pushes to one are ignored', async () => {
      const closing = openMergeRequest('feature/close', {}, { 'c.txt': 'c\n' });
      const merging = openMergeRequest('feature/merge', {}, { 'm.txt': 'm\n' });
      const since = twin.deliveries.length;
      await twin.push('acme/website', 'feature/merge', 'More', { 'm.txt': 'mm\n' });
      await twin.closeMergeRequest('acme/website', closing.number, false);
      await twin.closeMergeRequest('acme/website', merging.number, true);
      await twin.idle();
      const parsed = parsedFrom('Merge Request Hook', since);
      expect(parsed[0]!.ignored).toMatch(/update/);
      expect(parsed.slice(1).map((p) => p.events)).toEqual([
        [
          {
            type: 'pull-request.closed',
            repository: expect.objectContaining({ externalId: '1000' }),
            pullRequest: closing.number,
            merged: false,
          },
        ],
        [
          {
            type: 'pull-request.closed',
            repository: expect.objectContaining({ externalId: '1000' }),
            pullRequest: merging.number,
            merged: true,
          },
        ],
      ]);
      expect((await commenter.pullRequestDiff(merging)).state).toBe('merged');
      expect((await commenter.pullRequestDiff(closing)).state).toBe('closed');
    });

    it('ignores system notes, notes on issues and edited notes', () => {
      const delivered = twin.deliveries.find((d) => d.url === receiver.url && d.event === 'Note Hook')!;
      const body = JSON.parse(delivered.body) as { object_attributes: Record<string, unknown> };
      const variant = (change: Record<string, unknown>) =>
        gitlabWebhookReceiver.parse({
          event: 'Note Hook',
          body: JSON.stringify({ ...body, object_attributes: { ...body.object_attributes, ...change } }),
        });
      expect(variant({ system: true }).events).toEqual([]);
      expect(variant({ noteable_type: 'Issue' }).events).toEqual([]);
      expect(variant({ action: 'update' }).events).toEqual([]);
      expect(variant({}).events).toHaveLength(1);
    });
  });
});

describe('GitLab pull request kit (smoke)', () => {
  let world: FamiliesWorld;

  beforeAll(async () => {
    world = await startFamilies({ 'src/app.ts': numbered(12, 'app') });
  }, 120_000);
  afterAll(async () => {
    await world?.close();
  });

  it('opens a merge request, pushes, and a reply is delivered to scm-connect', async () => {
    const family = world.families.gitlab;
    const twin = family.twin as GitLabTwin;
    const kit = await gitlabPullRequestKit(world, family);
    const opened = await kit.openPullRequest('feature/kit', {
      'src/app.ts': replaceLine(numbered(12, 'app'), 5, 'five'),
    });
    expect(opened.baseSha).toBe(family.baseCommit);
    const pushed = await kit.push('feature/kit', { 'src/new.ts': 'new\n' });
    expect(pushed).not.toBe(opened.headSha);
    expect(twin.mergeRequest('acme/website', opened.number).diffRefs.headSha).toBe(pushed);

    const writesBefore = kit.writes();
    // The connection's identity comments, as scm-connect would.
    const answer = await fetch(`${twin.apiUrl}/projects/1000/merge_requests/${opened.number}/notes`, {
      method: 'POST',
      headers: { 'private-token': 'glpat-kit-good-api', 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'Summary' }),
    });
    expect(answer.status).toBe(201);
    expect(kit.writes()).toBe(writesBefore + 1);
    const [thread] = await kit.threads(opened.number);
    expect(thread).toMatchObject({ author: kit.botLogin, body: 'Summary', resolved: false, replies: [] });

    const since = twin.deliveries.length;
    await kit.reply(opened.number, thread!.id, 'reader', '/fp not reachable');
    const delivered = twin.deliveries.slice(since).filter((d) => d.event === 'Note Hook');
    expect(delivered.length).toBeGreaterThan(0);
    expect(
      delivered.every((d) => d.url.includes('/webhooks/gitlab/') && d.status >= 200 && d.status < 300),
    ).toBe(true);
    expect((await kit.threads(opened.number))[0]!.replies).toEqual([
      { author: 'rita', body: '/fp not reachable' },
    ]);
    expect(await kit.status(opened.number, pushed)).toBeUndefined();

    const closing = twin.deliveries.length;
    await kit.close(opened.number, true);
    const closed = twin.deliveries.slice(closing).filter((d) => d.event === 'Merge Request Hook');
    expect(closed.map((d) => d.status >= 200 && d.status < 300)).toEqual([true]);
  });
});
