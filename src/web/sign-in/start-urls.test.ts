import { describe, expect, it } from 'vitest';
import { gitHubStartUrl, gitLabStartUrl, returnPath, ssoStartUrl, ssoTestUrl } from './start-urls.js';

describe('start URLs', () => {
  it.each([
    [
      gitHubStartUrl('https://github.com', 'sign-in'),
      '/auth/github/start?host=https%3A%2F%2Fgithub.com&purpose=sign-in',
    ],
    [
      gitHubStartUrl('https://ghe.example.com', 'link', '/profile'),
      '/auth/github/start?host=https%3A%2F%2Fghe.example.com&purpose=link&return_to=%2Fprofile',
    ],
    [
      gitLabStartUrl('7', 'sign-in', '/findings?x=1'),
      '/auth/gitlab/start?app=7&purpose=sign-in&return_to=%2Ffindings%3Fx%3D1',
    ],
    [gitLabStartUrl('a b', 'link'), '/auth/gitlab/start?app=a+b&purpose=link'],
    [ssoTestUrl('p/1'), '/auth/sso/p%2F1/start?purpose=test'],
  ])('%s', (actual, expected) => {
    expect(actual).toBe(expected);
  });

  it.each([
    ['/auth/sso/p1/start', 'sign-in', undefined, '/auth/sso/p1/start?purpose=sign-in'],
    [
      '/auth/sso/p1/start?purpose=test',
      'link',
      '/profile',
      '/auth/sso/p1/start?purpose=link&return_to=%2Fprofile',
    ],
    ['/auth/sso/p1/start?return_to=%2Fx', 'sign-in', undefined, '/auth/sso/p1/start?purpose=sign-in'],
    ['https://evil.example/start', 'sign-in', undefined, null],
    ['//evil.example/start', 'sign-in', undefined, null],
    ['/\\evil.example/start', 'sign-in', undefined, null],
    ['javascript:alert(1)', 'sign-in', undefined, null],
  ] as const)('SSO %s for %s', (url, purpose, returnTo, expected) => {
    expect(ssoStartUrl(url, purpose, returnTo)).toBe(expected);
  });

  it.each([
    ['?return_to=%2Fprofile', '/profile'],
    ['?next=%2Fsettings%2Fmembers', '/settings/members'],
    ['?return_to=%2Fprofile&next=%2Fsettings', '/profile'],
    ['?next=%2F%2Fevil.example', '/projects'],
    ['?return_to=https%3A%2F%2Fevil.example', '/projects'],
    ['?return_to=%2F%5Cevil.example', '/projects'],
    ['', '/projects'],
  ])('returnPath(%s)', (search, expected) => {
    expect(returnPath(search)).toBe(expected);
  });
});
