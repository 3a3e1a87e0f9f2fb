/**
 * A SARIF 2.1.0 log of `count` results in `path`, result i on line i + 1 under its own rule (so no rule passes the
 * account's threshold and every finding may go inline), with scanner fingerprints (so processing reads no file)
 * severities from critical to low, and `baselineState: new` (each one introduced by the pull request).
 */
export function benchLog(path: string, count: number): string {
  const rules = Array.from({ length: count }, (_, i) => ({
    id: `bench/rule-${i}`,
    name: `BenchRule${i}`,
    shortDescription: { text: `Generated rule ${i}: eval of input` },
    help: {
      text: `Do not pass input to eval (rule ${i}).`,
      markdown: `Do **not** pass input to \`eval\` (rule ${i}).`,
    },
    helpUri: `https://example.com/rules/${i}`,
    properties: { 'security-severity': String(9.5 - (i % 4) * 2.5), tags: ['security'] },
  }));
  const results = Array.from({ length: count }, (_, i) => ({
    ruleId: `bench/rule-${i}`,
    ruleIndex: i,
    level: 'error',
    // New against the base branch, as a scanner comparing with it says (no scan of the base is uploaded).
    baselineState: 'new',
    message: { text: `input${i} reaches eval.` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: path },
          region: { startLine: i + 1, startColumn: 1, endLine: i + 1, endColumn: 40 },
        },
      },
    ],
    fingerprints: { 'bench/v1': `bench-${path}-${i}` },
  }));
  return JSON.stringify({
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [{ tool: { driver: { name: 'BenchScanner', version: '1.0.0', rules } }, results }],
  });
}
