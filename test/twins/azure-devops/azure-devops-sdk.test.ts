import { getPersonalAccessTokenHandler, WebApi } from 'azure-devops-node-api';
import {
  CommentThreadStatus,
  CommentType,
  GitObjectType,
  GitVersionType,
  PullRequestStatus,
  VersionControlChangeType,
} from 'azure-devops-node-api/interfaces/GitInterfaces.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAzureDevOpsScenario, startAzureDevOpsTwin, type AzureDevOpsTwin } from './index.js';

/** Fidelity: Microsoft's own client, azure-devops-node-api, driven against the twin. */
let twin: AzureDevOpsTwin;
beforeAll(async () => {
  twin = await startAzureDevOpsTwin(demoAzureDevOpsScenario());
});
afterAll(() => twin.close());

const client = (pat: string, org = 'contoso') =>
  new WebApi(twin.orgUrl(org), getPersonalAccessTokenHandler(pat));

describe('Azure DevOps twin through azure-devops-node-api', () => {
  it('connects and reports the authenticated user', async () => {
    const data = await client('ado-scanner-pat').connect();
    expect(data.authenticatedUser?.providerDisplayName).toBe('Alice Admin');
    expect(data.authenticatedUser?.properties).toMatchObject({ Account: { $value: 'alice@example.com' } });
  });

  it('lists projects (100 by default) and finds one by name', async () => {
    const core = await client('ado-scanner-pat').getCoreApi();
    const projects = await core.getProjects();
    expect(projects).toHaveLength(100);
    expect(projects.slice(0, 2).map((p) => p.name)).toEqual(['Shop', 'Internal']);
    const shop = await core.getProject('Shop');
    expect(shop.id).toBe(projects[0]!.id);
    const bobs = await (await client('ado-bob-pat').getCoreApi()).getProjects();
    expect(bobs.map((p) => p.name)).toEqual(['Shop']);
  });

  it('lists repositories with their default branch, URLs and disabled flag', async () => {
    const git = await client('ado-scanner-pat').getGitApi();
    const repos = await git.getRepositories('Shop');
    expect(repos.map((r) => [r.name, r.defaultBranch, r.isDisabled])).toEqual([
      ['web', 'refs/heads/main', false],
      ['api', 'refs/heads/master', false],
      ['old', 'refs/heads/main', true],
    ]);
    expect(repos[0]!.webUrl).toBe(`${twin.orgUrl('contoso')}/Shop/_git/web`);
    expect(repos[0]!.project?.name).toBe('Shop');
    const byId = await git.getRepository(repos[0]!.id!);
    expect(byId.name).toBe('web');
  });

  it('reads an item at a commit, its blob by objectId, and the commit; null (404) for a missing path or commit', async () => {
    const git = await client('ado-scanner-pat').getGitApi();
    const [web] = await git.getRepositories('Shop');
    const head = twin.state
      .findRepo(twin.state.findProject(twin.state.organizations.get('contoso')!, 'Shop')!, 'web')!
      .refs.get('refs/heads/main')!;
    const atHead = { version: head, versionType: GitVersionType.Commit };
    const item = await git.getItem(
      web!.id!,
      '/src/app.ts',
      'Shop',
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      atHead,
    );
    expect(item).toMatchObject({ gitObjectType: GitObjectType.Blob, path: '/src/app.ts', commitId: head });
    const blob = await git.getBlob(web!.id!, item.objectId!, 'Shop');
    expect(blob).toMatchObject({ objectId: item.objectId, size: 22 });
    const stream = await git.getBlobContent(web!.id!, item.objectId!, 'Shop');
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
    expect(Buffer.concat(chunks).toString()).toBe('export const app = 1;\n');
    const folder = await git.getItem(
      web!.id!,
      '/src',
      'Shop',
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      atHead,
    );
    expect(folder).toMatchObject({ isFolder: true, gitObjectType: GitObjectType.Tree });
    expect(await git.getCommit(head, web!.id!, 'Shop')).toMatchObject({ commitId: head });
    const missing = git.getItem(
      web!.id!,
      '/src/none.ts',
      'Shop',
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      atHead,
    );
    // The SDK answers a 404 with null.
    await expect(missing).resolves.toBeNull();
    const unknown = { version: 'f'.repeat(40), versionType: GitVersionType.Commit };
    const noCommit = git.getItem(
      web!.id!,
      '/src/app.ts',
      'Shop',
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      unknown,
    );
    await expect(noCommit).resolves.toBeNull();
    await expect(git.getCommit('f'.repeat(40), web!.id!, 'Shop')).resolves.toBeNull();
  });

  it('reads pull requests and creates, lists and edits review threads', async () => {
    const git = await client('ado-scanner-pat').getGitApi();
    const [web] = await git.getRepositories('Shop');
    const prs = await git.getPullRequests(web!.id!, { status: PullRequestStatus.Active }, 'Shop');
    expect(prs.map((p) => [p.title, p.status, p.sourceRefName])).toEqual([
      ['Add login', PullRequestStatus.Active, 'refs/heads/feature/login'],
    ]);
    const prId = prs[0]!.pullRequestId!;
    const thread = await git.createThread(
      {
        comments: [
          { parentCommentId: 0, content: 'Finding <!-- scanner -->', commentType: CommentType.Text },
        ],
        status: CommentThreadStatus.Active,
        threadContext: {
          filePath: '/src/app.ts',
          rightFileStart: { line: 1, offset: 1 },
          rightFileEnd: { line: 1, offset: 13 },
        },
      },
      web!.id!,
      prId,
      'Shop',
    );
    expect(thread.id).toBe(2);
    expect(thread.status).toBe(CommentThreadStatus.Active);
    expect(thread.threadContext?.rightFileStart).toEqual({ line: 1, offset: 1 });
    const edited = await git.updateComment(
      { content: 'Fixed wording' },
      web!.id!,
      prId,
      thread.id!,
      1,
      'Shop',
    );
    expect(edited.content).toBe('Fixed wording');
    const threads = await git.getThreads(web!.id!, prId, 'Shop');
    expect(threads.map((t) => t.comments?.[0]?.content)).toEqual(['Looks good', 'Fixed wording']);
    const bobs = await client('ado-bob-pat').getGitApi();
    await expect(bobs.updateComment({ content: 'x' }, web!.id!, prId, 1, 1, 'Shop')).rejects.toMatchObject({
      statusCode: 403,
    });
  });

  it('pushes a file to a new branch and opens a pull request from it', async () => {
    const git = await client('ado-scanner-pat').getGitApi();
    const [, api] = await git.getRepositories('Shop');
    const [head] = await git.getRefs(api!.id!, 'Shop', 'heads/master');
    const push = await git.createPush(
      {
        refUpdates: [{ name: 'refs/heads/scanner/add-ci', oldObjectId: head!.objectId }],
        commits: [
          {
            comment: 'Add azure-pipelines.yml',
            changes: [
              {
                changeType: VersionControlChangeType.Add,
                item: { path: '/azure-pipelines.yml' },
                newContent: { content: 'trigger: none\n', contentType: 0 },
              },
            ],
          },
        ],
      },
      api!.id!,
      'Shop',
    );
    expect(push.refUpdates?.[0]?.newObjectId).toMatch(/^[0-9a-f]{40}$/);
    const pr = await git.createPullRequest(
      { sourceRefName: 'refs/heads/scanner/add-ci', targetRefName: 'refs/heads/master', title: 'Add CI' },
      api!.id!,
      'Shop',
    );
    expect(pr.status).toBe(PullRequestStatus.Active);
    await expect(
      git.createPullRequest(
        { sourceRefName: 'refs/heads/scanner/add-ci', targetRefName: 'refs/heads/master', title: 'Again' },
        api!.id!,
        'Shop',
      ),
    ).rejects.toMatchObject({ statusCode: 409 });
  });

  it('surfaces a bad PAT as 401 (the SDK sends X-TFS-FedAuthRedirect: Suppress) and a missing scope as 401', async () => {
    await expect(
      client('not-a-pat')
        .getCoreApi()
        .then((core) => core.getProjects()),
    ).rejects.toMatchObject({ statusCode: 401 });
    const git = await client('ado-code-read-pat').getGitApi();
    const [web] = await git.getRepositories('Shop');
    await expect(
      git.createThread({ comments: [{ content: 'x', commentType: CommentType.Text }] }, web!.id!, 1, 'Shop'),
    ).rejects.toMatchObject({ statusCode: 401, message: expect.stringContaining('TF400813') });
  });
});
