import { describe, expect, it } from 'vitest';
import { branchName, defaultBranchResource } from './default-branch.js';

describe('defaultBranchResource', () => {
  it.each([
    ['5.16.0', 'branches/default'],
    ['6.10.17', 'branches/default'],
    ['7.4.2', 'branches/default'],
    ['7.5.0', 'default-branch'],
    ['7.21.11', 'default-branch'],
    ['8.19.5', 'default-branch'],
    ['9.4.2', 'default-branch'],
    ['10.0.1', 'default-branch'],
    [' 7.5', 'default-branch'],
    ['unknown', 'default-branch'],
  ] as const)('%s → %s', (version, resource) => {
    expect(defaultBranchResource(version)).toBe(resource);
  });
});

describe('branchName', () => {
  it.each([
    [{ id: 'refs/heads/main', displayId: 'main' }, 'main'],
    [{ id: 'refs/heads/release/1.x', displayId: null }, 'release/1.x'],
    [{ id: 'refs/heads/develop' }, 'develop'],
  ])('%j → %s', (ref, name) => {
    expect(branchName(ref)).toBe(name);
  });
});
