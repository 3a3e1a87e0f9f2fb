import { describe, expect, it } from 'vitest';
import { REDACTED, isSensitiveKey, maskUrl, redactText, redactValue, scrubText } from './redact.js';

const R = REDACTED;

describe('maskUrl', () => {
  it.each([
    [
      'https://gitlab.example/api/v4/projects?private_token=glpat-x&page=2',
      `https://gitlab.example/api/v4/projects?private_token=${R}&page=2`,
    ],
    ['/api/v4/user?access_token=abc', `/api/v4/user?access_token=${R}`],
    ['/auth/callback?code=c0de&state=s7ate', `/auth/callback?code=${R}&state=${R}`],
    [
      '/cb?CODE=1&State=2&token=3&client_secret=4&password=5',
      `/cb?CODE=${R}&State=${R}&token=${R}&client_secret=${R}&password=${R}`,
    ],
    ['/cb?private%5Ftoken=abc', `/cb?private%5Ftoken=${R}`],
    [
      '/api/v1/accounts/a/scans?repository=https%3A%2F%2Fx-access-token%3Aghs_secret%40github.com%2Facme%2Fshop.git&commit=abc',
      `/api/v1/accounts/a/scans?repository=${encodeURIComponent(`https://${R}@github.com/acme/shop.git`)}&commit=abc`,
    ],
    [
      '/scans?repository=git%40github.com%3Aacme%2Fshop.git',
      '/scans?repository=git%40github.com%3Aacme%2Fshop.git',
    ],
    ['/cb?token=a&token=b', `/cb?token=${R}&token=${R}`],
    ['/cb?token', '/cb?token'],
    ['/cb?token=', `/cb?token=${R}`],
    ['https://x-access-token:ghs_abc@github.com/o/r.git', `https://${R}@github.com/o/r.git`],
    ['https://oauth2:tok@en@gitlab.example:8443/g', `https://${R}@gitlab.example:8443/g`],
    ['//user:pw@host/p', `//${R}@host/p`],
    [
      'https://app.example/cb#access_token=abc&token_type=bearer',
      `https://app.example/cb#access_token=${R}&token_type=bearer`,
    ],
    [
      'https://api.github.com/repos/o/r?per_page=100&page=3',
      'https://api.github.com/repos/o/r?per_page=100&page=3',
    ],
    ['https://host/path/with@sign?q=1', 'https://host/path/with@sign?q=1'],
    ['/plain/path', '/plain/path'],
    ['', ''],
  ])('%s', (input, expected) => {
    expect(maskUrl(input)).toBe(expected);
  });
});

describe('scrubText', () => {
  it.each([
    [
      'an error echoing a URL',
      'GET https://gl.example/api/v4/user?private_token=abc123 answered 401',
      `GET https://gl.example/api/v4/user?private_token=${R} answered 401`,
    ],
    ['a relative URL', 'redirected to /cb?code=xyz&state=abc', `redirected to /cb?code=${R}&state=${R}`],
    [
      'a form body',
      'access_token=gho_16C7e42F292c6912E7710c838347Ae178B4a&scope=repo',
      `access_token=${R}&scope=repo`,
    ],
    [
      'a JSON body',
      '{"message":"Bad credentials","token":"t0k3n","id":5}',
      `{"message":"Bad credentials","token":"${R}","id":5}`,
    ],
    [
      'JSON escaped inside JSON',
      '{"msg":"{\\"client_secret\\":\\"s3cr3t\\"}"}',
      `{"msg":"{\\"client_secret\\":\\"${R}\\"}"}`,
    ],
    ['an Authorization header line', 'Authorization: Bearer abcdefgh12345678', `Authorization: ${R}`],
    ['a PRIVATE-TOKEN header line', 'PRIVATE-TOKEN: glpat-short', `PRIVATE-TOKEN: ${R}`],
    ['a bare Bearer credential', 'sent Bearer abcdefgh12345678 upstream', `sent ${R} upstream`],
    [
      'a Basic credential',
      `sent Basic ${Buffer.from('x:tok').toString('base64')} upstream`,
      `sent ${R} upstream`,
    ],
    [
      'userinfo',
      'clone https://oauth2:tok@gitlab.example/g/p.git failed',
      `clone https://${R}@gitlab.example/g/p.git failed`,
    ],
    ['a GitHub token', 'token ghp_16C7e42F292c6912E7710c838347Ae178B4a is revoked', `token ${R} is revoked`],
    ['a GitLab token', 'glpat-AbCdEf1234567890XyZ_ expired', `${R} expired`],
    ['a JWT', 'jwt eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIxMjMifQ.c2lnbmF0dXJl', `jwt ${R}`],
    [
      'a PEM key',
      'key -----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY----- end',
      `key ${R} end`,
    ],
    ['a truncated PEM key', 'key -----BEGIN PRIVATE KEY-----\nMIIEow', `key ${R}`],
  ])('masks %s', (_name, input, expected) => {
    expect(scrubText(input)).toBe(expected);
  });

  it.each([
    'Basic authentication is not allowed',
    'the token lacks the `api` scope (has `read_api`): create a token with `api`',
    'GET /api/v4/groups/:id/projects?page=2&per_page=100 answered 500',
    '{"code":"invalid_credentials","message":"Token expired"}',
    'hasToken=true',
  ])('leaves ordinary text alone: %s', (input) => {
    expect(scrubText(input)).toBe(input);
  });
});

describe('redactText', () => {
  const token = 'pat-0123456789abcdef';
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  it.each([
    ['the token', `upstream said: invalid token ${token}`, 'upstream said: invalid token [Redacted]'],
    ['its base64', `echo ${b64(token)}`, 'echo [Redacted]'],
    ['its base64url without padding', `echo ${Buffer.from(token).toString('base64url')}`, 'echo [Redacted]'],
    [
      'a Basic form with a user',
      `Authorization: Basic ${b64(`x-access-token:${token}`)}`,
      'Authorization: [Redacted]',
    ],
    ['the Azure DevOps Basic form', `Basic ${b64(`:${token}`)} refused`, '[Redacted] refused'],
    ['a bare base64 of user:token', `cred=${b64(`oauth2:${token}`)}`, 'cred=[Redacted]'],
    ['URL-encoded', `?t=${encodeURIComponent('a b/c+d=')}`, '?t=[Redacted]'],
  ])('replaces %s', (_name, input, expected) => {
    const secrets = _name === 'URL-encoded' ? ['a b/c+d='] : [token];
    expect(redactText(input, secrets)).toBe(expected);
  });

  it('handles several secrets, longest first, and ignores empty ones', () => {
    expect(redactText('abc and abcdef', ['abc', 'abcdef', ''])).toBe('[Redacted] and [Redacted]');
    expect(redactText('nothing here', [])).toBe('nothing here');
    expect(redactText('nothing here', [''])).toBe('nothing here');
  });
});

describe('isSensitiveKey', () => {
  it.each([
    'authorization',
    'Authorization',
    'cookie',
    'set-cookie',
    'private-token',
    'PRIVATE-TOKEN',
    'token',
    'accessToken',
    'access_token',
    'installationToken',
    'password',
    'secret',
    'webhookSecret',
    'clientSecret',
    'client_secret',
    'privateKey',
    'private_key',
    'apiKey',
    'x-gitlab-token',
  ])('%s is sensitive', (key) => expect(isSensitiveKey(key)).toBe(true));
  it.each([
    'hasToken',
    'tokenUpdatedAt',
    'code',
    'state',
    'key',
    'projectKey',
    'id',
    'url',
    'kind',
    'tokenExpiresAt',
  ])('%s is not', (key) => expect(isSensitiveKey(key)).toBe(false));
});

describe('redactValue', () => {
  const token = 'tok-0123456789abcdef';

  it('redacts secret fields at any depth, keeps flags and other fields', () => {
    const input = {
      connection: { id: 7, hasToken: true, token: null, creds: { a: { b: { clientSecret: token } } } },
    };
    expect(redactValue(input)).toEqual({
      connection: { id: 7, hasToken: true, token: null, creds: { a: { b: { clientSecret: R } } } },
    });
    expect(redactValue({ privateKey: { pem: 'x' }, credentials: [token] })).toEqual({
      privateKey: R,
      credentials: R,
    });
  });

  it('does not change its input', () => {
    const input = { token, list: [{ password: token }] };
    redactValue(input);
    expect(input).toEqual({ token, list: [{ password: token }] });
  });

  it('turns errors into objects with their fields and causes redacted', () => {
    const cause = Object.assign(new Error(`GET /u?private_token=${token}`), {
      headers: { 'PRIVATE-TOKEN': token },
    });
    const error = Object.assign(new TypeError('outer', { cause }), { status: 401 });
    const out = redactValue({ error });
    expect(JSON.stringify(out)).not.toContain(token);
    expect(out).toMatchObject({
      error: {
        type: 'TypeError',
        message: 'outer',
        status: 401,
        cause: { type: 'Error', message: `GET /u?private_token=${R}`, headers: { 'PRIVATE-TOKEN': R } },
      },
    });
  });

  it('handles URLs, Headers, search params, raw header lists, buffers, cycles and deep nesting', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = cyclic;
    let deep: Record<string, unknown> = { token };
    for (let i = 0; i < 20; i += 1) deep = { deep };
    const out = redactValue({
      url: new URL(`https://h.example/p?access_token=${token}`),
      headers: new Headers({ authorization: `Bearer ${token}`, accept: 'application/json' }),
      params: new URLSearchParams({ token, page: '2' }),
      raw: ['authorization', `token ${token}`, 'accept', '*/*'],
      body: Buffer.from(token),
      cyclic,
      deep,
    });
    expect(JSON.stringify(out)).not.toContain(token);
    expect(out).toMatchObject({
      url: `https://h.example/p?access_token=${R}`,
      headers: { authorization: R, accept: 'application/json' },
      params: { token: R, page: '2' },
      raw: ['authorization', R, 'accept', '*/*'],
      body: `[Binary ${token.length} bytes]`,
      cyclic: { name: 'loop', self: '[Circular]' },
    });
  });
});
