import { describe, expect, it } from 'vitest';
import {
  candidateKey,
  candidateLabel,
  defaultRoleMapping,
  managedReasons,
  organizationLabel,
  outcomeText,
  scmRoleLabel,
} from './membership-display.js';

const acme = {
  connectionId: 'c1',
  kind: 'github',
  host: 'github.com',
  organization: { externalId: '5001', name: 'acme' },
} as const;
const platform = {
  connectionId: 'c2',
  kind: 'gitlab',
  host: 'gitlab.example.com',
  organization: { externalId: '42', name: 'platform' },
} as const;

describe('membership display', () => {
  it('names organizations and groups', () => {
    expect(organizationLabel(acme)).toBe('GitHub organization acme');
    expect(candidateLabel(platform)).toBe('GitLab group platform (gitlab.example.com)');
    expect(candidateKey(acme)).toBe('c1/5001');
  });

  it.each([
    ['owner', 'Owner'],
    ['minimal_access', 'Minimal access'],
    ['', ''],
  ])('scmRoleLabel(%j)', (role, label) => {
    expect(scmRoleLabel(role)).toBe(label);
  });

  it('maps owners to admins by default', () => {
    expect(defaultRoleMapping(['owner', 'maintainer', 'guest'])).toEqual({
      owner: 'admin',
      maintainer: 'member',
      guest: 'member',
    });
  });

  it.each([
    [null, 'Not run yet'],
    [{ ok: true, added: 2, removed: 1, updated: 0 }, 'Succeeded: 2 added, 1 removed, 0 updated'],
    [{ ok: false, added: 0, removed: 0, updated: 0, error: 'token revoked' }, 'Failed: token revoked'],
    [{ ok: false, added: 0, removed: 0, updated: 0 }, 'Failed: no reason given'],
  ])('outcomeText %#', (outcome, text) => {
    expect(outcomeText(outcome)).toBe(text);
  });

  it('refuses role edits only while a role mapping is on', () => {
    const label = 'GitHub organization acme';
    expect(managedReasons({ label, roleMapping: null })).toEqual({
      role: null,
      remove: 'Remove them from GitHub organization acme: scm-connect follows within a minute.',
    });
    expect(managedReasons({ label, roleMapping: { owner: 'admin' } }).role).toMatch(/role mapping/);
  });
});
