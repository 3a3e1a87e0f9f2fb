import { z } from 'zod/mini';
import { severities, type Severity } from '../api/finding-schemas.js';

/** What a processed scan's `summary` holds (`ScanSummary` of the processing job); read loosely. */
const count = z.catch(z.optional(z.number()), undefined);
export const scanSummarySchema = z.object({
  results: count,
  open: count,
  new: count,
  reopened: count,
  fixed: count,
  removed: count,
  newInPullRequest: count,
  bySeverity: z.catch(z.optional(z.partialRecord(z.enum(severities), z.number())), undefined),
});

/** One number of a scan's summary, as the scan panel lists it. */
export interface SummaryFact {
  readonly label: string;
  readonly value: number;
}

export interface SummaryView {
  readonly facts: readonly SummaryFact[];
  /** Findings the scan reported, by severity, most severe first; only severities it found. */
  readonly bySeverity: readonly { readonly severity: Severity; readonly count: number }[];
}

/**
 * The facts of a scan's summary worth showing: what it reported, what became new, reopened, fixed or removed,
 * and for a pull request scan what is new in it. A summary of another shape shows nothing rather than breaking.
 */
export const summaryView = (summary: unknown, isPullRequest: boolean): SummaryView => {
  const parsed = scanSummarySchema.safeParse(summary);
  if (!parsed.success) return { facts: [], bySeverity: [] };
  const data = parsed.data;
  const rows: [string, number | undefined][] = [
    ['Results in the log', data.results],
    ['Open findings it reported', data.open],
    ['New', data.new],
    ['Reopened', data.reopened],
    ['Fixed', data.fixed],
    ['Removed', data.removed],
    ...(isPullRequest
      ? [['New in this pull request', data.newInPullRequest] satisfies [string, number | undefined]]
      : []),
  ];
  return {
    facts: rows.flatMap(([label, value]) => (value === undefined ? [] : [{ label, value }])),
    bySeverity: severities.flatMap((severity) => {
      const value = data.bySeverity?.[severity] ?? 0;
      return value > 0 ? [{ severity, count: value }] : [];
    }),
  };
};
