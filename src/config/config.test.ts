import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('SCM_CONNECT_METRICS_TOKEN', () => {
  it('is unset by default, so /metrics stays open', () => {
    expect(loadConfig({}).metricsToken).toBeUndefined();
  });

  it('takes a bearer token of 16 characters or more', () => {
    const token = 'a1B2-c3D4.e5F6_g7H8~i9+/=';
    expect(loadConfig({ SCM_CONNECT_METRICS_TOKEN: token }).metricsToken).toBe(token);
  });

  it.each(['too-short', 'has spaces in the middle', 'line\nbreak-0123456789', 'é'.repeat(20)])(
    'refuses %j, naming the variable and not echoing the value',
    (value) => {
      let caught: unknown;
      try {
        loadConfig({ SCM_CONNECT_METRICS_TOKEN: value });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      const message = (caught as ConfigError).message;
      expect(message).toContain('SCM_CONNECT_METRICS_TOKEN: must be 16 to 512');
      expect(message).not.toContain(value);
    },
  );
});

describe('SCM_CONNECT_MEMBERSHIP_EVERY', () => {
  it('reconciles membership sources hourly by default', () => {
    expect(loadConfig({}).membershipEveryMs).toBe(3_600_000);
    expect(loadConfig({ SCM_CONNECT_MEMBERSHIP_EVERY: '15m' }).membershipEveryMs).toBe(900_000);
  });

  it.each(['30s', '25d', 'hourly'])('refuses %j, naming the variable', (value) => {
    expect(() => loadConfig({ SCM_CONNECT_MEMBERSHIP_EVERY: value })).toThrow(
      /SCM_CONNECT_MEMBERSHIP_EVERY: must be a duration from 1m to 24d/,
    );
  });
});

describe('SCM_CONNECT_GITHUB_APP_*', () => {
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    type: 'pkcs1',
    format: 'pem',
  }) as string;
  const app = {
    SCM_CONNECT_GITHUB_APP_ID: '123456',
    SCM_CONNECT_GITHUB_APP_SLUG: 'acme-scanner',
    SCM_CONNECT_GITHUB_APP_PRIVATE_KEY: key,
    SCM_CONNECT_GITHUB_APP_WEBHOOK_SECRET: 'a-webhook-secret',
    SCM_CONNECT_GITHUB_APP_CLIENT_ID: 'Iv23liAcme',
    SCM_CONNECT_GITHUB_APP_CLIENT_SECRET: 'client-secret-value',
  };
  const problemsOf = (env: Record<string, string>): string => {
    try {
      loadConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
    return '';
  };

  it('is absent when none is set', () => {
    expect(loadConfig({}).githubApp).toBeUndefined();
  });

  it('reads all of them, the key with its line breaks written as \\n too', () => {
    const config = loadConfig({ ...app, SCM_CONNECT_GITHUB_APP_PRIVATE_KEY: key.replace(/\n/g, '\\n') });
    expect(config.githubApp).toEqual({
      appId: '123456',
      slug: 'acme-scanner',
      privateKey: key,
      webhookSecret: 'a-webhook-secret',
      clientId: 'Iv23liAcme',
      clientSecret: 'client-secret-value',
    });
  });

  it('reads the key from a file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'scm-config-'));
    const file = path.join(dir, 'app.pem');
    writeFileSync(file, key);
    const { SCM_CONNECT_GITHUB_APP_PRIVATE_KEY: _inline, ...rest } = app;
    expect(loadConfig({ ...rest, SCM_CONNECT_GITHUB_APP_PRIVATE_KEY_FILE: file }).githubApp?.privateKey).toBe(
      key,
    );
    expect(
      problemsOf({ ...rest, SCM_CONNECT_GITHUB_APP_PRIVATE_KEY_FILE: path.join(dir, 'missing.pem') }),
    ).toContain('SCM_CONNECT_GITHUB_APP_PRIVATE_KEY_FILE: the file cannot be read');
    rmSync(dir, { recursive: true, force: true });
  });

  it('names what is missing when only some are set', () => {
    const message = problemsOf({ SCM_CONNECT_GITHUB_APP_ID: '1', SCM_CONNECT_GITHUB_APP_SLUG: 'x' });
    expect(message).toContain('SCM_CONNECT_GITHUB_APP_WEBHOOK_SECRET');
    expect(message).toContain('SCM_CONNECT_GITHUB_APP_PRIVATE_KEY (or _PRIVATE_KEY_FILE)');
  });

  it.each([
    ['SCM_CONNECT_GITHUB_APP_ID', '12e3', 'numeric id'],
    ['SCM_CONNECT_GITHUB_APP_ID', '9007199254740993.0', 'numeric id'],
    ['SCM_CONNECT_GITHUB_APP_PRIVATE_KEY', 'not-a-key-at-all', 'is not a PEM private key'],
  ])('refuses %s=%j, not echoing it', (name, value, expected) => {
    const message = problemsOf({ ...app, [name]: value });
    expect(message).toContain(name);
    expect(message).toContain(expected);
    expect(message).not.toContain(value);
  });
});

describe('SCM_CONNECT_GITHUB_CONTENT_LIMITS', () => {
  it("is github.com's 80 a minute and 500 an hour by default", () => {
    expect(loadConfig({}).githubContentLimits).toEqual({
      perMinute: 80,
      minuteMs: 60_000,
      perHour: 500,
      hourMs: 3_600_000,
    });
  });

  it.each([
    ['200/1m,2000/1h', { perMinute: 200, minuteMs: 60_000, perHour: 2000, hourMs: 3_600_000 }],
    ['80/6s, 500/36s', { perMinute: 80, minuteMs: 6_000, perHour: 500, hourMs: 36_000 }],
    ['1000/2h,50/30s', { perMinute: 50, minuteMs: 30_000, perHour: 1000, hourMs: 7_200_000 }],
    ['1/1s,1000000/1d', { perMinute: 1, minuteMs: 1_000, perHour: 1_000_000, hourMs: 86_400_000 }],
  ])('reads %j, the shorter window as the minute one', (value, limits) => {
    expect(loadConfig({ SCM_CONNECT_GITHUB_CONTENT_LIMITS: value }).githubContentLimits).toEqual(limits);
  });

  it.each([
    '80/1m',
    '80/1m,500/1h,1000/1d',
    '80/1m,500/1m',
    '0/1m,500/1h',
    '80/1m,1000001/1h',
    '80/500ms,500/1h',
    '80/1m,500/25d',
    '80/minute,500/hour',
    '80 per 1m, 500 per 1h',
    '-80/1m,500/1h',
    '8.5/1m,500/1h',
    '80/1m,,500/1h',
  ])('refuses %j, naming the variable', (value) => {
    expect(() => loadConfig({ SCM_CONNECT_GITHUB_CONTENT_LIMITS: value })).toThrow(
      /SCM_CONNECT_GITHUB_CONTENT_LIMITS: must be two <count>\/<window> pairs/,
    );
  });
});
