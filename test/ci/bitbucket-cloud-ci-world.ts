import { expect } from 'vitest';
import { ciAccessScopes } from '../twins/bitbucket-cloud/scenario.js';
import { createBitbucketCloudProvider } from '../../src/scm/bitbucket-cloud/index.js';
import type { ConnectableProvider } from '../../src/scm/connection-settings.js';
import { ScmError } from '../../src/scm/errors.js';
import type { ScmRepositoryRef, ScmRepository } from '../../src/scm/provider.js';
import { createTestProviderDeps } from '../helpers/scm-http.js';
import {
  startBitbucketCloudTwin,
  type BitbucketCloudTwin,
  type BitbucketScope,
} from '../twins/bitbucket-cloud/index.js';

const without = (scope: BitbucketScope) => ciAccessScopes.filter((s) => s !== scope);

/** Tokens by what they lack. */
export const ciTokens = {
  full: 'bbwat-ci-full',
  noAdmin: 'bbwat-ci-no-admin',
  noPullRequestWrite: 'bbwat-ci-no-pr-write',
  noVariable: 'bbwat-ci-no-variable',
  noPipelineRead: 'bbwat-ci-no-pipeline',
} as const;

/**
 * A workspace with a repository that has an open pull request of someone else's, one never set up for
 * Pipelines, an empty one, one whose main branch is push-restricted, one whose `scanner/*` branches are, a
 * fork, and one with a slug of dots and underscores.
 */
export async function startCiTwin(): Promise<BitbucketCloudTwin> {
  return startBitbucketCloudTwin({
    users: [
      {
        accountId: '557058:alice',
        displayName: 'Alice Owner',
        nickname: 'alice',
        email: 'alice@example.com',
      },
    ],
    workspaces: [
      {
        slug: 'acme',
        members: [{ user: '557058:alice', permission: 'owner' }],
        repositories: [
          {
            slug: 'website',
            files: { 'README.md': '# Website\n', 'src/app.py': 'print("hi")\n' },
            pullRequests: [{ id: 1, title: 'Add login', author: '557058:alice', source: 'feature/login' }],
            pipelinesEnabled: false,
          },
          { slug: 'fresh', files: { 'README.md': '# Fresh\n' } },
          { slug: 'empty', empty: true },
          {
            slug: 'guarded',
            files: { 'README.md': '# Guarded\n' },
            branchRestrictions: [{ pattern: 'main', users: ['557058:alice'] }],
            pipelinesEnabled: true,
          },
          {
            slug: 'strict',
            files: { 'README.md': '# Strict\n' },
            branchRestrictions: [{ pattern: 'scanner/*' }],
            pipelinesEnabled: true,
          },
          { slug: 'website-fork', parent: 'acme/website', files: { 'README.md': '# Fork\n' } },
          { slug: 'odd.name_-1', mainbranch: 'trunk', files: { 'README.md': '# Odd\n' } },
        ],
      },
    ],
    accessTokens: [
      { value: ciTokens.full, kind: 'workspace', workspace: 'acme', name: 'scanner', scopes: ciAccessScopes },
      { value: ciTokens.noAdmin, kind: 'workspace', workspace: 'acme', scopes: without('repository:admin') },
      {
        value: ciTokens.noPullRequestWrite,
        kind: 'workspace',
        workspace: 'acme',
        scopes: [...without('pullrequest:write'), 'repository:write'],
      },
      {
        value: ciTokens.noVariable,
        kind: 'workspace',
        workspace: 'acme',
        scopes: without('pipeline:variable'),
      },
      { value: ciTokens.noPipelineRead, kind: 'workspace', workspace: 'acme', scopes: without('pipeline') },
    ],
  });
}

/** Providers of the real Bitbucket Cloud adapter against the twin, one per token. */
export function ciHarness(twin: BitbucketCloudTwin) {
  const deps = createTestProviderDeps();
  return {
    provider: (token: string = ciTokens.full): ConnectableProvider =>
      createBitbucketCloudProvider(
        { kind: 'bitbucket-cloud', baseUrl: new URL(twin.url), target: 'acme', token },
        deps,
      ),
    close: () => deps.close(),
  };
}

/** The repository as the bulk job hands it over. */
export function repositoryRef(
  twin: BitbucketCloudTwin,
  slug: string,
): ScmRepositoryRef & Pick<ScmRepository, 'defaultBranch'> {
  const repo = twin.repository('acme', slug);
  return { externalId: repo.uuid, fullName: `acme/${slug}`, defaultBranch: repo.mainbranch };
}

export function scmError(error: unknown): ScmError {
  expect(error).toBeInstanceOf(ScmError);
  return error as ScmError;
}
