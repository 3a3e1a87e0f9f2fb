import { createHash } from 'node:crypto';
import { Gitlab, GitbeakerRequestError } from '@gitbeaker/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoGitLabScenario, startGitLabTwin, type GitLabScenario, type GitLabTwin } from './index.js';

/** Git's blob id of a text (`git hash-object`). */
const gitBlob = (text: string) => {
  const bytes = Buffer.from(text);
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
};

// Fidelity: the twin driven by GitLab's widely used client, @gitbeaker/rest.
describe('GitLab twin through @gitbeaker/rest', () => {
  let twin: GitLabTwin;
  const client = (token: string) => new Gitlab({ host: twin.url, token });

  beforeAll(async () => {
    const demo = demoGitLabScenario();
    const scenario: GitLabScenario = {
      ...demo,
      groups: [
        ...demo.groups,
        {
          id: 300,
          path: 'big',
          members: [{ user: 'alice', accessLevel: 40 }],
          generatedProjects: { count: 250 },
        },
      ],
    };
    twin = await startGitLabTwin(scenario);
  });
  afterAll(() => twin.close());

  it('shows a top-level group and a subgroup by URL-encoded full path', async () => {
    const api = client('glpat-demo-alice-api');
    const top = await api.Groups.show('acme');
    expect(top).toMatchObject({ id: 100, full_path: 'acme', parent_id: null });
    const sub = await api.Groups.show('acme/backend/services');
    expect(sub).toMatchObject({ id: 102, full_path: 'acme/backend/services', parent_id: 101 });
    expect(twin.log.at(-1)?.path).toBe('/api/v4/groups/acme%2Fbackend%2Fservices');
  });

  it('lists subgroups and descendant groups', async () => {
    const api = client('glpat-demo-alice-api');
    const subgroups = await api.Groups.allSubgroups('acme');
    expect(subgroups.map((g) => g.full_path)).toEqual(['acme/backend']);
    const descendants = await api.Groups.allDescendantGroups('acme', {});
    expect(descendants.map((g) => g.full_path).sort()).toEqual(['acme/backend', 'acme/backend/services']);
  });

  it('follows offset pagination across all projects of a group', async () => {
    const api = client('glpat-demo-alice-api');
    const before = twin.count('/api/v4/groups/big/projects');
    const projects = await api.Groups.allProjects('big', { perPage: 100 });
    expect(projects).toHaveLength(250);
    expect(new Set(projects.map((p) => p.id)).size).toBe(250);
    expect(twin.count('/api/v4/groups/big/projects') - before).toBe(3);
  });

  it('follows keyset pagination in id order', async () => {
    const api = client('glpat-demo-alice-api');
    const projects = await api.Groups.allProjects('big', {
      pagination: 'keyset',
      orderBy: 'id',
      sort: 'asc',
      perPage: 100,
    });
    const ids = projects.map((p) => p.id);
    expect(ids).toHaveLength(250);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  });

  it('includes subgroup projects and filters archived ones', async () => {
    const api = client('glpat-demo-alice-api');
    const all = await api.Groups.allProjects('acme', { includeSubgroups: true, archived: false });
    expect(all.map((p) => p.path_with_namespace).sort()).toEqual([
      'acme/backend/api',
      'acme/backend/services/billing',
      'acme/website',
    ]);
    const direct = await api.Groups.allProjects('acme');
    expect(direct.map((p) => p.path).sort()).toEqual(['legacy', 'website']);
  });

  it('lists effective members with inherited access levels', async () => {
    const api = client('glpat-demo-alice-api');
    const members = await api.GroupMembers.all('acme/backend/services', { includeInherited: true });
    const levels = Object.fromEntries(members.map((m) => [m.username, m.access_level]));
    expect(levels).toEqual({ alice: 50, bob: 30, carol: 40, group_100_bot_scm: 40 });
    const direct = await api.GroupMembers.all('acme/backend/services');
    expect(direct.map((m) => m.username)).toEqual(['carol']);
  });

  it('describes the token and its user', async () => {
    const api = client('glpat-demo-alice-readapi');
    const token = await api.PersonalAccessTokens.show();
    expect(token).toMatchObject({
      id: 1002,
      scopes: ['read_api'],
      active: true,
      revoked: false,
      user_id: 11,
    });
    const me = await api.Users.showCurrentUser();
    expect(me).toMatchObject({ id: 11, username: 'alice' });
  });

  it('shows a merge request with diff_refs and manages notes', async () => {
    const api = client('glpat-demo-bob-api');
    const mr = await api.MergeRequests.show('acme/website', 1);
    expect(mr.diff_refs).toEqual({
      base_sha: expect.stringMatching(/^[0-9a-f]{40}$/),
      head_sha: expect.stringMatching(/^[0-9a-f]{40}$/),
      start_sha: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    const note = await api.MergeRequestNotes.create('acme/website', 1, 'Scan summary <!-- scm-connect -->');
    expect(note).toMatchObject({ body: 'Scan summary <!-- scm-connect -->', author: { username: 'bob' } });
    const edited = await api.MergeRequestNotes.edit('acme/website', 1, note.id, { body: 'Updated summary' });
    expect(edited.body).toBe('Updated summary');
    const notes = await api.MergeRequestNotes.all('acme/website', 1);
    expect(notes.map((n) => n.body)).toEqual(['Updated summary', 'Looks good']);
    await api.MergeRequestNotes.remove('acme/website', 1, note.id);
    expect((await api.MergeRequestNotes.all('acme/website', 1)).map((n) => n.body)).toEqual(['Looks good']);
  });

  it('refuses to edit a note written by someone else', async () => {
    const [note] = await client('glpat-demo-alice-api').MergeRequestNotes.all('acme/website', 1);
    const edit = client('glpat-demo-bob-api').MergeRequestNotes.edit('acme/website', 1, note!.id, {
      body: 'x',
    });
    await expect(edit).rejects.toThrow('403 Forbidden');
  });

  it('creates a diff thread at a position taken from diff_refs', async () => {
    const api = client('glpat-demo-bob-api');
    const mr = await api.MergeRequests.show('acme/website', 1);
    const refs = mr.diff_refs as { base_sha: string; head_sha: string; start_sha: string };
    const position = {
      positionType: 'text',
      baseSha: refs.base_sha,
      startSha: refs.start_sha,
      headSha: refs.head_sha,
      newPath: 'src/index.ts',
      oldPath: 'src/index.ts',
      newLine: '1',
    } as const;
    const thread = await api.MergeRequestDiscussions.create('acme/website', 1, 'Finding here', { position });
    expect(thread.individual_note).toBe(false);
    expect(thread.notes?.[0]).toMatchObject({
      type: 'DiffNote',
      body: 'Finding here',
      position: { new_path: 'src/index.ts', new_line: 1, head_sha: refs.head_sha },
    });
    const outside = api.MergeRequestDiscussions.create('acme/website', 1, 'x', {
      position: { ...position, newPath: 'README.md' },
    });
    await expect(outside).rejects.toThrow(/line code/);
  });

  it('manages group webhooks', async () => {
    const api = client('glpat-demo-alice-api');
    const hook = await api.GroupHooks.add('acme', 'https://receiver.example.com/gitlab', {
      token: 'shh',
      mergeRequestsEvents: true,
      noteEvents: true,
    });
    expect(hook).toMatchObject({ url: 'https://receiver.example.com/gitlab', merge_requests_events: true });
    expect(hook).not.toHaveProperty('token');
    expect((await api.GroupHooks.all('acme')).map((h) => h.id)).toContain(hook.id);
    await api.GroupHooks.remove('acme', hook.id);
    expect((await api.GroupHooks.all('acme')).map((h) => h.id)).not.toContain(hook.id);
  });

  it('commits a CI file on a new branch and opens a merge request', async () => {
    const api = client('glpat-demo-alice-api');
    const commit = await api.Commits.create(
      'acme/backend/api',
      'scanner/add-ci',
      'Add CI scan',
      [{ action: 'create', filePath: '.gitlab-ci.yml', content: 'scan:\n  script: scan\n' }],
      { startBranch: 'main' },
    );
    expect(commit.id).toMatch(/^[0-9a-f]{40}$/);
    const branch = await api.Branches.show('acme/backend/api', 'scanner/add-ci');
    expect(branch.commit.id).toBe(commit.id);
    const mr = await api.MergeRequests.create('acme/backend/api', 'scanner/add-ci', 'main', 'Add CI scan', {
      removeSourceBranch: true,
    });
    expect(mr).toMatchObject({ source_branch: 'scanner/add-ci', target_branch: 'main', state: 'opened' });
    expect(
      twin.project('acme/backend/api').branches.get('scanner/add-ci')?.files.get('.gitlab-ci.yml'),
    ).toContain('scan');
    const again = api.MergeRequests.create('acme/backend/api', 'scanner/add-ci', 'main', 'Add CI scan');
    await expect(again).rejects.toThrow(/Another open merge request/);
  });

  it('reads a file at a commit (its blob id, base64 content) and tells a missing file from a missing commit', async () => {
    const api = client('glpat-demo-alice-api');
    const commit = await api.Commits.create('acme/website', 'main', 'Change the index', [
      { action: 'update', filePath: 'src/index.ts', content: 'export const x = 2;\n' },
    ]);
    const before = twin.project('acme/website').commits.get(commit.parent_ids![0]!)!;
    const old = await api.RepositoryFiles.show('acme/website', 'src/index.ts', before.id);
    expect(Buffer.from(old.content, 'base64').toString()).toBe('export const x = 1;\n');
    expect(old.blob_id).toBe(gitBlob('export const x = 1;\n'));
    const now = await api.RepositoryFiles.show('acme/website', 'src/index.ts', commit.id);
    expect(Buffer.from(now.content, 'base64').toString()).toBe('export const x = 2;\n');
    expect(now).toMatchObject({ file_path: 'src/index.ts', commit_id: commit.id, last_commit_id: commit.id });
    expect(now.blob_id).not.toBe(old.blob_id);
    expect(await api.Commits.show('acme/website', commit.id)).toMatchObject({ id: commit.id });
    await expect(api.RepositoryFiles.show('acme/website', 'src/none.ts', commit.id)).rejects.toThrow(
      '404 File Not Found',
    );
    await expect(api.RepositoryFiles.show('acme/website', 'src/index.ts', 'f'.repeat(40))).rejects.toThrow(
      '404 Commit Not Found',
    );
    await expect(api.Commits.show('acme/website', 'f'.repeat(40))).rejects.toThrow('404 Commit Not Found');
  });

  it('surfaces token errors as GitLab phrases them', async () => {
    const revoked = await client('glpat-demo-revoked')
      .Groups.show('acme')
      .catch((error: unknown) => error);
    expect(revoked).toBeInstanceOf(GitbeakerRequestError);
    expect((revoked as GitbeakerRequestError).message).toBe('invalid_token');
    const hidden = client('glpat-demo-dave-api').Groups.show('acme');
    await expect(hidden).rejects.toThrow('404 Group Not Found');
  });
  it('lists merge request diffs, replies to and resolves a thread, sets commit statuses', async () => {
    const api = client('glpat-demo-alice-api');
    const diffs = await api.MergeRequests.allDiffs('acme/website', 1);
    expect(diffs).toEqual([
      expect.objectContaining({
        new_path: 'src/index.ts',
        old_path: 'src/index.ts',
        new_file: false,
        renamed_file: false,
        deleted_file: false,
        diff: '@@ -1 +1,2 @@\n+export const login = true;\n export const x = 1;\n',
      }),
    ]);
    const mr = await api.MergeRequests.show('acme/website', 1);
    const refs = mr.diff_refs as { base_sha: string; head_sha: string; start_sha: string };
    const thread = await api.MergeRequestDiscussions.create('acme/website', 1, 'On x', {
      position: {
        positionType: 'text',
        baseSha: refs.base_sha,
        startSha: refs.start_sha,
        headSha: refs.head_sha,
        newPath: 'src/index.ts',
        oldPath: 'src/index.ts',
        newLine: '2',
        oldLine: '1',
      },
    });
    const reply = await client('glpat-demo-bob-api').MergeRequestDiscussions.addNote(
      'acme/website',
      1,
      thread.id,
      'Agreed',
    );
    expect(reply).toMatchObject({ body: 'Agreed', type: 'DiffNote', resolvable: true, resolved: false });
    const resolved = await api.MergeRequestDiscussions.resolve('acme/website', 1, thread.id, true);
    expect(resolved.notes?.map((n) => n.resolved)).toEqual([true, true]);
    const sha = refs.head_sha;
    await api.Commits.editStatus('acme/website', sha, 'pending', { name: 'scan' });
    const again = api.Commits.editStatus('acme/website', sha, 'pending', { name: 'scan' });
    await expect(again).rejects.toThrow(/Cannot transition status via :enqueue from :pending/);
    await api.Commits.editStatus('acme/website', sha, 'success', { name: 'scan', description: 'ok' });
    const statuses = await api.Commits.allStatuses('acme/website', sha);
    expect(statuses.map((st) => [st.name, st.status, st.description])).toEqual([['scan', 'success', 'ok']]);
  });
});
