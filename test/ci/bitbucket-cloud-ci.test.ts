import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitBlobId } from '../../src/scm/files.js';
import type { CiTemplate, CiWriter } from '../../src/scm/provider.js';
import { rejectionOf } from '../helpers/scm-http.js';
import type { BitbucketCloudTwin } from '../twins/bitbucket-cloud/index.js';
import { ciHarness, ciTokens, repositoryRef, scmError, startCiTwin } from './bitbucket-cloud-ci-world.js';

const content = 'pipelines:\n  default:\n    - step:\n        script:\n          - scanner ci\n';

const template = (overrides: Partial<CiTemplate> = {}): CiTemplate => ({
  path: 'bitbucket-pipelines.yml',
  content,
  branch: 'scanner/add-ci',
  commitMessage: 'Add the scanner CI job',
  pullRequest: { title: 'Add code scanning', description: 'Adds the scanner CI job.' },
  ...overrides,
});

describe('Bitbucket Cloud CI writer (pull request mode)', () => {
  let twin: BitbucketCloudTwin;
  let harness: ReturnType<typeof ciHarness>;
  let ci: CiWriter;

  beforeAll(async () => {
    twin = await startCiTwin();
    harness = ciHarness(twin);
    ci = harness.provider().ci!;
  });
  afterAll(async () => {
    await harness.close();
    await twin.close();
  });

  it('is offered as Bitbucket Pipelines, with the capability flag', () => {
    const provider = harness.provider();
    expect(provider.capabilities.ci).toBe(true);
    expect(provider.ci?.system).toBe('bitbucket-pipelines');
    expect(provider.ciSecrets).toBeDefined();
  });

  it('opens one pull request, then changes nothing, then updates the same pull request', async () => {
    const repo = repositoryRef(twin, 'website');
    const website = twin.repository('acme', 'website');
    const mainBefore = website.branches.get('main')!.hash;

    const opened = await ci.ensureCiJob(repo, template());
    expect(opened.outcome).toBe('opened');
    // Someone else's open pull request (#1, from feature/login) is not taken for ours.
    expect(opened.pullRequest?.number).not.toBe(1);
    const pr = twin.pullRequest('acme', 'website', opened.pullRequest!.number);
    expect(pr).toMatchObject({ source: 'scanner/add-ci', destination: 'main', closeSourceBranch: true });
    expect(opened.pullRequest?.webUrl).toBe(
      `https://bitbucket.org/acme/website/pull-requests/${opened.pullRequest!.number}`,
    );
    expect(website.branches.get('scanner/add-ci')!.files.get('bitbucket-pipelines.yml')).toBe(content);
    expect(website.branches.get('main')!.hash).toBe(mainBefore);
    expect(twin.pipelinesEnabled('acme', 'website')).toBe(true);

    const commits = twin.count('/2.0/repositories/acme/website/src', 'POST');
    const again = await ci.ensureCiJob(repo, template());
    expect(again).toEqual({ outcome: 'unchanged', pullRequest: opened.pullRequest });
    expect(twin.count('/2.0/repositories/acme/website/src', 'POST')).toBe(commits);

    const changed = await ci.ensureCiJob(repo, template({ content: `${content}# v2\n` }));
    expect(changed).toEqual({ outcome: 'updated', pullRequest: opened.pullRequest });
    expect(website.branches.get('scanner/add-ci')!.files.get('bitbucket-pipelines.yml')).toBe(
      `${content}# v2\n`,
    );
    const ours = [...website.pullRequests.values()].filter((p) => p.source === 'scanner/add-ci');
    expect(ours).toHaveLength(1);
  });

  it('answers present, proposing nothing, when the main branch already has the same blob', async () => {
    twin.push('acme', 'guarded', 'main', { 'bitbucket-pipelines.yml': content });
    const repo = twin.repository('acme', 'guarded');
    const branches = repo.branches.size;
    const result = await ci.ensureCiJob(repositoryRef(twin, 'guarded'), template());
    expect(result).toEqual({ outcome: 'present' });
    expect(repo.branches.size).toBe(branches);
    expect(repo.pullRequests.size).toBe(0);
  });

  it('turns on Pipelines for a repository where it was never configured', async () => {
    expect(twin.pipelinesEnabled('acme', 'fresh')).toBe(false);
    const result = await ci.ensureCiJob(repositoryRef(twin, 'fresh'), template());
    expect(result.outcome).toBe('opened');
    expect(twin.pipelinesEnabled('acme', 'fresh')).toBe(true);
  });

  it('finds its pull request again for a branch name with quotes, backslashes and query words', async () => {
    const branch = 'scanner/ci" OR state = "MERGED\\';
    const repo = repositoryRef(twin, 'odd.name_-1');
    const opened = await ci.ensureCiJob(repo, template({ branch }));
    expect(opened.outcome).toBe('opened');
    const again = await ci.ensureCiJob(repo, template({ branch }));
    expect(again).toEqual({ outcome: 'unchanged', pullRequest: opened.pullRequest });
    const pr = twin.pullRequest('acme', 'odd.name_-1', opened.pullRequest!.number);
    expect(pr).toMatchObject({ source: branch, destination: 'trunk' });
  });

  it('refuses an empty repository as repository_empty, without writing', async () => {
    const error = scmError(await rejectionOf(ci.ensureCiJob(repositoryRef(twin, 'empty'), template())));
    expect(error).toMatchObject({ kind: 'not-found', code: 'repository_empty' });
    expect(twin.repository('acme', 'empty').branches.size).toBe(0);
  });

  it('reports a branch restriction on the proposal branch as branch_protected', async () => {
    const error = scmError(await rejectionOf(ci.ensureCiJob(repositoryRef(twin, 'strict'), template())));
    expect(error).toMatchObject({ kind: 'forbidden', code: 'branch_protected' });
    expect(error.message).toContain('scanner/add-ci');
    expect(error.fix).toMatch(/Branch restrictions/);
  });

  it('without `repository:admin`, refuses before writing anything and says Pipelines could not be enabled', async () => {
    const writer = harness.provider(ciTokens.noAdmin).ci!;
    const repo = twin.repository('acme', 'odd.name_-1');
    const branches = repo.branches.size;
    const error = scmError(
      await rejectionOf(writer.ensureCiJob(repositoryRef(twin, 'odd.name_-1'), template({ branch: 'x/y' }))),
    );
    expect(error).toMatchObject({ kind: 'forbidden', code: 'pipelines_not_enabled' });
    expect(error.message).toContain('`repository:admin`');
    expect(error.fix).toContain('`repository:admin`');
    expect(repo.branches.size).toBe(branches);
  });

  it('without `pullrequest:write`, rejects forbidden with the scope Bitbucket names and the fix', async () => {
    const writer = harness.provider(ciTokens.noPullRequestWrite).ci!;
    const error = scmError(
      await rejectionOf(writer.ensureCiJob(repositoryRef(twin, 'guarded'), template({ content: 'x: 1\n' }))),
    );
    expect(error).toMatchObject({ kind: 'forbidden', code: 'insufficient_scopes' });
    expect(error.message).toContain('`pullrequest:write`');
    expect(error.fix).toContain('`pipeline:variable`');
  });

  it('refuses a CI path that leaves the repository before any write', async () => {
    const error = scmError(
      await rejectionOf(ci.ensureCiJob(repositoryRef(twin, 'fresh'), template({ path: '../escape.yml' }))),
    );
    expect(error.kind).toBe('invalid');
  });
});

describe('Bitbucket Cloud CI writer (reads and direct mode)', () => {
  let twin: BitbucketCloudTwin;
  let harness: ReturnType<typeof ciHarness>;
  let ci: CiWriter;

  beforeAll(async () => {
    twin = await startCiTwin();
    harness = ciHarness(twin);
    ci = harness.provider().ci!;
  });
  afterAll(async () => {
    await harness.close();
    await twin.close();
  });

  it('reads a file of the main branch or of another branch, with git blob id, and undefined when absent', async () => {
    const repo = repositoryRef(twin, 'website');
    const file = await ci.readCiFile(repo, 'src/app.py');
    expect(file).toEqual({
      content: 'print("hi")\n',
      blobId: gitBlobId(Buffer.from('print("hi")\n')),
    });
    expect(await ci.readCiFile(repo, 'bitbucket-pipelines.yml')).toBeUndefined();
    const branch = twin.push('acme', 'website', 'feature/ci', { 'bitbucket-pipelines.yml': content });
    expect((await ci.readCiFile(repo, 'bitbucket-pipelines.yml', 'feature/ci'))?.content).toBe(content);
    expect((await ci.readCiFile(repo, 'bitbucket-pipelines.yml', branch.after))?.blobId).toBe(
      gitBlobId(Buffer.from(content)),
    );
    const missing = scmError(await rejectionOf(ci.readCiFile(repo, 'x.yml', 'no/such-branch')));
    expect(missing.kind).toBe('not-found');
  });

  it('refuses to read a directory as a CI file', async () => {
    const error = scmError(await rejectionOf(ci.readCiFile(repositoryRef(twin, 'website'), 'src')));
    expect(error).toMatchObject({ kind: 'invalid', code: 'ci_path_not_a_file' });
  });

  it('reads an empty repository as repository_empty', async () => {
    const error = scmError(await rejectionOf(ci.readCiFile(repositoryRef(twin, 'empty'), 'a.yml')));
    expect(error).toMatchObject({ kind: 'not-found', code: 'repository_empty' });
    const unknownDefault = scmError(
      await rejectionOf(ci.readCiFile({ ...repositoryRef(twin, 'empty'), defaultBranch: null }, 'a.yml')),
    );
    expect(unknownDefault.code).toBe('repository_empty');
  });

  it('commits directly on the main branch, then answers present', async () => {
    const repo = repositoryRef(twin, 'fresh');
    const committed = await ci.commitCiFile(repo, template());
    const main = twin.repository('acme', 'fresh').branches.get('main')!;
    expect(committed).toEqual({
      outcome: 'committed',
      commit: { sha: main.hash, webUrl: `https://bitbucket.org/acme/fresh/commits/${main.hash}` },
    });
    expect(main.files.get('bitbucket-pipelines.yml')).toBe(content);
    expect(twin.pipelinesEnabled('acme', 'fresh')).toBe(true);
    expect(await ci.commitCiFile(repo, template())).toEqual({ outcome: 'present' });
    expect(twin.repository('acme', 'fresh').branches.get('main')!.hash).toBe(main.hash);
  });

  it('reports a push restriction on the main branch as branch_protected with a fix', async () => {
    const main = twin.repository('acme', 'guarded').branches.get('main')!;
    const before = main.hash;
    const error = scmError(await rejectionOf(ci.commitCiFile(repositoryRef(twin, 'guarded'), template())));
    expect(error).toMatchObject({ kind: 'forbidden', code: 'branch_protected', status: 403 });
    expect(error.fix).toMatch(/pull request/);
    expect(main.hash).toBe(before);
  });

  it('refuses a direct commit to an empty repository as repository_empty', async () => {
    const error = scmError(await rejectionOf(ci.commitCiFile(repositoryRef(twin, 'empty'), template())));
    expect(error).toMatchObject({ kind: 'not-found', code: 'repository_empty' });
  });
});
