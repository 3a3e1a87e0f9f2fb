import { describe, expect, it } from 'vitest';
import {
  assessTokenExpiry,
  buildTestReport,
  capabilityIds,
  capabilityLabels,
  missingScopes,
  summarizeReport,
  type Check,
  type CheckStatus,
  type TestReportInput,
} from '../../src/scm/provider.js';

const now = new Date('2026-05-01T12:00:00.000Z');
const hours = (n: number) => new Date(now.getTime() + n * 3_600_000);
const days = (n: number) => hours(n * 24);

describe('assessTokenExpiry', () => {
  it.each<[string, Date | string | null, CheckStatus, number | undefined, RegExp | undefined]>([
    ['never expires', null, 'ok', undefined, undefined],
    ['in 30 days', days(30), 'ok', 30, undefined],
    ['in exactly 14 days', days(14), 'ok', 14, undefined],
    ['just under 14 days', hours(14 * 24 - 1), 'warn', 13, /in 13 days/],
    ['in one day', days(1), 'warn', 1, /in 1 day \(/],
    ['in 5 hours', hours(5), 'warn', 0, /within a day/],
    ['as an ISO string', '2026-05-04T12:00:00Z', 'warn', 3, /in 3 days/],
    ['right now', now, 'fail', 0, /expired on 2026-05-01/],
    ['last week', days(-7), 'fail', 0, /expired on 2026-04-24/],
  ])('%s', (_case, expiresAt, status, daysLeft, warning) => {
    const expiry = assessTokenExpiry(expiresAt, now);
    expect(expiry.status).toBe(status);
    expect(expiry.daysLeft).toBe(daysLeft);
    if (warning) expect(expiry.warning).toMatch(warning);
    else expect(expiry.warning).toBeUndefined();
    expect(expiry.fix === undefined).toBe(status === 'ok');
    expect(expiry.expiresAt).toBe(expiresAt === null ? null : new Date(expiresAt).toISOString());
  });

  it('takes another warning window', () => {
    expect(assessTokenExpiry(days(20), now, 30).status).toBe('warn');
    expect(assessTokenExpiry(days(20), now, 7).status).toBe('ok');
  });

  it('refuses an unreadable date', () => {
    expect(() => assessTokenExpiry('next tuesday', now)).toThrow(RangeError);
  });
});

const line = (status: CheckStatus): Check => ({ status, message: status, fix: 'fix it' });

describe('summarizeReport', () => {
  it.each<[string, Partial<Parameters<typeof summarizeReport>[0]>, boolean, string]>([
    ['all ok', {}, true, 'ok'],
    ['skipped rows count as nothing', { capabilities: [line('skipped'), line('ok')] }, true, 'ok'],
    ['a warning row', { capabilities: [line('ok'), line('warn')] }, true, 'warn'],
    ['a failing row', { capabilities: [line('warn'), line('fail')] }, false, 'fail'],
    ['unreachable', { reachable: line('fail') }, false, 'fail'],
    ['target not visible', { target: line('fail') }, false, 'fail'],
    ['token expiring soon', { tokenExpiry: { expiresAt: null, status: 'warn' } }, true, 'warn'],
    ['token expired', { tokenExpiry: { expiresAt: null, status: 'fail' } }, false, 'fail'],
    ['missing scopes', { scopes: { granted: [], needed: ['api'], missing: ['api'] } }, false, 'fail'],
    ['scopes complete', { scopes: { granted: ['api'], needed: ['api'], missing: [] } }, true, 'ok'],
  ])('%s', (_case, patch, ok, status) => {
    const base = { reachable: line('ok'), target: line('ok'), scopes: undefined, capabilities: [line('ok')] };
    expect(summarizeReport({ ...base, ...patch })).toEqual({ ok, status });
  });
});

describe('buildTestReport', () => {
  const input: TestReportInput = {
    reachable: { status: 'ok', message: 'Answered.' },
    identity: { id: '7', login: 'bot' },
    scopes: { granted: ['read_api'], needed: ['api'], missing: missingScopes(['read_api'], ['api']) },
    target: { status: 'ok', message: 'Group visible.' },
    capabilities: {
      'write-ci-files': {
        status: 'fail',
        message: 'Cannot push.',
        fix: 'Create a token with the `api` scope.',
      },
      'receive-webhooks': { status: 'skipped', message: 'Not offered.' },
      'read-members': { status: 'ok', message: 'Yes.' },
      'list-repositories': { status: 'ok', message: 'Yes.' },
      'comment-on-pull-requests': { status: 'warn', message: 'Only summary comments.' },
    },
  };

  it('orders and labels one row per capability and derives ok from the lines', () => {
    const report = buildTestReport(input, now);
    expect(report.capabilities.map((row) => row.id)).toEqual([...capabilityIds]);
    expect(report.capabilities.map((row) => row.label)).toEqual(
      capabilityIds.map((id) => capabilityLabels[id]),
    );
    expect(report.capabilities.find((row) => row.id === 'write-ci-files')).toMatchObject(
      input.capabilities['write-ci-files'],
    );
    expect(report).toMatchObject({ ok: false, status: 'fail', checkedAt: '2026-05-01T12:00:00.000Z' });
    expect(report.scopes?.missing).toEqual(['api']);
    expect(report.identity).toEqual(input.identity);
  });

  it('is ok once the failing capability is fixed', () => {
    const fixed = {
      ...input,
      scopes: undefined,
      capabilities: { ...input.capabilities, 'write-ci-files': { status: 'ok', message: 'Yes.' } },
    } satisfies TestReportInput;
    expect(buildTestReport(fixed, now)).toMatchObject({ ok: true, status: 'warn' });
  });
});

describe('missingScopes', () => {
  it.each<[string[], string[], string[]]>([
    [['api'], ['api'], []],
    [['read_api'], ['api'], ['api']],
    [[], ['repo', 'read:org'], ['repo', 'read:org']],
    [['read:org', 'admin'], ['repo', 'read:org'], ['repo']],
  ])('granted %j, needed %j → missing %j', (granted, needed, missing) => {
    expect(missingScopes(granted, needed)).toEqual(missing);
  });
});
