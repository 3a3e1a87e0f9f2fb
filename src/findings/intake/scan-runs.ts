import { createHash } from 'node:crypto';
import type { SarifLog, SarifRun } from './sarif-schema.js';

/** One run of a log as a scan lists it. */
export interface RunSummary {
  readonly tool: string;
  readonly version: string | null;
  /** `automationDetails.id` up to its last `/` (SARIF's category); '' when there is none. */
  readonly category: string;
  readonly resultCount: number;
}

/** SARIF's category of a run: `automationDetails.id` without the run's own id after the last `/`. */
export function categoryOf(run: Pick<SarifRun, 'automationDetails'>): string {
  const id = run.automationDetails?.id;
  if (id === undefined) return '';
  const slash = id.lastIndexOf('/');
  return slash === -1 ? '' : id.slice(0, slash);
}

export const runSummaries = (log: SarifLog): RunSummary[] =>
  log.runs.map((run) => ({
    tool: run.tool.driver.name,
    version: run.tool.driver.version ?? run.tool.driver.semanticVersion ?? null,
    category: categoryOf(run),
    resultCount: run.results?.length ?? 0,
  }));

/**
 * What makes two uploads one scan: the repository, the commit and the runs' tools and categories. sha256 over
 * JSON, so no value can be mistaken for a separator.
 */
export function dedupeKeyOf(repositoryId: string, commitSha: string, runs: readonly RunSummary[]): string {
  const pairs = runs.map((run) => `${run.tool}:${run.category}`).sort();
  return createHash('sha256')
    .update(JSON.stringify([repositoryId, commitSha, pairs]))
    .digest('hex');
}
