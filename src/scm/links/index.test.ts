import { describe, expect, it } from 'vitest';
import { scmKindIds, type ScmKindId } from '../../core/scm-kinds.js';
import { ScmError } from '../errors.js';
import { buildFileUrl, cloudLinkBase, createLinkBuilder } from './index.js';
import type { FileLocation, LinkBase, RepositoryRef } from './types.js';

const sha = '4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e';

/** A valid repository name for each kind, in `fullName` form. */
const fullNames: Record<ScmKindId, string> = {
  github: 'acme/api',
  'github-enterprise': 'acme/api',
  gitlab: 'acme/platform/api',
  'gitlab-self-managed': 'acme/api',
  'bitbucket-cloud': 'acme/api',
  'bitbucket-data-center': 'PROJ/api',
  'azure-devops': 'acme/Platform/api',
};
const base: LinkBase = { webUrl: 'https://scm.example.com' };
const valid = (kind: ScmKindId, patch: Partial<FileLocation> = {}): FileLocation => ({
  repository: { fullName: fullNames[kind] },
  commitSha: sha,
  path: 'src/app.ts',
  ...patch,
});

function invalidError(run: () => unknown): ScmError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ScmError);
    const scmError = error as ScmError;
    expect(scmError.kind).toBe('invalid');
    expect(scmError.retryable).toBe(false);
    return scmError;
  }
  throw new Error('expected the link builder to refuse the input');
}

const rejectedLocations: [string, Partial<FileLocation>, string][] = [
  ['sha too short', { commitSha: 'abc123' }, 'invalid_commit_sha'],
  ['sha too long', { commitSha: 'a'.repeat(65) }, 'invalid_commit_sha'],
  ['sha not hex', { commitSha: 'g'.repeat(40) }, 'invalid_commit_sha'],
  ['sha that is a branch name', { commitSha: 'main' }, 'invalid_commit_sha'],
  ['sha carrying a path', { commitSha: `${sha}/../../x` }, 'invalid_commit_sha'],
  ['empty sha', { commitSha: '' }, 'invalid_commit_sha'],
  ['.. at the start', { path: '../etc/passwd' }, 'invalid_path'],
  ['.. in the middle', { path: 'src/../../secrets.txt' }, 'invalid_path'],
  ['.. after a leading slash', { path: '/../x' }, 'invalid_path'],
  ['empty path', { path: '' }, 'invalid_path'],
  ['only slashes and dots', { path: '/./' }, 'invalid_path'],
  ['NUL in the path', { path: 'a\0b' }, 'invalid_path'],
  ['line 0', { startLine: 0 }, 'invalid_line_range'],
  ['negative line', { startLine: -3 }, 'invalid_line_range'],
  ['fractional line', { startLine: 1.5 }, 'invalid_line_range'],
  ['NaN line', { startLine: Number.NaN }, 'invalid_line_range'],
  ['infinite end', { startLine: 1, endLine: Number.POSITIVE_INFINITY }, 'invalid_line_range'],
  ['end before start', { startLine: 20, endLine: 10 }, 'invalid_line_range'],
  ['end without start', { endLine: 10 }, 'invalid_line_range'],
];

const rejectedBases: [string, string][] = [
  ['javascript:', 'javascript:alert(1)'],
  ['javascript: with slashes', 'javascript://scm.example.com/%0aalert(1)'],
  ['data:', 'data:text/html,<script>alert(1)</script>'],
  ['file:', 'file:///etc/passwd'],
  ['ftp:', 'ftp://scm.example.com'],
  ['protocol-relative', '//evil.example.com'],
  ['not a URL', 'scm.example.com'],
  ['empty', ''],
  ['credentials', 'https://user:secret@scm.example.com'],
  ['query', 'https://scm.example.com/?next=https://evil.example.com'],
  ['fragment', 'https://scm.example.com/#x'],
];

describe('buildFileUrl input checks', () => {
  describe.each(scmKindIds)('%s', (kind) => {
    it('builds an http(s) link that contains the commit', () => {
      const url = new URL(buildFileUrl(kind, base, valid(kind, { startLine: 1, endLine: 2 })));
      expect(url.protocol).toBe('https:');
      expect(url.host).toBe('scm.example.com');
      expect(url.href).toContain(sha);
    });

    it.each(rejectedLocations)('refuses %s', (_case, patch, code) => {
      expect(invalidError(() => buildFileUrl(kind, base, valid(kind, patch))).code).toBe(code);
    });

    it.each(rejectedBases)('refuses a %s web URL', (_case, webUrl) => {
      expect(invalidError(() => buildFileUrl(kind, { webUrl }, valid(kind))).code).toBe('invalid_web_url');
    });

    it.each(['..', '.', ''])('refuses a repository name part "%s"', (part) => {
      const fullName = fullNames[kind].replace(/[^/]+$/, part);
      const error = invalidError(() => buildFileUrl(kind, base, valid(kind, { repository: { fullName } })));
      expect(error.code).toBe('invalid_repository');
    });
  });

  it.each<[ScmKindId, string]>([
    ['github', 'acme'],
    ['github', 'acme/api/extra'],
    ['gitlab', 'api'],
    ['bitbucket-cloud', 'acme'],
    ['bitbucket-data-center', 'PROJ/api/extra'],
    ['azure-devops', 'Platform/api'],
    ['azure-devops', 'acme/Platform/_git/api'],
  ])('%s refuses the full name "%s"', (kind, fullName) => {
    const error = invalidError(() => buildFileUrl(kind, base, valid(kind, { repository: { fullName } })));
    expect(error.code).toBe('invalid_repository');
  });

  it.each<[ScmKindId, RepositoryRef]>([
    ['github', { family: 'gitlab', namespace: ['acme'], project: 'api' }],
    ['gitlab', { family: 'github', owner: 'acme', name: 'api' }],
    ['bitbucket-cloud', { family: 'bitbucket-data-center', projectKey: 'PROJ', slug: 'api' }],
    ['bitbucket-data-center', { family: 'bitbucket-cloud', workspace: 'acme', slug: 'api' }],
    ['azure-devops', { family: 'github', owner: 'acme', name: 'api' }],
  ])('%s refuses a repository of another kind', (kind, repository) => {
    expect(invalidError(() => buildFileUrl(kind, base, valid(kind, { repository }))).code).toBe(
      'invalid_repository',
    );
  });

  it('refuses a GitLab project without a namespace, or a name with a slash', () => {
    const noNamespace = { family: 'gitlab', namespace: [], project: 'api' } as const;
    expect(
      invalidError(() => buildFileUrl('gitlab', base, valid('gitlab', { repository: noNamespace }))).code,
    ).toBe('invalid_repository');
    const slashed = { family: 'github', owner: 'acme', name: 'api/../x' } as const;
    expect(
      invalidError(() => buildFileUrl('github', base, valid('github', { repository: slashed }))).code,
    ).toBe('invalid_repository');
  });

  it('gives every error a fix and never echoes the web URL', () => {
    const error = invalidError(() =>
      buildFileUrl('github', { webUrl: 'https://u:hunter2@x.example' }, valid('github')),
    );
    expect(error.fix).toBeTruthy();
    expect(error.message).not.toContain('hunter2');
  });
});

describe('createLinkBuilder', () => {
  it('checks the web root once, when created', () => {
    expect(() => createLinkBuilder('github', { webUrl: 'javascript:alert(1)' })).toThrow(ScmError);
  });

  it('builds the same links as buildFileUrl', () => {
    const links = createLinkBuilder('gitlab-self-managed', { webUrl: 'https://git.example.com/gitlab' });
    const location = valid('gitlab', { startLine: 3, endLine: 9 });
    expect(links.fileUrl(location)).toBe(
      buildFileUrl('gitlab-self-managed', { webUrl: 'https://git.example.com/gitlab' }, location),
    );
    expect(() => links.fileUrl({ ...location, commitSha: 'nope' })).toThrow(ScmError);
  });
});

describe('cloudLinkBase', () => {
  it.each<[ScmKindId, string | undefined]>([
    ['github', 'https://github.com'],
    ['gitlab', 'https://gitlab.com'],
    ['bitbucket-cloud', 'https://bitbucket.org'],
    ['azure-devops', 'https://dev.azure.com'],
    ['github-enterprise', undefined],
    ['gitlab-self-managed', undefined],
    ['bitbucket-data-center', undefined],
  ])('%s → %s', (kind, webUrl) => {
    expect(cloudLinkBase(kind)?.webUrl).toBe(webUrl);
  });
});
