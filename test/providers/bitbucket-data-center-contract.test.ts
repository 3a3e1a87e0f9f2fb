import { createBitbucketDataCenterProvider } from '../../src/scm/bitbucket-data-center/index.js';
import { runProviderContract } from '../contract/provider-contract.js';
import { createTestProviderDeps } from '../helpers/scm-http.js';
import { startBitbucketDataCenterTwin } from '../twins/bitbucket-data-center/index.js';

const longFile = Array.from({ length: 30 }, (_, index) => `line ${index + 1}\n`).join('');

runProviderContract('bitbucket-data-center', async () => {
  const twin = await startBitbucketDataCenterTwin({
    contextPath: '/bitbucket',
    users: [
      { name: 'alice', displayName: 'Alice Admin' },
      { name: 'bob', displayName: 'Bob Builder' },
    ],
    tokens: [
      {
        value: 'core-admin',
        scope: { type: 'project', projectKey: 'CORE' },
        permissions: ['PROJECT_ADMIN', 'REPO_ADMIN'],
      },
      {
        value: 'core-revocable',
        scope: { type: 'project', projectKey: 'CORE' },
        permissions: ['PROJECT_READ', 'REPO_READ'],
      },
    ],
    projects: [
      {
        key: 'CORE',
        name: 'Core',
        members: [
          { user: 'alice', permission: 'PROJECT_ADMIN' },
          { user: 'bob', permission: 'PROJECT_READ' },
        ],
        repositories: [
          {
            slug: 'web',
            name: 'Web',
            files: {
              'README.md': '# Web\n',
              'src/main file.ts': 'export const web = 1;\n',
              'src/long.ts': longFile,
            },
          },
          { slug: 'legacy', archived: true },
        ],
        // Two pages at limit=1000.
        generatedRepositoryCount: 1_200,
      },
    ],
  });
  const deps = createTestProviderDeps();
  const connect = (token: string) =>
    createBitbucketDataCenterProvider(
      { kind: 'bitbucket-data-center', baseUrl: new URL(twin.baseUrl), target: 'CORE', token },
      deps,
    );
  const web = twin.state.findRepo(twin.state.projects.get('CORE')!, 'web')!;
  const main = web.branches.get('main')!;
  // A pull request changing line 25 of 30: lines 15–30 are in its diff (10 lines of context), line 2 is not.
  const { after: head } = twin.push('CORE', 'web', 'feature/comments', {
    'src/long.ts': longFile.replace('line 25\n', 'line 25 changed\n'),
  });
  const pr = twin.openPullRequest('CORE', 'web', 'feature/comments');
  const repository = { externalId: String(web.id), fullName: 'CORE/web' };
  const inline = { path: 'src/long.ts', line: 25, commitSha: head };
  const person = (name: string) => ({ id: String(twin.state.users.get(name)!.id), login: name });
  return {
    provider: connect('core-admin'),
    pullRequest: { ref: { repository, number: pr.id }, inline, offDiffLine: 2 },
    commenter: {
      ref: { repository, number: pr.id },
      inline,
      offDiff: { ...inline, line: 2 },
      // alice holds Project admin, bob Project read.
      people: { writer: person('alice'), reader: person('bob') },
    },
    // A path with a space: each segment is percent-encoded on its own.
    file: {
      repository: { externalId: String(web.id), fullName: 'CORE/web' },
      commitSha: main.head,
      path: 'src/main file.ts',
      content: main.files.get('src/main file.ts')!,
      directory: 'src',
    },
    expected: {
      organization: 'CORE',
      repositoryCount: 1_202,
      someRepository: {
        externalId: String(web.id),
        name: 'Web',
        defaultBranch: 'main',
        archived: false,
        visibility: 'private',
      },
      memberCount: 2,
      someMember: { login: 'alice', role: 'admin' },
    },
    async breakToken() {
      twin.state.tokens.delete('core-revocable');
      return connect('core-revocable');
    },
    twin,
    async teardown() {
      await deps.close();
      await twin.close();
    },
  };
});
