import type { StoredLocation } from './finding-view.js';

/* Reading back the JSON processing stored (locations, code flows, related locations): anything unreadable is null. */

export const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

export const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

export const int = (value: unknown): number | null =>
  typeof value === 'number' && Number.isInteger(value) ? value : null;

/** A stored location, or null when none was stored. */
export function storedLocation(value: unknown): StoredLocation | null {
  if (value === null || value === undefined) return null;
  const location = asRecord(value);
  return {
    path: text(location.path),
    startLine: int(location.startLine),
    startColumn: int(location.startColumn),
    endLine: int(location.endLine),
    endColumn: int(location.endColumn),
    unlinkedReason: text(location.unlinkedReason),
  };
}
