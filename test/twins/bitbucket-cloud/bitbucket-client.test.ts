import { Bitbucket } from 'bitbucket';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  demoBitbucketCloudScenario,
  startBitbucketCloudTwin,
  type BitbucketCloudScenario,
  type BitbucketCloudTwin,
} from './index.js';

interface HttpFailure {
  status: number;
  error: { type: string; error: { message: string; detail?: unknown } };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as HttpFailure,
  );

// Fidelity: the twin driven by the `bitbucket` npm client (node-fetch underneath).
describe('Bitbucket Cloud twin through the bitbucket client', () => {
  let twin: BitbucketCloudTwin;
  const client = (token: string) => new Bitbucket({ baseUrl: twin.apiUrl, auth: { token }, notice: false });
  const asUser = (email: string, token: string) =>
    new Bitbucket({ baseUrl: twin.apiUrl, auth: { username: email, password: token }, notice: false });

  beforeAll(async () => {
    const demo = demoBitbucketCloudScenario();
    const scenario: BitbucketCloudScenario = {
      ...demo,
      workspaces: [...demo.workspaces, { slug: 'many', generatedRepositories: { count: 250 } }],
      accessTokens: [
        ...demo.accessTokens,
        { value: 'bbwat-many', kind: 'workspace', workspace: 'many', scopes: ['repository'] },
      ],
    };
    twin = await startBitbucketCloudTwin(scenario);
  });
  afterAll(() => twin.close());

  it('gets a workspace by slug and by UUID', async () => {
    const api = client('bbwat-demo-read');
    const { data } = await api.workspaces.getWorkspace({ workspace: 'acme' });
    expect(data).toMatchObject({ type: 'workspace', slug: 'acme', name: 'Acme' });
    const byUuid = await api.workspaces.getWorkspace({ workspace: data.uuid! });
    expect(byUuid.data.slug).toBe('acme');
    const unknown = await failure(api.workspaces.getWorkspace({ workspace: 'nope' }));
    expect(unknown?.status).toBe(404);
    expect(unknown?.error.type).toBe('error');
  });

  it('lists every repository of a workspace by following next', async () => {
    const api = client('bbwat-many');
    const before = twin.count('/2.0/repositories/many');
    let response = await api.repositories.list({ workspace: 'many', pagelen: 100 });
    const slugs = response.data.values!.map((r) => r.slug);
    while (api.hasNextPage(response.data)) {
      response = await api.getNextPage(response.data);
      slugs.push(...response.data.values!.map((r) => r.slug));
    }
    expect(new Set(slugs).size).toBe(250);
    expect(response.data).toMatchObject({ size: 250, page: 3, pagelen: 100 });
    expect(twin.count('/2.0/repositories/many') - before).toBe(3);
  });

  it('limits project and repository tokens to what they were created for', async () => {
    const ops = await client('bbpat-demo-ops').repositories.list({ workspace: 'acme' });
    expect(ops.data.values!.map((r) => r.full_name)).toEqual(['acme/infra']);
    const one = await client('bbrat-demo-website').repositories.get({
      workspace: 'acme',
      repo_slug: 'website',
    });
    expect(one.data).toMatchObject({
      full_name: 'acme/website',
      mainbranch: { name: 'main' },
      project: { key: 'WEB' },
    });
    const other = await failure(
      client('bbrat-demo-website').repositories.get({ workspace: 'acme', repo_slug: 'infra' }),
    );
    expect(other?.status).toBe(404);
  });

  it('lists members and refuses permissions and /user to access tokens', async () => {
    const api = client('bbwat-demo-full');
    const members = await api.workspaces.getMembersForWorkspace({ workspace: 'acme' });
    expect(members.data.values!.map((m) => m.user?.display_name)).toEqual([
      'Alice Owner',
      'Bob Member',
      'Carol Collaborator',
    ]);
    const permissions = await failure(api.workspaces.listPermissions({ workspace: 'acme' }));
    expect(permissions?.status).toBe(401);
    const me = await failure(api.user.get({}));
    expect(me?.status).toBe(401);
    expect(me?.error.error).toEqual({
      message: 'Token is invalid, expired, or not supported for this endpoint.',
    });
  });

  it('answers an Atlassian API token (Basic email:token) as its user', async () => {
    const api = asUser('alice@example.com', 'ATATT-demo-alice');
    const me = await api.user.get({});
    expect(me.data).toMatchObject({
      display_name: 'Alice Owner',
      account_id: '557058:alice',
      nickname: 'alice',
    });
    expect(me.data).not.toHaveProperty('username');
    const owners = await api.workspaces.listPermissions({
      workspace: 'acme',
      q: 'permission="owner"',
    } as never);
    expect(owners.data.values!.map((p) => [p.user?.display_name, p.permission])).toEqual([
      ['Alice Owner', 'owner'],
    ]);
    const bad = await failure(asUser('alice@example.com', 'wrong').user.get({}));
    expect(bad?.status).toBe(401);
  });

  it('creates, updates, lists and deletes pull request comments, inline included', async () => {
    const api = client('bbwat-demo-full');
    const target = { workspace: 'acme', repo_slug: 'website', pull_request_id: 1 };
    const summary = await api.repositories.createPullRequestComment({
      ...target,
      _body: { type: 'pullrequest_comment', content: { raw: 'Scan summary' } },
    });
    expect(summary.status).toBe(201);
    expect(summary.data.user?.display_name).toBe('scm-connect');
    const inline = await api.repositories.createPullRequestComment({
      ...target,
      _body: {
        type: 'pullrequest_comment',
        content: { raw: 'Finding' },
        inline: { path: 'src/app.py', to: 1 },
      },
    });
    expect(inline.data.inline).toEqual({ path: 'src/app.py', to: 1, from: null });
    const updated = await api.repositories.updatePullRequestComment({
      ...target,
      comment_id: summary.data.id!,
      _body: { type: 'pullrequest_comment', content: { raw: 'Scan summary v2' } },
    });
    expect(updated.data.content?.raw).toBe('Scan summary v2');
    const deleted = await api.repositories.deletePullRequestComment({
      ...target,
      comment_id: inline.data.id!,
    });
    expect(deleted.status).toBe(204);
    const list = await api.repositories.listPullRequestComments(target);
    expect(list.data.values!.map((c) => [c.content?.raw, c.deleted])).toEqual([
      ['Nice', false],
      ['Scan summary v2', false],
      ['Finding', true],
    ]);
    const notMine = await failure(
      api.repositories.updatePullRequestComment({
        ...target,
        comment_id: list.data.values![0]!.id!,
        _body: { type: 'pullrequest_comment', content: { raw: 'x' } },
      }),
    );
    expect(notMine?.status).toBe(403);
  });

  it('answers a missing scope with 403 naming the required scope', async () => {
    const denied = await failure(
      client('bbwat-demo-read').repositories.listPullRequests({ workspace: 'acme', repo_slug: 'website' }),
    );
    expect(denied?.status).toBe(403);
    expect(denied?.error.error).toEqual({
      message: 'Your credentials lack one or more required privilege scopes.',
      detail: { required: ['pullrequest'] },
    });
  });

  it('commits a file through /src, then opens a pull request', async () => {
    const api = client('bbwat-demo-full');
    const commit = await api.repositories.createSrcFileCommit({
      workspace: 'acme',
      repo_slug: 'infra',
      branch: 'scanner/add-ci',
      message: 'Add CI scan',
      '/bitbucket-pipelines.yml': 'pipelines: {}\n',
    } as never);
    expect(commit.status).toBe(201);
    const pr = await api.repositories.createPullRequest({
      workspace: 'acme',
      repo_slug: 'infra',
      _body: {
        type: 'pullrequest',
        title: 'Add CI scan',
        source: { branch: { name: 'scanner/add-ci' } },
        close_source_branch: true,
      },
    });
    expect(pr.data).toMatchObject({ state: 'OPEN', destination: { branch: { name: 'master' } } });
    expect(
      twin.repository('acme', 'infra').branches.get('scanner/add-ci')?.files.get('bitbucket-pipelines.yml'),
    ).toBe('pipelines: {}\n');
  });

  it('reads a file, its meta and a directory at a commit, and a commit, through /src and /commit', async () => {
    const api = client('bbwat-demo-read');
    const website = twin.repository('acme', 'website');
    const seeded = website.branches.get('main')!.hash;
    const { after: pushed } = twin.push('acme', 'website', 'main', { 'src/app.py': 'print("bye")\n' });
    const at = (commit: string, path: string, format?: 'meta') =>
      api.repositories.readSrc({
        workspace: 'acme',
        repo_slug: 'website',
        commit,
        path,
        ...(format ? { format } : {}),
      });
    const meta = await at(seeded, 'src/app.py', 'meta');
    expect(meta.data).toMatchObject({ type: 'commit_file', path: 'src/app.py', size: 12, attributes: [] });
    expect((meta.data as { commit?: { hash?: string } }).commit?.hash).toBe(seeded);
    const raw = await at(seeded, 'src/app.py');
    expect(String(raw.data)).toBe('print("hi")\n');
    expect(raw.headers['content-disposition']).toBe('attachment');
    expect(String((await at(pushed, 'src/app.py')).data)).toBe('print("bye")\n');
    const dir = await at(seeded, 'src');
    expect(dir.data.values?.map((entry) => [entry.type, entry.path])).toEqual([
      ['commit_file', 'src/app.py'],
    ]);
    expect((await at(seeded, 'src', 'meta')).data).toMatchObject({ type: 'commit_directory', path: 'src' });
    expect((await failure(at(seeded, 'src/none.py')))?.status).toBe(404);
    expect((await failure(at('f'.repeat(40), 'src/app.py')))?.status).toBe(404);
    const commit = await api.repositories.getCommit({
      workspace: 'acme',
      repo_slug: 'website',
      commit: pushed,
    });
    expect(commit.data).toMatchObject({ type: 'commit', hash: pushed });
    const unknown = await failure(
      api.repositories.getCommit({ workspace: 'acme', repo_slug: 'website', commit: 'f'.repeat(40) }),
    );
    expect(unknown?.status).toBe(404);
  });

  it('manages workspace and repository webhooks', async () => {
    const api = client('bbwat-demo-full');
    const created = await api.workspaces.createWebhookForWorkspace({
      workspace: 'acme',
      _body: {
        url: 'https://receiver.example.com/bb',
        events: ['repo:push'],
        active: true,
        secret: 's3cret',
      },
    } as never);
    expect(created.data).toMatchObject({
      subject_type: 'workspace',
      events: ['repo:push'],
      secret_set: true,
    });
    expect(created.data).not.toHaveProperty('secret');
    const listed = await api.workspaces.getWebhooksForWorkspace({ workspace: 'acme' });
    expect(listed.data.values!.map((h) => h.uuid)).toContain(created.data.uuid);
    await api.workspaces.deleteWebhookForWorkspace({ workspace: 'acme', uid: created.data.uuid! });
    const repoHook = await api.repositories.createWebhook({
      workspace: 'acme',
      repo_slug: 'website',
      _body: { url: 'https://receiver.example.com/bb', events: ['pullrequest:created'], active: true },
    } as never);
    expect(repoHook.data.subject_type).toBe('repository');
    const denied = await failure(
      client('bbwat-demo-read').workspaces.getWebhooksForWorkspace({ workspace: 'acme' }),
    );
    expect(denied?.status).toBe(403);
  });

  it('switches Pipelines on, keeps a secured variable unanswered, filters pull requests by branch', async () => {
    twin.addAccessToken({
      value: 'bbwat-pipelines',
      kind: 'workspace',
      workspace: 'acme',
      scopes: ['repository:admin', 'pipeline', 'pipeline:variable', 'pullrequest'],
    });
    const api = client('bbwat-pipelines');
    const repo = { workspace: 'acme', repo_slug: 'website' };
    const never = await failure(api.repositories.getPipelineConfig(repo));
    expect(never?.status).toBe(404);
    const config = await api.repositories.updatePipelineConfig({
      ...repo,
      _body: { enabled: true },
    } as never);
    expect(config.data).toMatchObject({ enabled: true });
    expect((await api.repositories.getPipelineConfig(repo)).data).toMatchObject({ enabled: true });

    const created = await api.pipelines.createVariable({
      ...repo,
      _body: { key: 'TOKEN', value: 'hidden-value', secured: true },
    } as never);
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ key: 'TOKEN', secured: true });
    expect(created.data).not.toHaveProperty('value');
    const again = await failure(
      api.pipelines.createVariable({ ...repo, _body: { key: 'TOKEN', value: 'x', secured: true } } as never),
    );
    expect(again?.status).toBe(409);
    await api.pipelines.updateVariable({
      ...repo,
      variable_uuid: created.data.uuid!,
      _body: { key: 'TOKEN', value: 'new-hidden-value', secured: true },
    } as never);
    const listed = await api.pipelines.listVariablesForRepo(repo);
    expect(JSON.stringify(listed.data)).not.toContain('hidden-value');
    expect(twin.pipelineVariable('acme', 'website', 'TOKEN')).toEqual({
      value: 'new-hidden-value',
      secured: true,
    });

    const byBranch = await api.pullrequests.list({
      ...repo,
      q: 'source.branch.name = "feature/login" AND state = "OPEN"',
    } as never);
    expect(byBranch.data.values!.map((pr) => pr.id)).toEqual([1]);
    const none = await api.pullrequests.list({ ...repo, q: 'source.branch.name = "feature/\\"x"' } as never);
    expect(none.data.values).toEqual([]);
    const refused = await failure(client('bbwat-demo-full').pipelines.listVariablesForRepo(repo));
    expect(refused?.status).toBe(403);
    expect(refused?.error.error.detail).toEqual({ required: ['pipeline'] });
  });
});
