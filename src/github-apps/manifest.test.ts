import { describe, expect, it } from 'vitest';
import { neededAppEvents, neededAppPermissions } from '../scm/github/app-credentials.js';
import { buildAppManifest, defaultAppName, githubLoginPattern, manifestFormTarget } from './manifest.js';

describe('buildAppManifest', () => {
  it.each([
    {
      what: 'the instance app on github.com',
      input: { publicUrl: new URL('https://scm.example.com'), public: true },
      hook: 'https://scm.example.com/webhooks/github',
      redirect: 'https://scm.example.com/github/manifest',
      setup: 'https://scm.example.com/github/setup',
      name: 'scm-connect scm.example.com',
      isPublic: true,
    },
    {
      what: 'a public URL with a port and a trailing path is reduced to its origin',
      input: { publicUrl: new URL('http://127.0.0.1:8080/ignored'), public: true },
      hook: 'http://127.0.0.1:8080/webhooks/github',
      redirect: 'http://127.0.0.1:8080/github/manifest',
      setup: 'http://127.0.0.1:8080/github/setup',
      name: 'scm-connect 127.0.0.1',
      isPublic: true,
    },
    {
      what: 'an Enterprise Server app with its own webhook path and name',
      input: {
        publicUrl: new URL('https://scm.example.com'),
        public: true,
        name: 'Acme scanner (GHE)',
        webhookPath: '/webhooks/github-enterprise/7f1c',
      },
      hook: 'https://scm.example.com/webhooks/github-enterprise/7f1c',
      redirect: 'https://scm.example.com/github/manifest',
      setup: 'https://scm.example.com/github/setup',
      name: 'Acme scanner (GHE)',
      isPublic: true,
    },
    {
      what: 'a private app when asked for',
      input: { publicUrl: new URL('https://scm.example.com'), public: false },
      hook: 'https://scm.example.com/webhooks/github',
      redirect: 'https://scm.example.com/github/manifest',
      setup: 'https://scm.example.com/github/setup',
      name: 'scm-connect scm.example.com',
      isPublic: false,
    },
  ])('$what', ({ input, hook, redirect, setup, name, isPublic }) => {
    const manifest = buildAppManifest(input);
    expect(manifest).toEqual({
      name,
      url: input.publicUrl.origin,
      description: expect.stringContaining(input.publicUrl.origin),
      hook_attributes: { url: hook, active: true },
      redirect_url: redirect,
      callback_urls: [setup],
      setup_url: setup,
      setup_on_update: true,
      request_oauth_on_install: true,
      public: isPublic,
      default_permissions: neededAppPermissions,
      default_events: neededAppEvents,
    });
    expect(JSON.parse(JSON.stringify(manifest))).toEqual(manifest);
  });

  it('asks for what scm-connect needs, installation events left to GitHub', () => {
    const manifest = buildAppManifest({ publicUrl: new URL('https://scm.example.com'), public: true });
    expect(manifest.default_permissions).toMatchObject({
      contents: 'write',
      pull_requests: 'write',
      members: 'read',
      workflows: 'write',
      checks: 'write',
      secrets: 'write',
      metadata: 'read',
    });
    expect(manifest.default_events).not.toContain('installation');
    expect(manifest.default_events).not.toContain('installation_repositories');
  });
});

describe('defaultAppName', () => {
  it.each([
    ['https://scm.example.com', 'scm-connect scm.example.com'],
    ['https://localhost:8080', 'scm-connect localhost'],
    // GitHub refuses names over 34 characters.
    ['https://scm-connect.security.very-long-company.example', 'scm-connect'],
  ])('%s → %s', (url, name) => {
    expect(defaultAppName(new URL(url))).toBe(name);
    expect(defaultAppName(new URL(url)).length).toBeLessThanOrEqual(34);
  });
});

describe('manifestFormTarget', () => {
  it.each([
    ['https://github.com', null, 'https://github.com/settings/apps/new?state=s1'],
    [
      'https://github.com/',
      'acme-corp',
      'https://github.com/organizations/acme-corp/settings/apps/new?state=s1',
    ],
    [
      'https://ghe.example.com',
      'Platform',
      'https://ghe.example.com/organizations/Platform/settings/apps/new?state=s1',
    ],
    ['http://127.0.0.1:4010', null, 'http://127.0.0.1:4010/settings/apps/new?state=s1'],
  ])('%s, owner %s → %s', (web, owner, target) => {
    expect(manifestFormTarget(new URL(web), owner, 's1').href).toBe(target);
  });

  it('encodes the state and refuses an owner that is not a login', () => {
    expect(manifestFormTarget(new URL('https://github.com'), null, 'a b&c').search).toBe('?state=a+b%26c');
    expect(() => manifestFormTarget(new URL('https://github.com'), '../admin', 's')).toThrow(
      /organization login/,
    );
  });
});

describe('githubLoginPattern', () => {
  it.each([
    ['acme', true],
    ['acme-corp', true],
    ['A1', true],
    ['a'.repeat(39), true],
    ['a'.repeat(40), false],
    ['-acme', false],
    ['acme-', false],
    ['ac--me', false],
    ['acme/corp', false],
    ['', false],
  ])('%s → %s', (login, ok) => {
    expect(githubLoginPattern.test(login)).toBe(ok);
  });
});
