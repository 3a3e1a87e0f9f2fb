import { formatJsonPath } from './json-path.js';

/** The limits of one upload, GitHub code scanning's (an upload over any of them is refused whole). */
export const sarifLimits = {
  runs: 20,
  resultsPerRun: 25_000,
  rulesPerRun: 25_000,
  locationsPerResult: 1_000,
  threadFlowLocationsPerResult: 10_000,
} as const;

export type SarifLimit = keyof typeof sarifLimits;

/** The request body, gzip-compressed (an uncompressed log is measured once compressed). */
export const maxCompressedLogBytes = 10 * 1024 * 1024;

/** The log once decompressed: what is parsed in memory (a decompression bomb stops here). */
export const maxLogBytes = 100 * 1024 * 1024;

/** Arrays and objects inside one another; SARIF itself needs about fifteen levels. */
export const maxNestingDepth = 100;

export interface LimitBreach {
  readonly limit: SarifLimit;
  readonly maximum: number;
  readonly actual: number;
  /** Where the first item over the limit is, e.g. `runs[0].results[25000]`. */
  readonly path: string;
  readonly message: string;
}

const what: Readonly<Record<SarifLimit, [string, string, string]>> = {
  runs: ['runs', 'one log', 'upload the runs in separate logs'],
  resultsPerRun: ['results', 'one run', 'split the scan (by directory or rule set) into several uploads'],
  rulesPerRun: ['rules', 'one run', 'report only the rules the run used'],
  locationsPerResult: ['locations', 'one result', 'keep the primary location and move the rest out'],
  threadFlowLocationsPerResult: [
    'thread-flow locations',
    'one result',
    'shorten the code flows (most scanners have an option for the maximum path length)',
  ],
};

function breach(limit: SarifLimit, actual: number, path: readonly PropertyKey[]): LimitBreach {
  const maximum = sarifLimits[limit];
  const [items, container, fix] = what[limit];
  const where = formatJsonPath(path);
  return {
    limit,
    maximum,
    actual,
    path: where,
    message:
      `${where}: more than ${maximum.toLocaleString('en-US')} ${items} in ${container} ` +
      `(${actual.toLocaleString('en-US')}); the limit is GitHub code scanning's: ${fix}.`,
  };
}

const arrayAt = (value: unknown, key: string): readonly unknown[] | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const item = (value as Record<string, unknown>)[key];
  return Array.isArray(item) ? item : undefined;
};

/**
 * The first limit the log goes over, in document order, or undefined. Reads only arrays where SARIF puts them
 * (anything of another shape is the schema's to report), so a log of any size is measured without copying it.
 */
export function findLimitBreach(log: unknown): LimitBreach | undefined {
  const runs = arrayAt(log, 'runs');
  if (!runs) return undefined;
  if (runs.length > sarifLimits.runs) return breach('runs', runs.length, ['runs', sarifLimits.runs]);
  for (const [r, run] of runs.entries()) {
    const rules = arrayAt(driverOf(run), 'rules');
    if (rules && rules.length > sarifLimits.rulesPerRun) {
      return breach('rulesPerRun', rules.length, [
        'runs',
        r,
        'tool',
        'driver',
        'rules',
        sarifLimits.rulesPerRun,
      ]);
    }
    const results = arrayAt(run, 'results');
    if (!results) continue;
    if (results.length > sarifLimits.resultsPerRun) {
      return breach('resultsPerRun', results.length, ['runs', r, 'results', sarifLimits.resultsPerRun]);
    }
    for (const [i, result] of results.entries()) {
      const found = resultBreach(result, ['runs', r, 'results', i]);
      if (found) return found;
    }
  }
  return undefined;
}

function driverOf(run: unknown): unknown {
  if (typeof run !== 'object' || run === null) return undefined;
  const tool = (run as Record<string, unknown>).tool;
  return typeof tool === 'object' && tool !== null ? (tool as Record<string, unknown>).driver : undefined;
}

function resultBreach(result: unknown, at: readonly PropertyKey[]): LimitBreach | undefined {
  const locations = arrayAt(result, 'locations');
  if (locations && locations.length > sarifLimits.locationsPerResult) {
    return breach('locationsPerResult', locations.length, [
      ...at,
      'locations',
      sarifLimits.locationsPerResult,
    ]);
  }
  const codeFlows = arrayAt(result, 'codeFlows');
  if (!codeFlows) return undefined;
  let total = 0;
  let first: PropertyKey[] | undefined;
  for (const [c, flow] of codeFlows.entries()) {
    for (const [t, thread] of (arrayAt(flow, 'threadFlows') ?? []).entries()) {
      const steps = arrayAt(thread, 'locations')?.length ?? 0;
      if (!first && total + steps > sarifLimits.threadFlowLocationsPerResult) {
        const index = sarifLimits.threadFlowLocationsPerResult - total;
        first = [...at, 'codeFlows', c, 'threadFlows', t, 'locations', index];
      }
      total += steps;
    }
  }
  return first ? breach('threadFlowLocationsPerResult', total, first) : undefined;
}
