import type { FindingSeverity } from '../../db/schema.js';
import { placeArtifact, type PathContext } from './artifact-paths.js';
import { ruleOfResult, type RunRules } from './run-rules.js';
import { asLevel, readSecuritySeverity, severityOf, type Level } from './severity.js';
import {
  asArray,
  asInteger,
  asObject,
  asString,
  asStringMap,
  messageText,
  type JsonObject,
} from './sarif-values.js';

/** A location as findings keep it: a repository-relative path (or none, and why) and a region. */
export interface LocationView {
  readonly path: string | null;
  readonly startLine: number | null;
  readonly startColumn: number | null;
  readonly endLine: number | null;
  readonly endColumn: number | null;
  readonly unlinkedReason: string | null;
}

export interface MessageLocation {
  readonly message: string | null;
  readonly location: LocationView | null;
}

export interface CodeFlowView {
  readonly message: string | null;
  readonly steps: readonly MessageLocation[];
}

export interface FixView {
  readonly description: string | null;
  readonly changes: readonly {
    readonly path: string | null;
    readonly unlinkedReason: string | null;
    readonly replacements: readonly {
      readonly startLine: number | null;
      readonly startColumn: number | null;
      readonly endLine: number | null;
      readonly endColumn: number | null;
      readonly insertedText: string | null;
    }[];
  }[];
}

/** One result of a run, read and normalized, before its identity is settled. */
export interface Observation {
  readonly resultIndex: number;
  readonly ruleId: string;
  readonly level: Level;
  readonly severity: FindingSeverity;
  readonly message: string;
  readonly location: LocationView | null;
  readonly relatedLocations: readonly MessageLocation[];
  readonly codeFlows: readonly CodeFlowView[];
  readonly fixes: readonly FixView[];
  readonly fingerprints: Readonly<Record<string, string>> | undefined;
  readonly partialFingerprints: Readonly<Record<string, string>> | undefined;
  readonly baselineState: string | undefined;
}

/** Why a result is not a finding, or the finding it is. */
export type ReadResult =
  | { readonly kind: 'finding'; readonly observation: Observation }
  | { readonly kind: 'skipped'; readonly why: 'passed' | 'suppressed' };

/** Thread-flow steps kept per code flow; GitHub shows 1,000 too. */
const maxSteps = 1_000;
const maxRelated = 1_000;

export function readObservation(
  value: unknown,
  resultIndex: number,
  rules: RunRules,
  paths: PathContext,
): ReadResult {
  const result = asObject(value) ?? {};
  const kind = asString(result.kind);
  if (kind === 'pass' || kind === 'notApplicable') return { kind: 'skipped', why: 'passed' };
  if (isSuppressed(result)) return { kind: 'skipped', why: 'suppressed' };
  const { ruleId, rule } = ruleOfResult(result, rules);
  // SARIF §3.27.10: without a level, a result that is not a `fail` is `none`, else the rule's default.
  const level =
    asLevel(result.level) ??
    (kind !== undefined && kind !== 'fail' ? 'none' : undefined) ??
    rule?.defaultLevel ??
    'warning';
  const securitySeverity =
    readSecuritySeverity(asObject(result.properties)?.['security-severity']) ?? rule?.securitySeverity;
  const locations = asArray(result.locations);
  return {
    kind: 'finding',
    observation: {
      resultIndex,
      ruleId,
      level,
      severity: severityOf(level, securitySeverity),
      message: messageText(result.message, rule?.messageStrings) ?? rule?.shortDescription ?? ruleId,
      location: locations.length === 0 ? null : readLocation(locations[0], paths),
      relatedLocations: asArray(result.relatedLocations)
        .slice(0, maxRelated)
        .map((related) => readMessageLocation(related, paths)),
      codeFlows: readCodeFlows(result, paths),
      fixes: asArray(result.fixes).map((fix) => readFix(fix, paths)),
      fingerprints: asStringMap(result.fingerprints),
      partialFingerprints: asStringMap(result.partialFingerprints),
      baselineState: asString(result.baselineState),
    },
  };
}

/** Suppressed unless every suppression is `rejected` (SARIF: `underReview` is not yet a suppression either). */
function isSuppressed(result: JsonObject): boolean {
  const suppressions = asArray(result.suppressions).map(asObject);
  if (suppressions.length === 0) return false;
  return suppressions.some((suppression) => {
    const status = asString(suppression?.status);
    return status === undefined || status === 'accepted';
  });
}

function readMessageLocation(value: unknown, paths: PathContext): MessageLocation {
  const location = asObject(value);
  return { message: messageText(location?.message) ?? null, location: readLocation(value, paths) };
}

/** A SARIF `location`: its physical location placed in the repository, or why it cannot be. */
export function readLocation(value: unknown, paths: PathContext): LocationView | null {
  const location = asObject(value);
  if (!location) return null;
  const physical = asObject(location.physicalLocation);
  const region = readRegion(physical?.region);
  const placed = physical ? placeArtifact(physical.artifactLocation, paths) : undefined;
  if (!placed) {
    const logical = asObject(asArray(location.logicalLocations)[0]);
    const name = asString(logical?.fullyQualifiedName) ?? asString(logical?.name);
    return {
      path: null,
      ...region,
      unlinkedReason:
        name === undefined
          ? 'The location names no file.'
          : `The location names no file, only a logical location (${name}).`,
    };
  }
  return { path: placed.path, ...region, unlinkedReason: placed.unlinkedReason ?? null };
}

function readRegion(
  value: unknown,
): Pick<LocationView, 'startLine' | 'startColumn' | 'endLine' | 'endColumn'> {
  const region = asObject(value);
  const startLine = asInteger(region?.startLine) ?? null;
  const endLine = asInteger(region?.endLine);
  return {
    startLine,
    startColumn: asInteger(region?.startColumn) ?? null,
    endLine: startLine === null ? null : endLine !== undefined && endLine >= startLine ? endLine : startLine,
    endColumn: asInteger(region?.endColumn) ?? null,
  };
}

function readCodeFlows(result: JsonObject, paths: PathContext): CodeFlowView[] {
  const flows: CodeFlowView[] = [];
  for (const flowValue of asArray(result.codeFlows)) {
    const flow = asObject(flowValue);
    for (const threadValue of asArray(flow?.threadFlows)) {
      const thread = asObject(threadValue);
      const steps = asArray(thread?.locations)
        .slice(0, maxSteps)
        .map((stepValue) => {
          const step = asObject(stepValue);
          const location = asObject(step?.location);
          return {
            message: messageText(location?.message) ?? messageText(step?.message) ?? null,
            location: readLocation(step?.location, paths),
          };
        });
      flows.push({ message: messageText(thread?.message) ?? messageText(flow?.message) ?? null, steps });
    }
  }
  return flows;
}

function readFix(value: unknown, paths: PathContext): FixView {
  const fix = asObject(value);
  return {
    description: messageText(fix?.description) ?? null,
    changes: asArray(fix?.artifactChanges).map((changeValue) => {
      const change = asObject(changeValue);
      const placed = placeArtifact(change?.artifactLocation, paths);
      return {
        path: placed?.path ?? null,
        unlinkedReason: placed ? (placed.unlinkedReason ?? null) : 'The change names no file.',
        replacements: asArray(change?.replacements).map((replacementValue) => {
          const replacement = asObject(replacementValue);
          return {
            ...readRegion(replacement?.deletedRegion),
            insertedText: asString(asObject(replacement?.insertedContent)?.text) ?? null,
          };
        }),
      };
    }),
  };
}
