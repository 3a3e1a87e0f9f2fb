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
