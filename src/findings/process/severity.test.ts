import { describe, expect, it } from 'vitest';
import { readSecuritySeverity, severityOf, type Level } from './severity.js';

describe('severity', () => {
  it.each<[Level, unknown, string]>([
    ['warning', '9.1', 'critical'],
    ['note', 10, 'critical'],
    ['warning', '9.0', 'high'],
    ['none', 7.0, 'high'],
    ['error', '6.9', 'medium'],
    ['error', 4, 'medium'],
    ['error', '3.9', 'low'],
    ['error', 0.1, 'low'],
    ['error', '0', 'high'],
    ['error', 'n/a', 'high'],
    ['warning', undefined, 'medium'],
    ['note', undefined, 'low'],
    ['none', undefined, 'info'],
  ])('level %s, security-severity %j → %s', (level, securitySeverity, expected) => {
    expect(severityOf(level, readSecuritySeverity(securitySeverity))).toBe(expected);
  });
});
