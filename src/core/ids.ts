import { randomUUID } from 'node:crypto';

/**
 * A UUID version 7 (RFC 9562): 48 bits of milliseconds, then random bits. Rows inserted together land next to each
 * other in the primary-key index instead of on random pages, which keeps each transaction's writes small.
 */
export function timeOrderedId(now: number = Date.now()): string {
  // randomUUID draws from a pooled entropy buffer; its version-4 layout keeps the variant bits in place.
  const random = randomUUID();
  const time = now.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}
