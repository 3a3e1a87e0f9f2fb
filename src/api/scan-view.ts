import { z } from 'zod';
import type { ScanRecord } from '../db/scans.js';

export const scanStatuses = ['queued', 'processing', 'processed', 'failed'] as const;

/** A scan as the API answers it (`POST …/scans`, `GET …/scans/{id}`, the listing). */
export const scanViewSchema = z.object({
  id: z.string(),
  status: z.enum(scanStatuses).describe('`queued` until a worker processes it; then `processed` or `failed`'),
  repository: z.object({ id: z.string(), fullName: z.string(), connectionId: z.string() }),
  commitSha: z.string(),
  branch: z.string().nullable(),
  pullRequestNumber: z.number().nullable(),
  baseCommitSha: z.string().nullable(),
  baseBranch: z.string().nullable(),
  runs: z.array(
    z.object({
      tool: z.string(),
      version: z.string().nullable(),
      category: z.string().describe("`automationDetails.id` up to its last `/`; '' when none"),
      resultCount: z.number(),
    }),
  ),
  resultCount: z.number(),
  createdAt: z.string(),
  processedAt: z.string().nullable(),
  summary: z.unknown().describe('What processing found (counts by state and severity); null until processed'),
  error: z
    .object({ code: z.string(), message: z.string() })
    .nullable()
    .describe('Why processing failed, with what to do; null otherwise'),
  url: z.string().describe("The scan's findings in the web UI"),
});

export type ScanView = z.infer<typeof scanViewSchema>;

function parseSummary(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** The API's view of a scan; `origin` is the public origin its findings page is on. */
export const toScanView = (scan: ScanRecord, origin: string): ScanView => ({
  id: scan.id,
  status: scan.status,
  repository: scan.repository,
  commitSha: scan.commitSha,
  branch: scan.branch,
  pullRequestNumber: scan.pullRequestNumber,
  baseCommitSha: scan.baseCommitSha,
  baseBranch: scan.baseBranch,
  runs: scan.runs.map((run) => ({ ...run })),
  resultCount: scan.resultCount,
  createdAt: scan.createdAt,
  processedAt: scan.processedAt,
  summary: parseSummary(scan.summary),
  error: scan.error,
  url: `${origin}/findings?scan=${encodeURIComponent(scan.id)}`,
});
