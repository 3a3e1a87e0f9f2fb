import { describe, expect, it } from 'vitest';
import { ScmError } from '../errors.js';
import { normalizeBaseUrl, redactUrl } from './url.js';

const codeOf = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    if (error instanceof ScmError) return `${error.kind}:${error.code}`;
    throw error;
  }
  return undefined;
};

describe('normalizeBaseUrl', () => {
  it.each([
    ['https://GitLab.Example.com/', 'https://gitlab.example.com/'],
    ['https://gitlab.example.com/api/v4/', 'https://gitlab.example.com/'],
    ['https://gitlab.example.com/api/v4', 'https://gitlab.example.com/'],
    ['https://git.corp/gitlab/api/v4', 'https://git.corp/gitlab'],
    ['https://ghe.corp/api/v3', 'https://ghe.corp/'],
    ['https://bitbucket.corp/rest/api/1.0/', 'https://bitbucket.corp/'],
    ['https://bitbucket.corp/bb/rest/api/latest', 'https://bitbucket.corp/bb'],
    ['https://ado.corp/tfs/DefaultCollection/_apis', 'https://ado.corp/tfs/DefaultCollection'],
    ['https://ğitlab.com', 'https://xn--itlab-j1a.com/'],
    ['https://git.corp:443/', 'https://git.corp/'],
    ['https://git.corp:8443//', 'https://git.corp:8443/'],
    ['https://0x7f.1/', 'https://127.0.0.1/'],
    ['https://[::ffff:127.0.0.1]/', 'https://[::ffff:7f00:1]/'],
  ])('%s → %s', (raw, expected) => {
    expect(normalizeBaseUrl(raw, { allowHttp: false }).href).toBe(expected);
  });

  it('keeps plain http when the operator allows it', () => {
    expect(normalizeBaseUrl('http://scm.example.com', { allowHttp: true }).href).toBe(
      'http://scm.example.com/',
    );
  });

  it.each([
    ['file:///etc/passwd', 'invalid:scheme_not_allowed'],
    ['gopher://127.0.0.1:6379/_', 'invalid:scheme_not_allowed'],
    ['ftp://x', 'invalid:scheme_not_allowed'],
    ['javascript:alert(1)', 'invalid:scheme_not_allowed'],
    ['//evil.com', 'invalid:invalid_base_url'],
    ['http://scm.example.com', 'invalid:scheme_not_allowed'],
    ['https://user:pass@scm.example.com', 'invalid:invalid_base_url'],
    ['https://a@b@scm.example.com', 'invalid:invalid_base_url'],
    ['https://@scm.example.com', 'invalid:invalid_base_url'],
    ['https://evil.com\\@10.0.0.1', 'invalid:invalid_base_url'],
    ['https://scm.example.com /x', 'invalid:invalid_base_url'],
    [' https://scm.example.com', 'invalid:invalid_base_url'],
    ['https://scm.example.com/\ttab', 'invalid:invalid_base_url'],
    ['https://scm.example.com/\u0000', 'invalid:invalid_base_url'],
    ['https://scm.example.com/?private_token=x', 'invalid:invalid_base_url'],
    ['https://scm.example.com/?', 'invalid:invalid_base_url'],
    ['https://scm.example.com/#top', 'invalid:invalid_base_url'],
    [`https://scm.example.com/${'a'.repeat(2040)}`, 'invalid:invalid_base_url'],
    ['not a url', 'invalid:invalid_base_url'],
    ['https://', 'invalid:invalid_base_url'],
  ])('refuses %s', (raw, expected) => {
    expect(codeOf(() => normalizeBaseUrl(raw, { allowHttp: false }))).toBe(expected);
  });
});

describe('redactUrl', () => {
  it('masks secret query parameters and userinfo, keeps the rest', () => {
    const text = redactUrl(
      'https://u:p@git.corp/api/v4/projects?private_token=glpat-SECRET&page=2&access_token=abc',
    );
    expect(text).not.toContain('SECRET');
    expect(text).not.toContain('abc');
    expect(text).not.toContain('u:p');
    expect(text).toBe('https://git.corp/api/v4/projects?private_token=***&page=2&access_token=***');
  });
});
