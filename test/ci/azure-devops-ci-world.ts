import { createAzureDevOpsProvider } from '../../src/scm/azure-devops/index.js';
import type { CiTemplate, ScmProvider } from '../../src/scm/provider.js';
import { createTestProviderDeps } from '../helpers/scm-http.js';
import { startAzureDevOpsTwin, type AzureDevOpsTwin } from '../twins/azure-devops/index.js';
import type { AdoProject, AdoRepo } from '../twins/azure-devops/state.js';

/** A project name and a repository name with every character a URL treats specially. */
export const hostileProject = 'R&D #1 ?50%';
export const hostileRepo = 'we b?x=1&y#z%41';

/** An Azure DevOps twin for CI tests, and providers on it by PAT. */
export interface CiWorld {
  readonly twin: AzureDevOpsTwin;
  provider(token?: string): ScmProvider;
  project(name?: string): AdoProject;
  repo(name: string, project?: string): AdoRepo;
  /** What `ensureCiJob` and friends take for a twin repository. */
  ref(name: string, project?: string): { externalId: string; fullName: string; defaultBranch: string | null };
  /** POSTs the twin received whose path ends with `tail` (`/pushes`, `/_apis/pipelines`). */
  posts(tail: string): number;
  close(): Promise<void>;
}

export const template: CiTemplate = {
  path: 'azure-pipelines.yml',
  content: 'trigger: [main]\nvariables:\n  - group: scm-connect\nsteps:\n  - script: scan\n',
  branch: 'scanner/add-ci',
  commitMessage: 'Add the scanner CI job',
  pullRequest: { title: 'Add code scanning', description: 'Adds the scanner CI job.' },
};

export async function startCiWorld(): Promise<CiWorld> {
  const twin = await startAzureDevOpsTwin({
    users: [{ principalName: 'alice@example.com', displayName: 'Alice Admin' }],
    pats: [
      { value: 'ci-pat', user: 'alice@example.com', scopes: 'full' },
      { value: 'code-read-pat', user: 'alice@example.com', scopes: ['vso.code'] },
      { value: 'code-write-pat', user: 'alice@example.com', scopes: ['vso.code_write'] },
      {
        value: 'no-library-pat',
        user: 'alice@example.com',
        scopes: ['vso.code_write', 'vso.build_execute', 'vso.variablegroups_read'],
      },
    ],
    organizations: [
      {
        name: 'contoso',
        projects: [
          {
            name: 'Shop',
            repositories: [
              { name: 'web', files: { '/README.md': '# Web\n' } },
              { name: 'api', files: { '/README.md': '# API\n' } },
              { name: 'done', files: { '/azure-pipelines.yml': template.content } },
              { name: 'direct', files: { '/README.md': '# Direct\n' } },
              { name: 'locked', policyBranches: ['refs/heads/main'], files: { '/README.md': '# Locked\n' } },
              { name: 'raced', files: { '/README.md': '# Raced\n' } },
              { name: 'empty', empty: true },
              { name: 'forked', isFork: true },
            ],
          },
          { name: hostileProject, repositories: [{ name: hostileRepo, files: { '/README.md': '# x\n' } }] },
          { name: 'Vault', repositories: [{ name: 'svc', files: { '/README.md': '# svc\n' } }] },
        ],
        members: [{ user: 'alice@example.com', collectionAdmin: true }],
      },
    ],
  });
  const deps = createTestProviderDeps();
  const project = (name = 'Shop') => twin.state.findProject(twin.state.organizations.get('contoso')!, name)!;
  const repo = (name: string, projectName = 'Shop') => twin.state.findRepo(project(projectName), name)!;
  return {
    twin,
    provider: (token = 'ci-pat') =>
      createAzureDevOpsProvider(
        { kind: 'azure-devops', baseUrl: new URL(twin.url), target: 'contoso', token },
        deps,
      ),
    project,
    repo,
    ref(name, projectName = 'Shop') {
      const found = repo(name, projectName);
      return {
        externalId: found.id,
        fullName: `contoso/${projectName}/${name}`,
        defaultBranch: found.refs.size === 0 ? null : 'main',
      };
    },
    posts: (tail) => twin.log.filter((r) => r.method === 'POST' && r.path.endsWith(tail)).length,
    async close() {
      await deps.close();
      await twin.close();
    },
  };
}
