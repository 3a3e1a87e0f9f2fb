import type { FindingSeverity } from '../../db/schema.js';

export type Level = 'none' | 'note' | 'warning' | 'error';

const levels: ReadonlySet<string> = new Set(['none', 'note', 'warning', 'error']);

export const asLevel = (value: unknown): Level | undefined =>
  typeof value === 'string' && levels.has(value) ? (value as Level) : undefined;

/** SARIF `security-severity` (0.1–10.0, a number or a numeric string); undefined when absent or not positive. */
export function readSecuritySeverity(value: unknown): number | undefined {
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
  return Number.isFinite(number) && number > 0 ? number : undefined;
}

/**
 * The finding's severity: from `security-severity` where given (above 9.0 critical, 7.0 or more high, 4.0 or
 * more medium, else low), otherwise from the level (error high, warning medium, note low, none info).
 */
export function severityOf(level: Level, securitySeverity: number | undefined): FindingSeverity {
  if (securitySeverity !== undefined) {
    if (securitySeverity > 9.0) return 'critical';
    if (securitySeverity >= 7.0) return 'high';
    if (securitySeverity >= 4.0) return 'medium';
    return 'low';
  }
  switch (level) {
    case 'error':
      return 'high';
    case 'warning':
      return 'medium';
    case 'note':
      return 'low';
    case 'none':
      return 'info';
  }
}

/** Most severe first: the order of listings and of the summary. */
export const severities: readonly FindingSeverity[] = ['critical', 'high', 'medium', 'low', 'info'];
