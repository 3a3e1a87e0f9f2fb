/** Hand-made SARIF 2.1.0 logs for the intake tests: small, with the shapes scanners write. */

export const commitA = 'a'.repeat(40);
export const commitB = 'b'.repeat(40);

export interface RunOptions {
  readonly tool?: string;
  readonly version?: string;
  readonly automationId?: string;
  readonly results?: number;
  readonly provenance?: Record<string, unknown>[];
  readonly extra?: Record<string, unknown>;
}

/** One result of `rule-{i % 3}` at line i + 1 of `src/file{i}.ts`. */
export const result = (i: number) => ({
  ruleId: `rule-${i % 3}`,
  level: 'warning',
  message: { text: `Problem ${i}.` },
  locations: [
    {
      physicalLocation: {
        artifactLocation: { uri: `src/file${i}.ts`, uriBaseId: '%SRCROOT%' },
        region: { startLine: i + 1, startColumn: 1, endLine: i + 1, endColumn: 10 },
      },
    },
  ],
  partialFingerprints: { primaryLocationLineHash: `hash${i}:1` },
});

export const run = (options: RunOptions = {}) => ({
  tool: {
    driver: {
      name: options.tool ?? 'scan-tool',
      ...(options.version === undefined ? {} : { version: options.version }),
      rules: [0, 1, 2].map((i) => ({ id: `rule-${i}`, shortDescription: { text: `Rule ${i}` } })),
    },
  },
  ...(options.automationId === undefined ? {} : { automationDetails: { id: options.automationId } }),
  ...(options.provenance === undefined ? {} : { versionControlProvenance: options.provenance }),
  results: Array.from({ length: options.results ?? 3 }, (_, i) => result(i)),
  ...options.extra,
});

export const sarif = (...runs: RunOptions[]) => ({
  version: '2.1.0',
  $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
  runs: (runs.length === 0 ? [{}] : runs).map(run),
});
