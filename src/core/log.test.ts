import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ScmError } from '../scm/errors.js';
import { REDACT_PATHS, createLogger } from './log.js';

/** A token with no recognizable prefix, so only structural redaction can catch it. */
const TOKEN = randomBytes(20).toString('hex');
const b64 = (text: string) => Buffer.from(text).toString('base64');

function capture(level = 'debug') {
  const lines: string[] = [];
  const logger = createLogger({ level, destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines, text: () => lines.join('') };
}

/** K2: none of the forms a token can take in a log line. */
function expectNoToken(text: string): void {
  expect(text).not.toContain(TOKEN);
  expect(text).not.toContain(b64(TOKEN));
  expect(text).not.toContain(Buffer.from(TOKEN).toString('base64url'));
  for (const user of ['x-access-token', 'oauth2', '']) expect(text).not.toContain(b64(`${user}:${TOKEN}`));
  expect(text).not.toMatch(/Bearer\s/i);
  expect(text).not.toMatch(/Basic\s+[A-Za-z0-9+/]/);
}

function parse(lines: readonly string[]): Record<string, unknown>[] {
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('createLogger (K2)', () => {
  it('redacts a token in request headers at debug level', () => {
    const { logger, lines, text } = capture();
    logger.debug(
      {
        req: {
          method: 'GET',
          url: '/api/v4/groups/12/projects?page=2',
          headers: {
            authorization: `Bearer ${TOKEN}`,
            'private-token': TOKEN,
            cookie: `sid=${TOKEN}`,
            accept: 'application/json',
          },
        },
        res: { statusCode: 401, headers: { 'set-cookie': [`sid=${TOKEN}`] } },
      },
      'gitlab call',
    );
    logger.debug({ headers: { Authorization: `Basic ${b64(`x-access-token:${TOKEN}`)}` } }, 'github call');
    logger.debug({ headers: new Headers({ authorization: `Basic ${b64(`:${TOKEN}`)}` }) }, 'azure call');
    expectNoToken(text());
    const [first] = parse(lines);
    expect(first).toMatchObject({
      msg: 'gitlab call',
      req: {
        method: 'GET',
        url: '/api/v4/groups/12/projects?page=2',
        headers: { authorization: '[Redacted]', 'private-token': '[Redacted]', accept: 'application/json' },
      },
      res: { statusCode: 401, headers: { 'set-cookie': '[Redacted]' } },
    });
  });

  it('redacts *.token and other secret fields, at any depth, and in child bindings', () => {
    const { logger, lines, text } = capture();
    logger.debug({ connection: { id: 7, kind: 'gitlab', token: TOKEN, hasToken: true } });
    logger.debug({
      app: { privateKey: `-----BEGIN RSA PRIVATE KEY-----\n${TOKEN}\n-----END RSA PRIVATE KEY-----` },
    });
    logger.debug({
      manifest: { conversion: { webhookSecret: TOKEN, clientSecret: TOKEN, accessToken: TOKEN } },
    });
    logger.child({ token: TOKEN, connectionId: 7 }).debug({ password: TOKEN }, 'child');
    expectNoToken(text());
    const [first, , third, fourth] = parse(lines);
    expect(first).toMatchObject({
      connection: { id: 7, kind: 'gitlab', token: '[Redacted]', hasToken: true },
    });
    expect(third).toMatchObject({
      manifest: { conversion: { webhookSecret: '[Redacted]', accessToken: '[Redacted]' } },
    });
    expect(fourth).toMatchObject({
      token: '[Redacted]',
      connectionId: 7,
      password: '[Redacted]',
      msg: 'child',
    });
  });

  it('masks tokens in URL queries and userinfo, in fields and in messages', () => {
    const { logger, lines, text } = capture();
    logger.debug({ url: `https://gitlab.example/api/v4/user?private_token=${TOKEN}&page=1` }, 'fetch');
    logger.debug({ target: new URL(`https://oauth2:${TOKEN}@gitlab.example/g/p.git`) });
    logger.debug(`GET https://gitlab.example/api/v4/user?access_token=${TOKEN} answered 401`);
    logger.debug('callback %s', `/auth/github/callback?code=${TOKEN}&state=${TOKEN}`);
    logger.info(`sending Authorization: Bearer ${TOKEN}`);
    expectNoToken(text());
    const [first, second] = parse(lines);
    expect(first).toMatchObject({
      url: 'https://gitlab.example/api/v4/user?private_token=[Redacted]&page=1',
    });
    expect(second).toMatchObject({ target: 'https://[Redacted]@gitlab.example/g/p.git' });
  });

  it('redacts a token inside a nested error, its cause, its fields and its message', () => {
    const { logger, lines, text } = capture();
    const upstream = Object.assign(
      new Error(`401 from https://gitlab.example/api/v4/user?private_token=${TOKEN}`),
      {
        request: { headers: { Authorization: `Bearer ${TOKEN}`, 'PRIVATE-TOKEN': TOKEN } },
        body: `{"message":"401 Unauthorized","token":"${TOKEN}"}`,
      },
    );
    const error = new ScmError('auth', 'The token was rejected.', { cause: upstream, status: 401 });
    logger.debug({ err: error }, 'test connection failed');
    logger.error(upstream);
    logger.debug({ job: { id: 3, lastError: error } });
    logger.debug({ err: new AggregateError([upstream], 'several failed') });
    expectNoToken(text());
    const [first, second] = parse(lines);
    expect(first).toMatchObject({
      msg: 'test connection failed',
      err: {
        type: 'ScmError',
        kind: 'auth',
        status: 401,
        message: 'The token was rejected.',
        cause: {
          message: '401 from https://gitlab.example/api/v4/user?private_token=[Redacted]',
          request: { headers: { Authorization: '[Redacted]', 'PRIVATE-TOKEN': '[Redacted]' } },
        },
      },
    });
    expect(second!['msg']).toBe('401 from https://gitlab.example/api/v4/user?private_token=[Redacted]');
  });

  it('keeps working when a logged object cannot be read', () => {
    const { logger, lines } = capture();
    const hostile = {
      get token(): string {
        throw new Error(TOKEN);
      },
    };
    logger.debug({ hostile, id: 1 }, 'still logged');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(TOKEN);
    expect(parse(lines)[0]).toMatchObject({ msg: 'still logged' });
  });

  it('refuses an unknown level and honours the given one', () => {
    expect(() => createLogger({ level: 'verbose' })).toThrow(/Unknown log level "verbose"/);
    const { logger, lines } = capture('warn');
    logger.info('hidden');
    logger.warn('shown');
    expect(parse(lines).map((l) => l['msg'])).toEqual(['shown']);
  });
});

describe('REDACT_PATHS', () => {
  it('on their own, make pino censor the listed fields', () => {
    const lines: string[] = [];
    const bare = pino(
      { redact: { paths: [...REDACT_PATHS], censor: '[Redacted]' } },
      { write: (l: string) => void lines.push(l) },
    );
    bare.info({
      req: { headers: { authorization: TOKEN, cookie: TOKEN, 'private-token': TOKEN, accept: '*/*' } },
      res: { headers: { 'set-cookie': TOKEN } },
      connection: { token: TOKEN, id: 1 },
      user: { password: TOKEN },
      app: { secret: TOKEN, privateKey: TOKEN, webhookSecret: TOKEN, clientSecret: TOKEN },
      oauth: { accessToken: TOKEN },
    });
    expect(lines[0]).not.toContain(TOKEN);
    expect(parse(lines)[0]).toMatchObject({ req: { headers: { accept: '*/*' } }, connection: { id: 1 } });
  });
});

describe('createLogger as the Fastify logger (K2)', () => {
  it('masks the request URL and keeps headers, cookies and errors out of request logs', async () => {
    const { logger, text } = capture();
    const app = Fastify({ loggerInstance: logger });
    app.get('/auth/github/callback', async (request) => {
      request.log.debug({ headers: request.headers }, 'callback headers');
      throw new ScmError(
        'auth',
        `exchange failed: https://github.com/login/oauth/access_token?client_secret=${TOKEN}`,
      );
    });
    const response = await app.inject({
      method: 'GET',
      url: `/auth/github/callback?code=${TOKEN}&state=${TOKEN}&installation_id=42`,
      headers: { authorization: `Bearer ${TOKEN}`, cookie: `session=${TOKEN}`, 'private-token': TOKEN },
    });
    await app.close();
    expect(response.statusCode).toBe(500);
    const output = text();
    expectNoToken(output);
    expect(output).toContain(
      '"url":"/auth/github/callback?code=[Redacted]&state=[Redacted]&installation_id=42"',
    );
    expect(output).toContain('"statusCode":500');
    expect(output).toContain('client_secret=[Redacted]');
  });
});
