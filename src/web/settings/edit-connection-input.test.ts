import { describe, expect, it } from 'vitest';
import type { Connection } from '../api/schemas.js';
import { checkForm } from '../forms/field-rules.js';
import { connectionChanges, editRules } from './edit-connection-input.js';

const connection = (kind: string, statusReason: Connection['statusReason'] = null): Connection => ({
  id: 'c1',
  kind,
  name: 'acme',
  baseUrl: 'https://gitlab.example.com',
  target: 'acme',
  status: statusReason ? 'needs_attention' : 'connected',
  statusReason,
  hasToken: true,
  createdAt: '2026-01-01T00:00:00.000Z',
  organizations: [],
});

const selfManaged = connection('gitlab-self-managed');
const cloud = connection('gitlab');
const unchanged = { name: 'acme', baseUrl: 'https://gitlab.example.com', token: '', caPem: '' };

describe('connectionChanges', () => {
  it.each([
    ['nothing changed', selfManaged, unchanged, false, {}],
    ['a new name', selfManaged, { ...unchanged, name: 'Acme GitLab' }, false, { name: 'Acme GitLab' }],
    [
      'a new URL and token',
      selfManaged,
      { ...unchanged, baseUrl: 'https://git.example.com', token: 'glpat-x' },
      false,
      { baseUrl: 'https://git.example.com', token: 'glpat-x' },
    ],
    ['a CA certificate', selfManaged, { ...unchanged, caPem: 'PEM' }, false, { caPem: 'PEM' }],
    ['the CA certificate removed', selfManaged, { ...unchanged, caPem: 'PEM' }, true, { caPem: null }],
    [
      'a cloud kind: no URL or CA is sent',
      cloud,
      { ...unchanged, baseUrl: 'https://other.example', caPem: 'PEM', token: 't' },
      true,
      { token: 't' },
    ],
  ] as const)('%s', (_what, item, values, removeCa, expected) => {
    expect(connectionChanges(item, values, removeCa)).toEqual(expected);
  });
});

describe('editRules', () => {
  it('asks for URL and CA on a self-managed kind only, and lets the token stay empty', () => {
    expect(Object.keys(editRules(selfManaged)).sort()).toEqual(['baseUrl', 'caPem', 'name', 'token']);
    expect(Object.keys(editRules(cloud)).sort()).toEqual(['name', 'token']);
    expect(checkForm(editRules(selfManaged), unchanged)).toEqual({});
  });

  it('requires the token again when the stored one can no longer be read', () => {
    const unreadable = connection('gitlab-self-managed', {
      code: 'credentials_invalid',
      message: 'The stored token can no longer be read.',
      at: '2026-01-02T00:00:00.000Z',
      source: 'test',
    });
    expect(checkForm(editRules(unreadable), unchanged).token).toMatch(/paste the token again/);
  });

  it('refuses an address that is not one', () => {
    expect(checkForm(editRules(selfManaged), { ...unchanged, baseUrl: 'gitlab' }).baseUrl).toMatch(
      /https:\/\//,
    );
  });
});
