import { describe, expect, it } from 'vitest';
import { ScmError } from './errors.js';
import {
  blockedRow,
  capabilityIds,
  capabilityRows,
  failedRow,
  notCheckedRow,
  notOfferedRow,
  type Check,
} from './test-report.js';

describe('report rows', () => {
  const ok: Check = { status: 'ok', message: 'Readable.' };
  const rest = notOfferedRow('GitLab');

  it('fills every capability, in order, with the given rows or the rest', () => {
    const rows = capabilityRows({ 'read-members': ok }, rest);
    expect(Object.keys(rows)).toEqual([...capabilityIds]);
    expect(rows['read-members']).toBe(ok);
    expect(rows['list-repositories']).toEqual({
      status: 'skipped',
      message: 'Not offered for GitLab connections yet.',
    });
  });

  it.each([
    [
      new ScmError('auth', 'Token refused.', { fix: 'Create a new token.' }),
      'Create a new token.',
      'Create a new token.',
    ],
    [
      new ScmError('auth', 'Token refused.'),
      'Check the connection settings and try again.',
      'Fix the problem above first.',
    ],
  ])('fails with the error’s fix, else the fallback (%#)', (error, failedFix, blockedFix) => {
    expect(failedRow(error)).toEqual({
      status: 'fail',
      code: 'invalid_credentials',
      message: 'Token refused.',
      fix: failedFix,
    });
    expect(failedRow(error, 'Check the group.').fix).toBe(error.fix ?? 'Check the group.');
    expect(blockedRow(error)).toEqual({
      status: 'fail',
      code: 'invalid_credentials',
      message: 'Not checked: Token refused.',
      fix: blockedFix,
    });
  });

  it('says why a row was not checked', () => {
    expect(notCheckedRow('the group is not usable.')).toEqual({
      status: 'skipped',
      message: 'Not checked: the group is not usable.',
    });
  });
});
