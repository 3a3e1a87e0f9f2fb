import type { Db } from '../../db/database.js';
import type { FindingSeverity } from '../../db/schema.js';
import { createPathContext } from './artifact-paths.js';
import { baseBranchFingerprints, newerScanProcessed } from './baseline.js';
import { findCheckoutRoot } from './checkout-root.js';
import { closeAbsent } from './close-absent.js';
import type { FileLineSource } from './file-lines.js';
import { settleIdentities, type IdentitySource } from './identity.js';
import type { BranchKey, Namespace } from './namespace.js';
import { readObservation, type Observation } from './observations.js';
import { readRunRules, type RunRules } from './run-rules.js';
import { asArray, asObject, type JsonObject } from './sarif-values.js';
import { severities } from './severity.js';
import { loadExisting, writeBatch, type ScanStamp, type Settled } from './store-findings.js';
import { upsertRules } from './store-rules.js';

const batchSize = 400;
const maxNotes = 5;

export interface RunInput {
  readonly db: Db;
  readonly run: JsonObject;
  readonly runIndex: number;
  readonly ns: Namespace;
  readonly branchKey: BranchKey;
  readonly stamp: ScanStamp;
  readonly scan: {
    readonly createdAt: string;
    readonly branch: string | null;
    readonly pullRequestNumber: number | null;
    /** The pull request's base branch (the scan's, else the repository's default); null for other scans. */
    readonly baseBranch: string | null;
  };
  readonly files: FileLineSource;
  /** Called after each batch with the number of results it covered. */
  readonly onResults: (count: number) => Promise<void>;
  readonly signal?: AbortSignal | undefined;
}

/** What processing one run did: the counts the scan's summary adds up. */
export interface RunSummary {
  readonly runIndex: number;
  readonly tool: string;
  readonly category: string;
  readonly results: number;
  readonly findings: number;
  readonly skipped: { readonly passed: number; readonly suppressed: number; readonly duplicates: number };
  readonly opened: number;
  readonly reopened: number;
  readonly fixed: number;
  readonly removed: number;
  readonly newInPullRequest: number;
  readonly bySeverity: Readonly<Record<FindingSeverity, number>>;
  readonly identity: Readonly<Record<IdentitySource, number>>;
  /**
   * `recorded`: states moved; `not-tracked`: a bare-commit scan, recorded without states; `incomplete`: the tool
   * said its run failed, so nothing was closed; `stale`: a newer scan of the branch was processed first, nothing
   * written.
   */
  readonly outcome: 'recorded' | 'not-tracked' | 'incomplete' | 'stale';
  /** The base branch scan new-in-pull-request was decided against (pull request scans). */
  readonly baseScanId: string | null;
  readonly notes: readonly string[];
}

/** Turns one run of the log into findings: rules, identities, upserts, then the states of what it no longer reports. */
export async function processRun(input: RunInput): Promise<RunSummary> {
  const { db, run, ns, stamp } = input;
  const results = asArray(run.results);
  const summary = {
    runIndex: input.runIndex,
    tool: ns.toolName,
    category: ns.category,
    results: results.length,
    findings: 0,
    skipped: { passed: 0, suppressed: 0, duplicates: 0 },
    opened: 0,
    reopened: 0,
    fixed: 0,
    removed: 0,
    newInPullRequest: 0,
    bySeverity: Object.fromEntries(severities.map((s) => [s, 0])) as Record<FindingSeverity, number>,
    identity: { fingerprints: 0, partialFingerprints: 0, content: 0, message: 0 },
    outcome: 'recorded' as RunSummary['outcome'],
    baseScanId: null as string | null,
    notes: [] as string[],
  };
  if (
    input.branchKey.tracksStates &&
    (await newerScanProcessed(db, {
      accountId: ns.accountId,
      repositoryId: ns.repositoryId,
      scanId: stamp.scanId,
      createdAt: input.scan.createdAt,
      branch: input.scan.branch,
      pullRequestNumber: input.scan.pullRequestNumber,
      toolName: ns.toolName,
      category: ns.category,
    }))
  ) {
    await input.onResults(results.length);
    return { ...summary, outcome: 'stale' };
  }

  const rules = readRunRules(run);
  await upsertRules(db, ns.accountId, ns.toolName, rules, stamp.at);
  const { context: paths, note: rootNote } = await findCheckoutRoot(run, createPathContext(run), input.files);
  if (rootNote) summary.notes.push(rootNote);
  const observations: Observation[] = [];
  results.forEach((result, index) => {
    const read = readObservation(result, index, rules, paths);
    if (read.kind === 'finding') observations.push(read.observation);
    else summary.skipped[read.why] += 1;
  });
  input.signal?.throwIfAborted();

  const identities = await settleIdentities(observations, (path) => input.files.lines(path));
  const base =
    input.scan.pullRequestNumber !== null &&
    input.scan.baseBranch !== null &&
    input.scan.baseBranch !== ns.branch
      ? await baseBranchFingerprints(db, { ...ns, baseBranch: input.scan.baseBranch })
      : undefined;
  summary.baseScanId = base?.scanId ?? null;
  const settled: Settled[] = [];
  const seen = new Set<string>();
  observations.forEach((observation, at) => {
    const identity = identities[at]!;
    if (seen.has(identity.fingerprint)) {
      summary.skipped.duplicates += 1;
      return;
    }
    seen.add(identity.fingerprint);
    const newInPullRequest =
      input.scan.pullRequestNumber !== null &&
      (observation.baselineState === 'new' ||
        (base !== undefined && !base.fingerprints.has(identity.fingerprint)));
    settled.push({ observation, identity, newInPullRequest });
    summary.identity[identity.source] += 1;
    summary.bySeverity[observation.severity] += 1;
    if (newInPullRequest) summary.newInPullRequest += 1;
    if (identity.note && summary.notes.length < maxNotes && !summary.notes.includes(identity.note)) {
      summary.notes.push(identity.note);
    }
  });
  summary.findings = settled.length;

  const existing = await loadExisting(db, ns);
  // In identity order, each batch lands on neighbouring pages of the identity index instead of all over it.
  settled.sort((a, b) => (a.identity.fingerprint < b.identity.fingerprint ? -1 : 1));
  for (let start = 0; start < settled.length; start += batchSize) {
    input.signal?.throwIfAborted();
    const batch = settled.slice(start, start + batchSize);
    const written = await writeBatch(db, ns, stamp, batch, existing);
    summary.opened += written.opened;
    summary.reopened += written.reopened;
    await input.onResults(Math.round((batch.length / Math.max(settled.length, 1)) * results.length));
  }
  if (settled.length === 0) await input.onResults(results.length);

  if (!input.branchKey.tracksStates) return { ...summary, outcome: 'not-tracked' };
  if (!runCompleted(run)) return { ...summary, outcome: 'incomplete' };
  const absent = [...existing.entries()]
    .filter(([fingerprint, finding]) => finding.state === 'open' && !seen.has(fingerprint))
    .map(([, finding]) => finding);
  const closed = await closeAbsent(db, ns, stamp, {
    absent,
    ruleIds: listsEveryRule(rules, observations) ? new Set(rules.byId.keys()) : undefined,
    fileExists: (path) => input.files.exists(path),
  });
  return { ...summary, ...closed };
}

/**
 * Whether the run's rules are every rule the tool ran, so that a rule missing from them is gone: the list names
 * at least one rule that reported nothing (Semgrep, CodeQL list their whole rule set). Tools that list only the
 * rules with results (Trivy, the ESLint formatter) say nothing about the others, and their findings are fixed.
 */
function listsEveryRule(rules: RunRules, observations: readonly Observation[]): boolean {
  const reported = new Set(observations.map((observation) => observation.ruleId));
  return [...rules.byId.keys()].some((ruleId) => !reported.has(ruleId));
}

/** A run whose tool said it failed (`invocations[].executionSuccessful: false`) is not a complete scan. */
const runCompleted = (run: JsonObject): boolean =>
  !asArray(run.invocations).some((invocation) => asObject(invocation)?.executionSuccessful === false);
