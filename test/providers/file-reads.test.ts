import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAzureDevOpsProvider } from '../../src/scm/azure-devops/index.js';
import { createBitbucketCloudProvider } from '../../src/scm/bitbucket-cloud/index.js';
import { createBitbucketDataCenterProvider } from '../../src/scm/bitbucket-data-center/index.js';
import { isScmError, type ScmError } from '../../src/scm/errors.js';
import { gitBlobId } from '../../src/scm/files.js';
import { createGitLabProvider } from '../../src/scm/gitlab/index.js';
import type { FileReader, ScmRepositoryRef } from '../../src/scm/provider.js';
import { createTestProviderDeps } from '../helpers/scm-http.js';
import { demoAzureDevOpsScenario, startAzureDevOpsTwin } from '../twins/azure-devops/index.js';
import { demoBitbucketCloudScenario, startBitbucketCloudTwin } from '../twins/bitbucket-cloud/index.js';
import {
  demoBitbucketDataCenterScenario,
  startBitbucketDataCenterTwin,
} from '../twins/bitbucket-data-center/index.js';
import { demoGitLabScenario, startGitLabTwin } from '../twins/gitlab/index.js';
import { acmeAccount, startGitHubHarness } from './github-harness.js';

/*
 * Reading files at a commit, per kind, beyond the shared contract: commits made by writes, paths that need
 * encoding, files over GitHub's 1 MB inline limit, the 5 MiB cap, and a refused token.
 */

const mebibyte = 1024 * 1024;

interface World {
  readonly files: FileReader;
  readonly repository: ScmRepositoryRef;
  /** Commits `files` on top of the default branch's head; the new commit's id. */
  commit(files: Readonly<Record<string, string>>): string;
  /** Requests the twin received under `prefix`. */
  count(prefix?: string): number;
  /** A reader whose token the SCM refuses. */
  readonly refused: FileReader;
  close(): Promise<void>;
}

async function githubWorld(): Promise<World> {
  const harness = await startGitHubHarness('cloud');
  const repo = harness.twin.state.requireRepo('acme/web-shop');
  // The read-only app's installation on `acme` (4002) is uninstalled: its token can no longer be minted.
  harness.twin.state.installations.delete(4002);
  const uninstalled = harness.provider({
    installationId: '4002',
    account: acmeAccount,
    clients: harness.clients('read-only-bot'),
  });
  return {
    files: harness.provider().files!,
    refused: uninstalled.files!,
    repository: { externalId: String(repo.id), fullName: 'acme/web-shop' },
    commit: (files) =>
      harness.twin.state.commit(
        repo,
        'main',
        'Change files',
        new Map(Object.entries(files).map(([path, text]) => [path, Buffer.from(text)])),
      ).sha,
    count: (prefix) => harness.twin.count(prefix),
    close: () => harness.close(),
  };
}

async function gitlabWorld(): Promise<World> {
  const twin = await startGitLabTwin(demoGitLabScenario());
  const deps = createTestProviderDeps();
  const connect = (token: string) =>
    createGitLabProvider(
      { kind: 'gitlab-self-managed', baseUrl: new URL(twin.url), target: 'acme', token },
      deps,
    ).files!;
  const project = twin.state.projects.get(1000)!;
  const alice = twin.state.requireUser('alice');
  return {
    files: connect('glpat-demo-alice-api'),
    refused: connect('glpat-demo-revoked'),
    repository: { externalId: '1000', fullName: 'acme/website' },
    commit: (files) =>
      twin.state.commit(project, 'main', 'Change files', alice, (tree) => {
        for (const [path, text] of Object.entries(files)) tree.set(path, text);
      }).id,
    count: (prefix) => twin.count(prefix),
    async close() {
      await deps.close();
      await twin.close();
    },
  };
}

async function bitbucketCloudWorld(): Promise<World> {
  const twin = await startBitbucketCloudTwin(demoBitbucketCloudScenario());
  const deps = createTestProviderDeps();
  const connect = (token: string) =>
    createBitbucketCloudProvider(
      { kind: 'bitbucket-cloud', baseUrl: new URL(twin.url), target: 'acme', token },
      deps,
    ).files!;
  return {
    files: connect('bbwat-demo-full'),
    refused: connect('bbwat-demo-expired'),
    repository: { externalId: twin.repository('acme', 'website').uuid, fullName: 'acme/website' },
    commit: (files) => twin.push('acme', 'website', 'main', files).after,
    count: (prefix) => twin.count(prefix),
    async close() {
      await deps.close();
      await twin.close();
    },
  };
}

async function bitbucketDataCenterWorld(): Promise<World> {
  const twin = await startBitbucketDataCenterTwin(demoBitbucketDataCenterScenario());
  const deps = createTestProviderDeps();
  const connect = (token: string) =>
    createBitbucketDataCenterProvider(
      { kind: 'bitbucket-data-center', baseUrl: new URL(twin.baseUrl), target: 'SHOP', token },
      deps,
    ).files!;
  const web = twin.state.findRepo(twin.state.projects.get('SHOP')!, 'web')!;
  return {
    files: connect('bbdc-project-read-token'),
    refused: connect('bbdc-expired-token'),
    repository: { externalId: String(web.id), fullName: 'SHOP/web' },
    commit: (files) => twin.push('SHOP', 'web', 'main', files).after,
    count: (prefix) => twin.count(prefix),
    async close() {
      await deps.close();
      await twin.close();
    },
  };
}

async function azureDevOpsWorld(): Promise<World> {
  const twin = await startAzureDevOpsTwin(demoAzureDevOpsScenario());
  const deps = createTestProviderDeps();
  const connect = (token: string) =>
    createAzureDevOpsProvider(
      { kind: 'azure-devops', baseUrl: new URL(twin.url), target: 'contoso', token },
      deps,
    ).files!;
  const shop = twin.state.findProject(twin.state.organizations.get('contoso')!, 'Shop')!;
  const web = twin.state.findRepo(shop, 'web')!;
  return {
    files: connect('ado-scanner-pat'),
    refused: connect('ado-unknown-pat'),
    repository: { externalId: web.id, fullName: 'contoso/Shop/web' },
    commit(files) {
      const head = web.refs.get('refs/heads/main')!;
      const tree = new Map(web.commits.get(head)!.files);
      for (const [path, text] of Object.entries(files)) tree.set(`/${path}`, text);
      const commit = twin.state.commit(web, head, 'Change files', tree);
      web.refs.set('refs/heads/main', commit.id);
      return commit.id;
    },
    count: (prefix) => twin.count(prefix),
    async close() {
      await deps.close();
      await twin.close();
    },
  };
}

const worlds: readonly [string, () => Promise<World>][] = [
  ['github', githubWorld],
  ['gitlab', gitlabWorld],
  ['bitbucket-cloud', bitbucketCloudWorld],
  ['bitbucket-data-center', bitbucketDataCenterWorld],
  ['azure-devops', azureDevOpsWorld],
];

async function rejection(promise: Promise<unknown>): Promise<ScmError> {
  try {
    await promise;
  } catch (error) {
    if (isScmError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe.each(worlds)('reading files at a commit (%s)', (_kind, start) => {
  let world: World;
  beforeAll(async () => {
    world = await start();
  });
  afterAll(() => world?.close());

  it('reads each commit made by a write, and the file as it was at the commit before', async () => {
    const path = 'docs/a b#1 ü?.txt';
    const first = world.commit({ [path]: 'one\n' });
    const second = world.commit({ [path]: 'two\n' });
    const before = await world.files.readFile(world.repository, first, path);
    const after = await world.files.readFile(world.repository, second, path);
    expect(before?.content.toString()).toBe('one\n');
    expect(after?.content.toString()).toBe('two\n');
    expect(before?.blobId).toBe(gitBlobId(Buffer.from('one\n')));
    expect(after?.blobId).toBe(gitBlobId(Buffer.from('two\n')));
    expect(await world.files.readFile(world.repository, first, 'docs/a b#1 ü?.txt.old')).toBeUndefined();
  });

  it('reads a 2 MiB file whole (over GitHub’s 1 MB inline limit)', async () => {
    const text = 'abcdefghijklmnop\n'.repeat((2 * mebibyte) / 17);
    const commit = world.commit({ 'data/two.txt': text });
    const file = await world.files.readFile(world.repository, commit, 'data/two.txt');
    expect(file?.content.length).toBe(Buffer.byteLength(text));
    expect(file?.content.equals(Buffer.from(text)), 'the whole content').toBe(true);
    expect(file?.blobId).toBe(gitBlobId(Buffer.from(text)));
  });

  it('refuses a file over 5 MiB as too-large, naming the limit', async () => {
    const commit = world.commit({ 'data/six.bin': 'x'.repeat(6 * mebibyte) });
    const error = await rejection(world.files.readFile(world.repository, commit, 'data/six.bin'));
    expect([error.kind, error.code]).toEqual(['too-large', 'file_too_large']);
    expect(error.message).toContain('5 MiB');
    expect(error.message).toContain('data/six.bin');
  });

  it('refuses absolute and escaping paths and a branch name before any request', async () => {
    const commit = world.commit({ 'x.txt': 'x\n' });
    const before = world.count();
    for (const [sha, path] of [
      [commit, '/etc/passwd'],
      [commit, 'docs/../../x'],
      [commit, 'docs\\..\\..\\x'],
      ['main', 'x.txt'],
    ] as const) {
      expect((await rejection(world.files.readFile(world.repository, sha, path))).kind).toBe('invalid');
    }
    expect(world.count()).toBe(before);
  });

  it('rejects auth for a refused token', async () => {
    const commit = world.commit({ 'y.txt': 'y\n' });
    const error = await rejection(world.refused.readFile(world.repository, commit, 'y.txt'));
    expect(error.kind).toBe('auth');
  });
});

describe('GitHub: files over 1 MB come from the git blobs API, over 5 MiB not at all', () => {
  let world: World;
  beforeAll(async () => {
    world = await githubWorld();
  });
  afterAll(() => world?.close());

  it('reads a 2 MiB file with one more request, by its blob sha', async () => {
    const commit = world.commit({ 'data/two.txt': 'y'.repeat(2 * mebibyte) });
    const blobs = world.count('/repos/acme/web-shop/git/blobs');
    const contents = world.count('/repos/acme/web-shop/contents');
    await world.files.readFile(world.repository, commit, 'data/two.txt');
    expect(world.count('/repos/acme/web-shop/git/blobs') - blobs).toBe(1);
    expect(world.count('/repos/acme/web-shop/contents') - contents).toBe(1);
  });

  it('does not download a file over the limit', async () => {
    const commit = world.commit({ 'data/six.txt': 'z'.repeat(6 * mebibyte) });
    const blobs = world.count('/repos/acme/web-shop/git/blobs');
    await rejection(world.files.readFile(world.repository, commit, 'data/six.txt'));
    expect(world.count('/repos/acme/web-shop/git/blobs')).toBe(blobs);
  });

  it('answers undefined for a directory', async () => {
    const commit = world.commit({ 'lib/a.js': 'a\n' });
    expect(await world.files.readFile(world.repository, commit, 'lib')).toBeUndefined();
  });
});
