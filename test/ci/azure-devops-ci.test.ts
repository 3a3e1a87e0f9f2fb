import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isScmError } from '../../src/scm/errors.js';
import { gitBlobId } from '../../src/scm/files.js';
import type { CiWriter } from '../../src/scm/provider.js';
import { rejectionOf } from '../helpers/scm-http.js';
import {
  hostileProject,
  hostileRepo,
  startCiWorld,
  template,
  type CiWorld,
} from './azure-devops-ci-world.js';

const blobOf = (text: string) => gitBlobId(Buffer.from(text, 'utf8'));

describe('Azure DevOps CI writer (Azure Pipelines)', () => {
  let world: CiWorld;
  let ci: CiWriter;
  const fileOn = (repo: string, branch: string, project = 'Shop') => {
    const r = world.repo(repo, project);
    return r.commits.get(r.refs.get(`refs/heads/${branch}`)!)!.files.get('/azure-pipelines.yml');
  };

  beforeAll(async () => {
    world = await startCiWorld();
    ci = world.provider().ci!;
  });
  afterAll(() => world.close());

  it('is offered as azure-pipelines', () => {
    const provider = world.provider();
    expect(provider.capabilities.ci).toBe(true);
    expect(ci.system).toBe('azure-pipelines');
    expect(provider.ciSecrets?.label).toBe('Azure Pipelines variable group (secret)');
  });

  it('opens a pull request with the file on a new branch, and makes the YAML pipeline once', async () => {
    const result = await ci.ensureCiJob(world.ref('web'), template);

    expect(result.outcome).toBe('opened');
    const pr = world.repo('web').pullRequests.get(result.pullRequest!.number)!;
    expect(pr).toMatchObject({
      sourceRefName: 'refs/heads/scanner/add-ci',
      targetRefName: 'refs/heads/main',
      title: 'Add code scanning',
      status: 'active',
    });
    expect(result.pullRequest!.webUrl).toBe(
      `${world.twin.url}/contoso/Shop/_git/web/pullrequest/${result.pullRequest!.number}`,
    );
    expect(fileOn('web', 'scanner/add-ci')).toBe(template.content);
    expect(fileOn('web', 'main')).toBeUndefined();
    // The branch starts at main's head: README.md is still there.
    const branch = world.repo('web').refs.get('refs/heads/scanner/add-ci')!;
    expect(world.repo('web').commits.get(branch)!.parents).toEqual([
      world.repo('web').refs.get('refs/heads/main'),
    ]);
    expect(world.project().pipelines.filter((p) => p.repositoryId === world.repo('web').id)).toMatchObject([
      { name: 'scm-connect web', yamlFilename: '/azure-pipelines.yml', folder: '\\' },
    ]);
  });

  it('changes nothing when called again: no push, no second pull request, no second pipeline', async () => {
    const pushes = world.posts('/pushes');
    const pipelines = world.posts('/_apis/pipelines');
    const first = [...world.repo('web').pullRequests.values()];

    const again = await ci.ensureCiJob(world.ref('web'), template);

    expect(again.outcome).toBe('unchanged');
    expect(again.pullRequest!.number).toBe(first[0]!.id);
    expect(world.posts('/pushes')).toBe(pushes);
    expect(world.posts('/_apis/pipelines')).toBe(pipelines);
    expect(world.repo('web').pullRequests.size).toBe(first.length);
  });

  it('updates the open pull request when the content changed', async () => {
    const before = await ci.ensureCiJob(world.ref('web'), template);
    const content = `${template.content}# v2\n`;

    const changed = await ci.ensureCiJob(world.ref('web'), { ...template, content });

    expect(changed).toEqual({ outcome: 'updated', pullRequest: before.pullRequest });
    expect(fileOn('web', 'scanner/add-ci')).toBe(content);
    expect(world.repo('web').pullRequests.size).toBe(1);
  });

  it('answers present when the default branch already has the same blob, proposing nothing', async () => {
    const pushes = world.posts('/pushes');

    const result = await ci.ensureCiJob(world.ref('done'), template);

    expect(result).toEqual({ outcome: 'present' });
    expect(world.posts('/pushes')).toBe(pushes);
    expect(world.repo('done').pullRequests.size).toBe(0);
    expect(world.repo('done').refs.has('refs/heads/scanner/add-ci')).toBe(false);
  });

  it('reads a CI file with its git blob id; a missing one is undefined', async () => {
    await expect(ci.readCiFile(world.ref('done'), 'azure-pipelines.yml')).resolves.toEqual({
      content: template.content,
      blobId: blobOf(template.content),
    });
    await expect(
      ci.readCiFile(world.ref('web'), 'azure-pipelines.yml', 'scanner/add-ci'),
    ).resolves.toMatchObject({
      blobId: blobOf(`${template.content}# v2\n`),
    });
    await expect(ci.readCiFile(world.ref('api'), 'azure-pipelines.yml')).resolves.toBeUndefined();
  });

  it('refuses an empty repository as repository_empty', async () => {
    for (const attempt of [
      () => ci.readCiFile(world.ref('empty'), 'azure-pipelines.yml'),
      () => ci.ensureCiJob(world.ref('empty'), template),
      () => ci.readCiFile({ ...world.ref('empty'), defaultBranch: 'main' }, 'azure-pipelines.yml'),
    ]) {
      const error = await rejectionOf(attempt());
      expect(isScmError(error) && [error.kind, error.code]).toEqual(['not-found', 'repository_empty']);
    }
  });

  it('commits directly on the default branch, then answers present', async () => {
    const committed = await ci.commitCiFile(world.ref('direct'), template);

    const head = world.repo('direct').refs.get('refs/heads/main')!;
    expect(committed).toEqual({
      outcome: 'committed',
      commit: { sha: head, webUrl: `${world.twin.url}/contoso/Shop/_git/direct/commit/${head}` },
    });
    expect(fileOn('direct', 'main')).toBe(template.content);
    expect(world.project().pipelines.filter((p) => p.name === 'scm-connect direct')).toHaveLength(1);

    await expect(ci.commitCiFile(world.ref('direct'), template)).resolves.toEqual({ outcome: 'present' });
    expect(world.repo('direct').refs.get('refs/heads/main')).toBe(head);
    expect(world.project().pipelines.filter((p) => p.name === 'scm-connect direct')).toHaveLength(1);
  });

  it('reports a branch policy that refuses direct pushes as branch_protected, with a fix', async () => {
    const head = world.repo('locked').refs.get('refs/heads/main');

    const error = await rejectionOf(ci.commitCiFile(world.ref('locked'), template));

    expect(isScmError(error) && [error.kind, error.code]).toEqual(['forbidden', 'branch_protected']);
    expect(isScmError(error) && error.fix).toMatch(/pull request|Bypass policies/);
    expect(world.repo('locked').refs.get('refs/heads/main')).toBe(head);
    // The same repository still takes the job through a pull request.
    await expect(ci.ensureCiJob(world.ref('locked'), template)).resolves.toMatchObject({ outcome: 'opened' });
  });

  it('tries a push that lost a race once more from the fresh head', async () => {
    world.twin.raceNextPush('contoso', 'Shop', 'raced', 'main', { 'NOTES.md': 'pushed meanwhile\n' });
    const pushes = world.posts('/pushes');

    const result = await ci.commitCiFile(world.ref('raced'), template);

    expect(result.outcome).toBe('committed');
    expect(world.posts('/pushes')).toBe(pushes + 2);
    const repo = world.repo('raced');
    const files = repo.commits.get(repo.refs.get('refs/heads/main')!)!.files;
    expect(files.get('/NOTES.md')).toBe('pushed meanwhile\n');
    expect(files.get('/azure-pipelines.yml')).toBe(template.content);
  });

  it('encodes hostile project, repository and branch names', async () => {
    const branch = 'scanner/add ci?&x=1#y%41';

    const result = await ci.ensureCiJob(world.ref(hostileRepo, hostileProject), { ...template, branch });

    expect(result.outcome).toBe('opened');
    const repo = world.repo(hostileRepo, hostileProject);
    expect(repo.refs.has(`refs/heads/${branch}`)).toBe(true);
    expect(repo.pullRequests.get(result.pullRequest!.number)!.sourceRefName).toBe(`refs/heads/${branch}`);
    expect(result.pullRequest!.webUrl).toBe(
      `${world.twin.url}/contoso/${encodeURIComponent(hostileProject)}/_git/${encodeURIComponent(hostileRepo)}/pullrequest/${result.pullRequest!.number}`,
    );
    await expect(
      ci.ensureCiJob(world.ref(hostileRepo, hostileProject), { ...template, branch }),
    ).resolves.toMatchObject({ outcome: 'unchanged' });
  });

  it.each([
    ['code-read-pat', 'vso.code_write', 'Code (Read & write)'],
    ['code-write-pat', 'vso.build', 'Build (Read)'],
  ])('a PAT without the scope (%s) is refused as forbidden with the fix', async (token, scope, words) => {
    const error = await rejectionOf(world.provider(token).ci!.ensureCiJob(world.ref('api'), template));

    expect(isScmError(error) && [error.kind, error.code]).toEqual(['forbidden', 'insufficient_scopes']);
    expect(isScmError(error) && error.message).toContain(scope);
    expect(isScmError(error) && error.fix).toContain(words);
  });

  it('lists a fork as a fork', async () => {
    const repos = [];
    for await (const repo of world.provider().listRepositories({ externalId: 'x', name: 'contoso' }))
      repos.push(repo);
    expect(repos.find((r) => r.name === 'forked')?.fork).toBe(true);
    expect(repos.find((r) => r.name === 'web')?.fork).toBe(false);
  });
});
