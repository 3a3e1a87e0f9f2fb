import { asLevel, readSecuritySeverity, type Level } from './severity.js';
import { asArray, asInteger, asObject, asString, messageText, type JsonObject } from './sarif-values.js';

/** What a tool says about one rule (`reportingDescriptor`). */
export interface RuleInfo {
  readonly id: string;
  readonly name: string | undefined;
  readonly shortDescription: string | undefined;
  readonly fullDescription: string | undefined;
  readonly helpText: string | undefined;
  readonly helpMarkdown: string | undefined;
  readonly helpUri: string | undefined;
  readonly defaultLevel: Level | undefined;
  /** `properties["security-severity"]` as the tool wrote it, and as a number. */
  readonly securitySeverityText: string | undefined;
  readonly securitySeverity: number | undefined;
  readonly tags: readonly string[];
  readonly messageStrings: JsonObject | undefined;
}

/** The rules of a run: its driver's and its extensions', by id and by index. */
export interface RunRules {
  readonly byId: ReadonlyMap<string, RuleInfo>;
  readonly driver: readonly (RuleInfo | undefined)[];
  readonly extensions: readonly (readonly (RuleInfo | undefined)[])[];
}

const maxTags = 50;

export function readRule(descriptor: unknown): RuleInfo | undefined {
  const rule = asObject(descriptor);
  const id = asString(rule?.id);
  if (!rule || id === undefined || id === '') return undefined;
  const help = asObject(rule.help);
  const properties = asObject(rule.properties);
  const rawSeverity = properties?.['security-severity'];
  const securitySeverity = readSecuritySeverity(rawSeverity);
  return {
    id,
    name: asString(rule.name),
    shortDescription: messageText(rule.shortDescription),
    fullDescription: messageText(rule.fullDescription),
    helpText: asString(help?.text),
    helpMarkdown: asString(help?.markdown),
    helpUri: asString(rule.helpUri),
    defaultLevel: asLevel(asObject(rule.defaultConfiguration)?.level),
    securitySeverityText: securitySeverity === undefined ? undefined : String(rawSeverity).trim(),
    securitySeverity,
    tags: asArray(properties?.tags)
      .filter((tag): tag is string => typeof tag === 'string' && tag !== '')
      .slice(0, maxTags),
    messageStrings: asObject(rule.messageStrings),
  };
}

/** Reads `tool.driver.rules` and each `tool.extensions[].rules`; the driver's rule wins on a shared id. */
export function readRunRules(run: JsonObject): RunRules {
  const tool = asObject(run.tool);
  const driver = asArray(asObject(tool?.driver)?.rules).map(readRule);
  const extensions = asArray(tool?.extensions).map((extension) =>
    asArray(asObject(extension)?.rules).map(readRule),
  );
  const byId = new Map<string, RuleInfo>();
  for (const rule of [...extensions.flat(), ...driver].reverse()) if (rule) byId.set(rule.id, rule);
  return { byId, driver, extensions };
}

/**
 * A result's rule: `ruleId`, else `rule.id`, else the rule at `ruleIndex` / `rule.index` (in the driver, or in
 * the extension `rule.toolComponent.index` names). A hierarchical id (`CA2000/1`) falls back to its parent rule.
 */
export function ruleOfResult(
  result: JsonObject,
  rules: RunRules,
): { ruleId: string; rule: RuleInfo | undefined } {
  const reference = asObject(result.rule);
  const index = asInteger(result.ruleIndex, 0) ?? asInteger(reference?.index, 0);
  const componentIndex = asInteger(asObject(reference?.toolComponent)?.index, 0);
  const components = componentIndex === undefined ? rules.driver : rules.extensions[componentIndex];
  const byIndex = index === undefined ? undefined : components?.[index];
  const ruleId = asString(result.ruleId) ?? asString(reference?.id) ?? byIndex?.id ?? 'unknown-rule';
  const rule = rules.byId.get(ruleId) ?? byIndex ?? rules.byId.get(ruleId.split('/')[0] ?? ruleId);
  return { ruleId, rule };
}
