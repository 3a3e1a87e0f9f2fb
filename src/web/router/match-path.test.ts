import { describe, expect, it } from 'vitest';
import { matchPath } from './match-path.js';

describe('matchPath', () => {
  it.each([
    ['/login', '/login', {}],
    ['/login', '/login/', {}],
    ['/', '/', {}],
    ['/invite/:token', '/invite/abc123', { token: 'abc123' }],
    ['/invite/:token', '/invite/a%2Fb', { token: 'a/b' }],
    ['/settings/members', '/settings/members', {}],
  ])('%s matches %s', (pattern, pathname, params) => {
    expect(matchPath(pattern, pathname)).toEqual(params);
  });

  it.each([
    ['/login', '/logins'],
    ['/settings', '/settings/members'],
    ['/invite/:token', '/invite'],
    ['/invite/:token', '/invite/a/b'],
    ['/invite/:token', '/invite/%E0%A4%A'],
    ['/', '/projects'],
  ])('%s does not match %s', (pattern, pathname) => {
    expect(matchPath(pattern, pathname)).toBeNull();
  });
});
