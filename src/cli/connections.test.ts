import { describe, expect, it } from 'vitest';
import { formatReport } from './connections.js';

const report = (tokenExpiry: Parameters<typeof formatReport>[0]['tokenExpiry']) => ({
  ok: true,
  status: 'ok',
  reachable: { status: 'ok', message: 'Answered.' },
  target: { status: 'ok', message: 'Visible.' },
  capabilities: [],
  ...(tokenExpiry ? { tokenExpiry } : {}),
});

describe('formatReport: token expiry', () => {
  it.each([
    [
      'a date',
      { expiresAt: '2030-01-01T00:00:00.000Z', status: 'ok' },
      'token expires: 2030-01-01T00:00:00.000Z',
    ],
    ['never', { expiresAt: null, status: 'ok' }, 'token expires: never'],
    [
      'not readable',
      { status: 'skipped', warning: 'Not readable with the token itself.' },
      'token expires: not readable (Not readable with the token itself.)',
    ],
  ])('%s', (_what, tokenExpiry, line) => {
    expect(formatReport(report(tokenExpiry)).split('\n')).toContain(`  ${line}`);
  });
});
