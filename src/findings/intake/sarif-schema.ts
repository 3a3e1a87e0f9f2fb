import { z } from 'zod';

/**
 * The parts of a SARIF 2.1.0 log that scm-connect reads, checked with their types; anything else a scanner adds
 * is allowed and kept (the stored log is the uploaded one). Messages are written to follow a JSON path:
 * `runs[0].results[12].locations[0].physicalLocation.region.startLine: must be a positive integer`.
 */

/** "is required (…)" when absent, "must be …" when present with another type. */
const expect = (what: string) => ({
  error: (issue: { input?: unknown }) =>
    issue.input === undefined ? `is required (${what})` : `must be ${what}`,
});

const text = () => z.string(expect('a string'));
const object = <Shape extends z.ZodRawShape>(shape: Shape) => z.object(shape, expect('an object'));
const array = <Item extends z.ZodType>(item: Item) => z.array(item, expect('an array'));
const positive = () =>
  z
    .number(expect('a positive integer'))
    .int('must be a positive integer')
    .min(1, 'must be a positive integer');
const index = () =>
  z
    .number(expect('an integer of -1 or more'))
    .int('must be an integer of -1 or more')
    .min(-1, 'must be an integer of -1 or more');
const oneOf = <const Values extends readonly [string, ...string[]]>(values: Values) =>
  z.enum(values, { error: () => `must be one of ${values.join(', ')}` });

/** A property bag: any object (its content is the scanner's). */
const propertyBag = z.custom<Record<string, unknown>>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  'must be an object',
);

const stringMap = z.record(z.string(), text(), expect('an object of strings'));

const message = object({ text: text().optional(), markdown: text().optional(), id: text().optional() });

const region = object({
  startLine: positive().optional(),
  startColumn: positive().optional(),
  endLine: positive().optional(),
  endColumn: positive().optional(),
  charOffset: index().optional(),
  charLength: index().optional(),
  snippet: object({ text: text().optional() }).optional(),
}).superRefine((value, ctx) => {
  if (value.startLine !== undefined && value.endLine !== undefined && value.endLine < value.startLine) {
    ctx.addIssue({
      code: 'custom',
      path: ['endLine'],
      message: `must not be before startLine (${value.startLine})`,
    });
  }
});

const artifactLocation = object({
  uri: text().optional(),
  uriBaseId: text().optional(),
  index: index().optional(),
});

const location = object({
  physicalLocation: object({
    artifactLocation: artifactLocation.optional(),
    region: region.optional(),
    contextRegion: region.optional(),
  }).optional(),
  message: message.optional(),
});

const multiformatMessage = object({ text: text(), markdown: text().optional() });

const level = oneOf(['none', 'note', 'warning', 'error']);

const reportingDescriptor = object({
  id: text(),
  name: text().optional(),
  shortDescription: multiformatMessage.optional(),
  fullDescription: multiformatMessage.optional(),
  help: multiformatMessage.optional(),
  helpUri: text().optional(),
  defaultConfiguration: object({ level: level.optional() }).optional(),
  properties: object({ tags: array(text()).optional() }).optional(),
});

const toolComponent = object({
  name: text().min(1, 'must not be empty'),
  version: text().optional(),
  semanticVersion: text().optional(),
  rules: array(reportingDescriptor).optional(),
});

const result = object({
  ruleId: text().optional(),
  ruleIndex: index().optional(),
  rule: object({ id: text().optional(), index: index().optional() }).optional(),
  level: level.optional(),
  message,
  locations: array(location).optional(),
  relatedLocations: array(location).optional(),
  partialFingerprints: stringMap.optional(),
  fingerprints: stringMap.optional(),
  codeFlows: array(
    object({ threadFlows: array(object({ locations: array(object({ location: location.optional() })) })) }),
  ).optional(),
  fixes: array(
    object({
      artifactChanges: array(
        object({
          artifactLocation,
          replacements: array(
            object({
              deletedRegion: region,
              insertedContent: object({ text: text().optional() }).optional(),
            }),
          ),
        }),
      ),
    }),
  ).optional(),
  suppressions: array(object({ kind: oneOf(['inSource', 'external']) })).optional(),
  baselineState: oneOf(['new', 'unchanged', 'updated', 'absent']).optional(),
  properties: propertyBag.optional(),
}).superRefine((value, ctx) => {
  if (value.message.text === undefined && value.message.id === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['message'],
      message: 'must have a text (or an id of a rule message)',
    });
  }
});

const versionControlDetails = object({
  repositoryUri: text().min(1, 'must not be empty'),
  revisionId: text().optional(),
  branch: text().optional(),
});

const run = object({
  tool: object({ driver: toolComponent, extensions: array(toolComponent).optional() }),
  automationDetails: object({ id: text().optional() }).optional(),
  versionControlProvenance: array(versionControlDetails).optional(),
  originalUriBaseIds: z.record(z.string(), artifactLocation, expect('an object')).optional(),
  results: array(result).nullable().optional(),
}).superRefine((value, ctx) => {
  const ruleCount = value.tool.driver.rules?.length ?? 0;
  for (const [i, item] of (value.results ?? []).entries()) {
    const ruleIndex = item.ruleIndex ?? item.rule?.index;
    if (ruleIndex !== undefined && ruleIndex >= ruleCount) {
      const path =
        item.ruleIndex === undefined ? ['results', i, 'rule', 'index'] : ['results', i, 'ruleIndex'];
      ctx.addIssue({
        code: 'custom',
        path,
        message:
          ruleCount === 0
            ? 'names a rule by index, but tool.driver.rules is empty'
            : `must name one of the ${ruleCount} rules of tool.driver.rules (0 to ${ruleCount - 1})`,
      });
    }
    if (item.ruleId === undefined && item.rule?.id === undefined && ruleIndex === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['results', i, 'ruleId'],
        message: 'is required (a string naming the rule)',
      });
    }
  }
});

export const sarifLogSchema = object({
  version: z.literal('2.1.0', {
    error: (issue) =>
      issue.input === undefined
        ? 'is required ("2.1.0")'
        : `must be "2.1.0": only SARIF 2.1.0 is read (convert older logs with the SARIF multitool)`,
  }),
  $schema: text().optional(),
  runs: array(run).min(1, 'must hold at least one run'),
});

export type SarifLog = z.infer<typeof sarifLogSchema>;
export type SarifRun = SarifLog['runs'][number];
