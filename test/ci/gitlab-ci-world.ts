import type { ConnectableProvider } from '../../src/scm/connection-settings.js';
import { createGitLabProvider } from '../../src/scm/gitlab/index.js';
import type { CiTemplate, ScmRepository, ScmRepositoryRef } from '../../src/scm/provider.js';
import { createTestProviderDeps } from '../helpers/scm-http.js';
import { startGitLabTwin, type GitLabScenario, type GitLabTwin } from '../twins/gitlab/index.js';

/*
 * A GitLab group for the CI writer and the CI/CD variable store: `acme` with an Owner (alice), a Developer of
 * one project (bob), a Reporter (carol) and a Maintainer (mia); projects with and without a CI file, an empty one,
 * a fork, and one whose path is awkward to put in a URL.
 */

export const tokens = {
  owner: 'glpat-ci-alice',
  ownerReadApi: 'glpat-ci-alice-read',
  developer: 'glpat-ci-bob',
  reporter: 'glpat-ci-carol',
  maintainer: 'glpat-ci-mia',
} as const;

export const existingCi = 'stages: [test]\nunit:\n  script: [npm test]\n';

export function ciScenario(): GitLabScenario {
  return {
    users: [
      { id: 1, username: 'root', admin: true },
      { id: 11, username: 'alice', name: 'Alice Owner' },
      { id: 12, username: 'bob', name: 'Bob Developer' },
      { id: 13, username: 'carol', name: 'Carol Reporter' },
      { id: 14, username: 'mia', name: 'Mia Maintainer' },
    ],
    tokens: [
      { value: tokens.owner, user: 'alice', scopes: ['api'] },
      { value: tokens.ownerReadApi, user: 'alice', scopes: ['read_api'] },
      { value: tokens.developer, user: 'bob', scopes: ['api'] },
      { value: tokens.reporter, user: 'carol', scopes: ['api'] },
      { value: tokens.maintainer, user: 'mia', scopes: ['api'] },
    ],
    groups: [
      {
        id: 100,
        path: 'acme',
        members: [
          { user: 'alice', accessLevel: 50 },
          { user: 'carol', accessLevel: 20 },
        ],
        projects: [
          {
            id: 5001,
            path: 'web',
            files: { 'README.md': '# web\n' },
            members: [
              { user: 'bob', accessLevel: 30 },
              { user: 'mia', accessLevel: 40 },
            ],
          },
          { id: 5002, path: 'has-ci', files: { 'README.md': '# ci\n', '.gitlab-ci.yml': existingCi } },
          { id: 5003, path: 'empty', empty: true },
          { id: 5004, path: 'web-fork', forkedFrom: 'acme/web', files: { 'README.md': '# fork\n' } },
          { id: 5005, path: 'odd.path_x-1', files: { 'README.md': '# odd\n' } },
        ],
      },
    ],
  };
}

export const repo = (id: number, path: string, defaultBranch: string | null = 'main') => ({
  externalId: String(id),
  fullName: `acme/${path}`,
  defaultBranch,
});

export const template = (content: string, overrides: Partial<CiTemplate> = {}): CiTemplate => ({
  path: '.gitlab-ci.yml',
  content,
  branch: 'scanner/add-ci',
  commitMessage: 'Add the scanner CI job',
  pullRequest: { title: 'Add code scanning', description: 'Adds the scanner CI job.' },
  ...overrides,
});

export interface GitLabCiWorld {
  readonly twin: GitLabTwin;
  provider(token?: string): ConnectableProvider;
  close(): Promise<void>;
}

export async function startGitLabCiWorld(): Promise<GitLabCiWorld> {
  const twin = await startGitLabTwin(ciScenario());
  const deps = createTestProviderDeps();
  return {
    twin,
    provider: (token = tokens.owner) =>
      createGitLabProvider(
        { kind: 'gitlab-self-managed', baseUrl: new URL(twin.url), target: 'acme', token },
        deps,
      ),
    async close() {
      await deps.close();
      await twin.close();
    },
  };
}

export type CiRepository = ScmRepositoryRef & Pick<ScmRepository, 'defaultBranch'>;
