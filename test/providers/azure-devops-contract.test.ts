import { createAzureDevOpsProvider } from '../../src/scm/azure-devops/index.js';
import { runProviderContract } from '../contract/provider-contract.js';
import { createTestProviderDeps } from '../helpers/scm-http.js';
import { startAzureDevOpsTwin } from '../twins/azure-devops/index.js';

runProviderContract('azure-devops', async () => {
  const twin = await startAzureDevOpsTwin({
    users: [
      { principalName: 'alice@example.com', displayName: 'Alice Admin' },
      { principalName: 'bob@example.com', displayName: 'Bob Builder' },
      { principalName: 'rita@example.com', displayName: 'Rita Reader' },
    ],
    pats: [
      { value: 'full-pat', user: 'alice@example.com', scopes: 'full' },
      { value: 'revocable-pat', user: 'alice@example.com', scopes: ['vso.code', 'vso.project'] },
    ],
    organizations: [
      {
        name: 'contoso',
        // Each project's repositories are one answer: three projects make three "pages" after the projects.
        projects: [
          {
            name: 'Shop',
            repositories: [
              { name: 'web', files: { '/README.md': '# Web\n', '/src/app.ts': 'export const app = 1;\n' } },
              { name: 'old', isDisabled: true },
            ],
          },
          { name: 'Tools', generatedRepositoryCount: 40 },
          {
            name: 'Docs',
            visibility: 'public',
            repositories: [{ name: 'site', defaultBranch: 'refs/heads/gh-pages' }],
          },
        ],
        members: [
          { user: 'alice@example.com', collectionAdmin: true },
          { user: 'bob@example.com', projects: { Shop: 'projectContributor' } },
          { user: 'rita@example.com', projects: { Shop: 'projectReader' } },
        ],
      },
    ],
  });
  const deps = createTestProviderDeps();
  const connect = (token: string) =>
    createAzureDevOpsProvider(
      { kind: 'azure-devops', baseUrl: new URL(twin.url), target: 'contoso', token },
      deps,
    );
  const shop = twin.state.organizations.get('contoso')!.projects.find((project) => project.name === 'Shop')!;
  const web = twin.state.findRepo(shop, 'web')!;
  const head = web.refs.get('refs/heads/main')!;
  // A pull request changing src/app.ts: any line of a changed file takes a thread, so off the diff is a line
  // the file does not have, or a file the pull request leaves alone.
  await twin.push('contoso', 'Shop', 'web', 'feature', {
    'src/app.ts': 'export const app = 2;\nexport const b = 3;\n',
  });
  const opened = twin.openPullRequest('contoso', 'Shop', 'web', 'feature');
  const prHead = web.refs.get('refs/heads/feature')!;
  const prRef = { repository: { externalId: web.id, fullName: 'contoso/Shop/web' }, number: opened.id };
  const person = (name: string) => {
    const user = twin.state.users.get(name)!;
    return { id: user.id, login: user.principalName };
  };
  return {
    provider: connect('full-pat'),
    pullRequest: {
      ref: prRef,
      inline: { path: 'src/app.ts', line: 2, commitSha: prHead },
      offDiffLine: 3,
    },
    commenter: {
      ref: prRef,
      inline: { path: 'src/app.ts', line: 1, commitSha: prHead },
      offDiff: { path: 'README.md', line: 1, commitSha: prHead },
      people: { writer: person('bob@example.com'), reader: person('rita@example.com') },
    },
    ciRepository: { externalId: web.id, fullName: 'contoso/Shop/web', defaultBranch: 'main' },
    file: {
      repository: { externalId: web.id, fullName: 'contoso/Shop/web' },
      commitSha: head,
      path: 'src/app.ts',
      content: web.commits.get(head)!.files.get('/src/app.ts')!,
      directory: 'src',
    },
    expected: {
      organization: 'contoso',
      repositoryCount: 2 + 40 + 1,
      someRepository: {
        externalId: web.id,
        name: 'web',
        defaultBranch: 'main',
        archived: false,
        visibility: 'private',
      },
      memberCount: 3,
      someMember: { login: 'alice@example.com', role: 'admin' },
    },
    async breakToken() {
      twin.state.pats.delete('revocable-pat');
      return connect('revocable-pat');
    },
    twin,
    async teardown() {
      await deps.close();
      await twin.close();
    },
  };
});
