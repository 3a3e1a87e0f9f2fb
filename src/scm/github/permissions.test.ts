import { describe, expect, it } from 'vitest';
import type { GitHubAppClients } from './app-clients.js';
import { gitBlobSha } from './ci.js';
import { grantedPermissions, listPermissions, permissionFix, permissionReport } from './permissions.js';
import { createGitHubContext } from './provider-context.js';

const context = (type: 'Organization' | 'User') =>
  createGitHubContext({
    kind: 'github',
    clients: {
      credentials: { webUrl: new URL('https://github.com/'), slug: 'acme-scanner' },
    } as unknown as GitHubAppClients,
    installation: { installationId: '4001', account: { id: '5001', login: 'acme', type } },
    now: () => new Date(),
  });

describe('GitHub app permissions', () => {
  it.each([
    [{}, []],
    [{ metadata: 'read' }, ['metadata:read']],
    [{ contents: 'write' }, ['contents:read', 'contents:write']],
    [{ administration: 'admin' }, ['administration:admin', 'administration:read', 'administration:write']],
    [{ odd: 'none' }, []],
  ])('%j grants %j', (permissions, granted) => {
    expect(grantedPermissions(permissions)).toEqual(granted);
  });

  it('needs what neededAppPermissions lists; a higher level satisfies a lower one', () => {
    const report = permissionReport({
      metadata: 'read',
      contents: 'write',
      pull_requests: 'write',
      members: 'write',
      workflows: 'write',
      checks: 'write',
    });
    expect(report.missing).toEqual(['secrets:write']);
  });

  it.each([
    [[], ''],
    [['members:read'], '`members: read`'],
    [
      ['members:read', 'checks:write', 'secrets:write'],
      '`members: read`, `checks: write` and `secrets: write`',
    ],
  ])('lists %j as %s', (permissions, text) => {
    expect(listPermissions(permissions)).toBe(text);
  });

  it.each([
    [
      'Organization',
      { members: 'read' },
      "An owner of `acme` must accept the new permissions in the organization's installed-app settings at https://github.com/organizations/acme/settings/installations/4001.",
    ],
    [
      'User',
      { members: 'read' },
      "An owner of `acme` must accept the new permissions in the account's installed-app settings at https://github.com/settings/installations/4001.",
    ],
    [
      'Organization',
      {},
      "Add `members: read` to the GitHub App's permissions at https://github.com/organizations/acme-owner/settings/apps/acme-scanner, then accept the new permissions in the organization's installed-app settings at https://github.com/organizations/acme/settings/installations/4001.",
    ],
  ] as const)('the fix for a %s installation when the app requests %j', (type, permissions, fix) => {
    const app = { permissions, owner: { login: 'acme-owner', type: 'Organization' } };
    expect(permissionFix(context(type), ['members:read'], app)).toBe(fix);
  });
});

describe('git blob ids', () => {
  it.each([
    ['', 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391'],
    ['hello', 'b6fc4c620b67d95f953a5c1c1230aaab5db5a1b0'],
  ])('%j is %s, as `git hash-object` computes it', (content, sha) => {
    expect(gitBlobSha(Buffer.from(content))).toBe(sha);
  });
});
